import { PEER_LANE, type Conversation, type ConversationItem } from './conversation.js';

/**
 * The characters a Mermaid text may carry as they are. Every other one is written as Mermaid's
 * entity code (`#58;` for `:`), which Mermaid shows as the character itself: a name or txid can
 * then hold `;` (a statement's end), `#` and `%%` (comments), `:` (where a label starts), `<br>`,
 * a newline or `end` without ending or starting anything.
 */
const PLAIN = /[\p{L}\p{M}\p{N} _.,()/+=@!?*\-→…]/u;

/** Text for a Mermaid label or alias: each character outside PLAIN as its entity code. */
export function mermaidText(text: string): string {
  let out = '';
  for (const char of text) out += PLAIN.test(char) ? char : `#${String(char.codePointAt(0))};`;
  return out;
}

/** The shades of nested calls' boxes, outermost first (then again). */
const BLOCK_FILLS = ['rgba(70, 110, 190, 0.12)', 'rgba(190, 120, 40, 0.14)', 'rgba(60, 150, 90, 0.14)'];

/**
 * The conversation as a Mermaid `sequenceDiagram`: the peer and each chaincode a participant
 * (with a made-up id, the name as its alias), each message an arrow labelled with its type,
 * short txid and time, each state change a note, and each chaincode-to-chaincode call a `rect`
 * whose first line is a note naming the call.
 */
export function renderMermaid(conversation: Conversation): string {
  const lines = ['sequenceDiagram'];
  for (const lane of conversation.lanes) lines.push(`    participant ${lane.id} as ${mermaidText(lane.name)}`);
  writeItems(lines, conversation.items, 1);
  return `${lines.join('\n')}\n`;
}

function writeItems(lines: string[], items: readonly ConversationItem[], depth: number): void {
  const indent = '    '.repeat(depth);
  for (const item of items) {
    if (item.kind === 'arrow') {
      lines.push(`${indent}${item.from}->>${item.to}: ${mermaidText(item.label)}`);
      if (item.stateChange !== undefined) lines.push(`${indent}Note over ${item.lane}: ${mermaidText(item.stateChange)}`);
      continue;
    }
    const first = item.lanes[0] ?? PEER_LANE;
    const last = item.lanes.at(-1) ?? PEER_LANE;
    lines.push(`${indent}rect ${BLOCK_FILLS[(item.depth - 1) % BLOCK_FILLS.length] ?? 'rgba(0, 0, 0, 0.1)'}`);
    lines.push(`${indent}    Note over ${first === last ? first : `${first},${last}`}: ${mermaidText(item.label)}`);
    writeItems(lines, item.items, depth + 1);
    lines.push(`${indent}end`);
  }
}
