import { buildCallTree, messagesOf, type CallTreeCall, type CallTreeNode } from './call-tree.js';
import { displayText } from './display-text.js';
import { filterCallTree, type TraceFilter } from './trace-filter.js';
import type { TraceEvent } from './trace-event.js';

/** A vertical lane of a sequence diagram: the peer's, or one chaincode's. */
export interface ConversationLane {
  /** `peer`, `cc1`, `cc2`, ...: made here, never taken from the trace, so safe in any syntax. */
  readonly id: string;
  /** What its header shows: `peer`, or the chaincode's registered name made fit to show. */
  readonly name: string;
  /** The chaincode's registered name as recorded ('' for the peer). */
  readonly chaincode: string;
}

/** One message: an arrow between the peer's lane and a chaincode's. */
export interface ConversationArrow {
  readonly kind: 'arrow';
  readonly event: TraceEvent;
  readonly from: string;
  readonly to: string;
  /** The chaincode's lane (the end that is not the peer). */
  readonly lane: string;
  /** `GET_STATE 3f2a9c1b +1.25 ms`. */
  readonly label: string;
  /** `created → established` when the message moved the peer's handler to another state. */
  readonly stateChange: string | undefined;
}

/** A chaincode-to-chaincode call: its messages, drawn inside a box. */
export interface ConversationBlock {
  readonly kind: 'block';
  /** `call mycc:1.0 → other:1.0, txid 3f2a9c1b`. */
  readonly label: string;
  /** 1 for a call made at the top level, 2 for a call made inside it, ... */
  readonly depth: number;
  /** The lanes its messages touch, in lane order (the peer's first). */
  readonly lanes: readonly string[];
  readonly items: readonly ConversationItem[];
}

export type ConversationItem = ConversationArrow | ConversationBlock;

/** A trace laid out for a sequence diagram, whatever the format it is then written in. */
export interface Conversation {
  /** The peer's lane, then each chaincode's in the order it first appears. */
  readonly lanes: readonly ConversationLane[];
  readonly items: readonly ConversationItem[];
  /** The messages shown, by seq. */
  readonly events: readonly TraceEvent[];
  /** The time of the first message shown: the zero of every label's `+... ms`. */
  readonly startTime: number;
}

export const PEER_LANE = 'peer';

/** A txid as labels show it: its first 8 characters. */
export function shortTxid(txid: string): string {
  return displayText(txid.slice(0, 8), 8);
}

/** A time relative to the first message shown: `+1.25 ms`, `+2.500 s` from a second on. */
export function relativeTime(ms: number): string {
  const sign = ms < 0 ? '-' : '+';
  const abs = Math.abs(ms);
  return abs < 1000 ? `${sign}${abs.toFixed(2)} ms` : `${sign}${(abs / 1000).toFixed(3)} s`;
}

/**
 * Lays out the messages of a trace, those the filter keeps (see filterCallTree): lanes, arrows
 * with their labels and state changes, and chaincode-to-chaincode calls as nested blocks.
 */
export function buildConversation(events: readonly TraceEvent[], filter: TraceFilter = {}): Conversation {
  const tree = filterCallTree(buildCallTree(events), filter);
  const shown = messagesOf(tree).sort((a, b) => a.seq - b.seq);
  const lanes: ConversationLane[] = [{ id: PEER_LANE, name: 'peer', chaincode: '' }];
  const laneOf = new Map<string, string>();
  for (const event of shown) {
    if (laneOf.has(event.chaincode)) continue;
    const id = `cc${String(lanes.length)}`;
    laneOf.set(event.chaincode, id);
    lanes.push({ id, name: displayText(event.chaincode), chaincode: event.chaincode });
  }
  const startTime = shown[0]?.time ?? 0;
  const order = new Map(lanes.map((lane, i) => [lane.id, i]));
  const layout: Layout = { laneOf, order, startTime };
  return { lanes, items: tree.map((node) => itemOf(node, layout, 1)), events: shown, startTime };
}

interface Layout {
  laneOf: ReadonlyMap<string, string>;
  order: ReadonlyMap<string, number>;
  startTime: number;
}

function itemOf(node: CallTreeNode, layout: Layout, depth: number): ConversationItem {
  if (node.kind === 'call') return blockOf(node, layout, depth);
  const event = node.event;
  const lane = layout.laneOf.get(event.chaincode) ?? PEER_LANE;
  const toChaincode = event.direction === 'to_chaincode';
  const txid = event.txid === '' ? '' : ` ${shortTxid(event.txid)}`;
  return {
    kind: 'arrow',
    event,
    from: toChaincode ? PEER_LANE : lane,
    to: toChaincode ? lane : PEER_LANE,
    lane,
    label: `${displayText(event.type, 32)}${txid} ${relativeTime(event.time - layout.startTime)}`,
    stateChange: event.stateBefore === event.stateAfter ? undefined : `${displayText(event.stateBefore, 16)} → ${displayText(event.stateAfter, 16)}`,
  };
}

function blockOf(call: CallTreeCall, layout: Layout, depth: number): ConversationBlock {
  const items = call.nodes.map((node) => itemOf(node, layout, depth + 1));
  const touched = new Set(messagesOf(call.nodes).map((event) => layout.laneOf.get(event.chaincode) ?? PEER_LANE));
  touched.add(PEER_LANE);
  const lanes = [...touched].sort((a, b) => (layout.order.get(a) ?? 0) - (layout.order.get(b) ?? 0));
  // The callee is the first other chaincode heard under the call's txid; none when the call
  // failed before one ran, or when the filter left it out.
  const callee = messagesOf(call.nodes).find((event) => event.chaincode !== call.caller)?.chaincode;
  const label = `call ${displayText(call.caller, 32)} → ${callee === undefined ? '?' : displayText(callee, 32)}, txid ${shortTxid(call.txid)}`;
  return { kind: 'block', label, depth, lanes, items };
}
