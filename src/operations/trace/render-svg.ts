import { type Conversation, type ConversationArrow, type ConversationBlock, type ConversationItem } from './conversation.js';
import { displayText, MAX_WHOLE_CHARS } from './display-text.js';
import { xmlEscape } from './xml-escape.js';

// The SVG is written here, element by element, rather than by Mermaid: Mermaid lays a diagram
// out by measuring text in a browser's DOM, which a CLI on Node.js does not have. Text is
// monospace, so that its width is known from its length.

const MARGIN = 20;
/** From one lane's centre to the next. */
const LANE_GAP = 250;
const HEADER_WIDTH = 220;
const HEADER_HEIGHT = 34;
const ARROW_ROW = 34;
const NOTE_ROW = 26;
const NOTE_HEIGHT = 20;
const BLOCK_HEAD = 28;
const BLOCK_FOOT = 12;
/** How far the outermost call's box reaches past its outer lanes; each level in, 10 less. */
const BLOCK_REACH = 46;
const CHAR_WIDTH = 7.2; // 12px monospace
const HEADER_CHARS = Math.floor((HEADER_WIDTH - 16) / 7.8); // 13px monospace
const BLOCK_FILLS = ['#e3eaf7', '#f7ebdc', '#e0f2e6'];
const ARROWHEAD_ID = 'weft-trace-arrowhead';

const STYLE = [
  'text { font-family: ui-monospace, Menlo, Consolas, monospace; font-size: 12px; fill: #1d2330; }',
  '.lane-header { fill: #f4f6fa; stroke: #4a5a78; stroke-width: 1.2; }',
  '.lane-name { font-size: 13px; font-weight: bold; }',
  '.lifeline { stroke: #8a94a8; stroke-width: 1; stroke-dasharray: 5 4; }',
  '.arrow line { stroke: #2b3a55; stroke-width: 1.4; }',
  '.arrow.from-chaincode line { stroke: #7a3b12; }',
  '.note rect { fill: #fff6c7; stroke: #b8a040; }',
  '.call-box { stroke: #7d8aa5; stroke-width: 1; }',
  '.call-label { font-size: 11px; font-style: italic; }',
].join('\n');

interface Cursor {
  y: number;
  readonly laneX: ReadonlyMap<string, number>;
  /** Boxes go first (under everything); lanes, arrows and notes after. */
  readonly back: string[];
  readonly front: string[];
}

/**
 * The conversation as one self-contained SVG document: a header box and a dashed lifeline per
 * lane, an arrow with an arrowhead and a label per message, a note per state change, and a
 * shaded box (nested as the calls are) per chaincode-to-chaincode call.
 */
export function renderSvg(conversation: Conversation, title = 'Chaincode conversation'): string {
  const laneX = new Map(conversation.lanes.map((lane, i) => [lane.id, MARGIN + BLOCK_REACH + HEADER_WIDTH / 2 + i * LANE_GAP]));
  const cursor: Cursor = { y: MARGIN + HEADER_HEIGHT + 24, laneX, back: [], front: [] };
  drawItems(cursor, conversation.items);
  const bottom = cursor.y + 8;
  const width = MARGIN * 2 + BLOCK_REACH * 2 + HEADER_WIDTH + Math.max(0, conversation.lanes.length - 1) * LANE_GAP;
  const height = bottom + MARGIN;
  const lanes = conversation.lanes.map((lane) => {
    const x = laneX.get(lane.id) ?? 0;
    const name = displayText(lane.name, HEADER_CHARS);
    return (
      `<g class="lane" data-lane="${xmlEscape(lane.id)}"><title>${xmlEscape(displayText(lane.chaincode === '' ? lane.name : lane.chaincode, MAX_WHOLE_CHARS))}</title>` +
      `<line class="lifeline" x1="${num(x)}" y1="${num(MARGIN + HEADER_HEIGHT)}" x2="${num(x)}" y2="${num(bottom)}"/>` +
      `<rect class="lane-header" x="${num(x - HEADER_WIDTH / 2)}" y="${num(MARGIN)}" width="${num(HEADER_WIDTH)}" height="${num(HEADER_HEIGHT)}" rx="4"/>` +
      `<text class="lane-name" x="${num(x)}" y="${num(MARGIN + HEADER_HEIGHT / 2 + 4.5)}" text-anchor="middle">${xmlEscape(name)}</text></g>`
    );
  });
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" class="weft-trace" width="${num(width)}" height="${num(height)}" viewBox="0 0 ${num(width)} ${num(height)}" role="img">`,
    `<title>${xmlEscape(displayText(title, 200))}</title>`,
    `<style>\n${STYLE}\n</style>`,
    `<defs><marker id="${ARROWHEAD_ID}" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="9" markerHeight="9" markerUnits="userSpaceOnUse" orient="auto"><path d="M0,0 L10,5 L0,10 z" fill="#2b3a55"/></marker></defs>`,
    `<rect width="100%" height="100%" fill="#ffffff"/>`,
    ...cursor.back,
    ...lanes,
    ...cursor.front,
    '</svg>',
    '',
  ].join('\n');
}

function drawItems(cursor: Cursor, items: readonly ConversationItem[]): void {
  for (const item of items) {
    if (item.kind === 'arrow') drawArrow(cursor, item);
    else drawBlock(cursor, item);
  }
}

function drawArrow(cursor: Cursor, arrow: ConversationArrow): void {
  const y = cursor.y + ARROW_ROW - 10;
  const x1 = cursor.laneX.get(arrow.from) ?? 0;
  const x2 = cursor.laneX.get(arrow.to) ?? 0;
  const direction = arrow.event.direction === 'to_chaincode' ? 'to-chaincode' : 'from-chaincode';
  cursor.front.push(
    `<g class="arrow ${direction}" data-seq="${String(arrow.event.seq)}">` +
      `<line x1="${num(x1)}" y1="${num(y)}" x2="${num(x2)}" y2="${num(y)}" marker-end="url(#${ARROWHEAD_ID})"/>` +
      `<text x="${num((x1 + x2) / 2)}" y="${num(y - 6)}" text-anchor="middle">${xmlEscape(arrow.label)}</text></g>`,
  );
  cursor.y += ARROW_ROW;
  if (arrow.stateChange === undefined) return;
  const x = cursor.laneX.get(arrow.lane) ?? 0;
  const width = arrow.stateChange.length * CHAR_WIDTH + 16;
  cursor.front.push(
    `<g class="note"><rect x="${num(x - width / 2)}" y="${num(cursor.y)}" width="${num(width)}" height="${num(NOTE_HEIGHT)}" rx="2"/>` +
      `<text x="${num(x)}" y="${num(cursor.y + 14)}" text-anchor="middle">${xmlEscape(arrow.stateChange)}</text></g>`,
  );
  cursor.y += NOTE_ROW;
}

function drawBlock(cursor: Cursor, block: ConversationBlock): void {
  const top = cursor.y;
  const reach = Math.max(6, BLOCK_REACH - 10 * (block.depth - 1));
  const left = (cursor.laneX.get(block.lanes[0] ?? '') ?? 0) - reach;
  const right = (cursor.laneX.get(block.lanes.at(-1) ?? '') ?? 0) + reach;
  // Its box is pushed before the boxes inside it, so that they are drawn over it.
  const index = cursor.back.length;
  cursor.back.push('');
  cursor.y += BLOCK_HEAD;
  drawItems(cursor, block.items);
  cursor.y += BLOCK_FOOT;
  const fill = BLOCK_FILLS[(block.depth - 1) % BLOCK_FILLS.length] ?? '#eeeeee';
  cursor.back[index] =
    `<g class="call" data-depth="${String(block.depth)}"><rect class="call-box" x="${num(left)}" y="${num(top)}" width="${num(right - left)}" height="${num(cursor.y - top)}" rx="6" fill="${fill}"/>` +
    `<text class="call-label" x="${num(left + 8)}" y="${num(top + 17)}">${xmlEscape(block.label)}</text></g>`;
  cursor.y += 6;
}

/** A coordinate as SVG takes it: no more decimals than needed. */
function num(value: number): string {
  return String(Math.round(value * 10) / 10);
}
