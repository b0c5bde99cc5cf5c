import { relativeTime, type Conversation } from './conversation.js';
import { displayText, MAX_WHOLE_CHARS } from './display-text.js';
import { renderSvg } from './render-svg.js';
import type { TraceEvent } from './trace-event.js';
import { xmlEscape } from './xml-escape.js';

const STYLE = [
  'body { font-family: system-ui, sans-serif; margin: 24px; color: #1d2330; background: #ffffff; }',
  'h1 { font-size: 20px; margin: 0 0 4px; }',
  'p.summary { margin: 0 0 16px; color: #4a5a78; }',
  '.diagram { overflow-x: auto; border: 1px solid #d5dbe6; padding: 8px; margin-bottom: 24px; }',
  'table { border-collapse: collapse; font-family: ui-monospace, Menlo, Consolas, monospace; font-size: 12px; }',
  'th, td { border: 1px solid #d5dbe6; padding: 3px 8px; text-align: left; vertical-align: top; }',
  'th { background: #f4f6fa; }',
  'td.num { text-align: right; }',
  // Names and txids are long and have no spaces: they wrap anywhere rather than widen the table.
  'td.txid, td.name { word-break: break-all; min-width: 16ch; max-width: 40ch; }',
].join('\n');

/**
 * One self-contained page: a title, the diagram as inline SVG, and a table of the messages. It
 * loads nothing (no script, font or style from anywhere), and its Content-Security-Policy says
 * so, so that a browser refuses anything a trace might smuggle in past the escaping.
 */
export function renderHtml(conversation: Conversation, title = 'Chaincode conversation'): string {
  const shownTitle = xmlEscape(displayText(title, 200));
  const chaincodes = conversation.lanes.length - 1;
  const summary = `${String(conversation.events.length)} message${conversation.events.length === 1 ? '' : 's'} between the peer and ${String(chaincodes)} chaincode${chaincodes === 1 ? '' : 's'}`;
  return [
    '<!DOCTYPE html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${shownTitle}</title>`,
    `<style>\n${STYLE}\n</style>`,
    '</head>',
    '<body>',
    `<h1>${shownTitle}</h1>`,
    `<p class="summary">${xmlEscape(summary)}</p>`,
    `<div class="diagram">\n${renderSvg(conversation, title)}</div>`,
    '<table class="events">',
    '<thead><tr><th>seq</th><th>time</th><th>chaincode</th><th>direction</th><th>type</th><th>txid</th><th>channel</th><th>handler state</th><th>bytes</th></tr></thead>',
    '<tbody>',
    ...conversation.events.map((event) => eventRow(event, conversation.startTime)),
    '</tbody>',
    '</table>',
    '</body>',
    '</html>',
    '',
  ].join('\n');
}

function eventRow(event: TraceEvent, startTime: number): string {
  const cell = (text: string, cls?: string): string => `<td${cls === undefined ? '' : ` class="${cls}"`}>${xmlEscape(displayText(text, MAX_WHOLE_CHARS))}</td>`;
  const state = event.stateBefore === event.stateAfter ? event.stateBefore : `${event.stateBefore} → ${event.stateAfter}`;
  return (
    '<tr>' +
    cell(String(event.seq), 'num') +
    cell(relativeTime(event.time - startTime), 'num') +
    cell(event.chaincode, 'name') +
    cell(event.direction === 'to_chaincode' ? 'peer → chaincode' : 'chaincode → peer') +
    cell(event.type) +
    cell(event.txid, 'txid') +
    cell(event.channel) +
    cell(state) +
    cell(String(event.size), 'num') +
    '</tr>'
  );
}
