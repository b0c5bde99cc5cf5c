import type { CallTreeNode } from './call-tree.js';
import type { TraceEvent } from './trace-event.js';

/** What to show of a trace: everything, or one chaincode's conversations, or one transaction's. */
export interface TraceFilter {
  /** A chaincode's registered name (`mycc:1.0`, a package ID) or its name alone (`mycc`). */
  chaincode?: string | undefined;
  /** A transaction ID, or its start as a diagram shows it (the first 8 characters or more). */
  txid?: string | undefined;
}

/** Whether `name` (a registered name) is the chaincode the filter names. */
export function chaincodeMatches(filter: TraceFilter, name: string): boolean {
  if (filter.chaincode === undefined || filter.chaincode === '') return true;
  if (name === filter.chaincode) return true;
  const colon = name.indexOf(':');
  return colon >= 0 && name.slice(0, colon) === filter.chaincode;
}

/** Whether `txid` is the transaction the filter names, whole or by its start. */
export function txidMatches(filter: TraceFilter, txid: string): boolean {
  if (filter.txid === undefined || filter.txid === '') return true;
  return txid !== '' && txid.startsWith(filter.txid);
}

export function eventMatches(filter: TraceFilter, event: TraceEvent): boolean {
  return chaincodeMatches(filter, event.chaincode) && txidMatches(filter, event.txid);
}

/**
 * The part of a call tree the filter keeps. A call made by a chaincode the filter names is kept
 * whole: the callee's messages are part of that chaincode's transaction. Any other call is kept
 * (as a frame) when something inside it is kept.
 */
export function filterCallTree(nodes: readonly CallTreeNode[], filter: TraceFilter): CallTreeNode[] {
  const kept: CallTreeNode[] = [];
  for (const node of nodes) {
    if (node.kind === 'message') {
      if (eventMatches(filter, node.event)) kept.push(node);
      continue;
    }
    if (chaincodeMatches(filter, node.caller) && txidMatches(filter, node.txid)) {
      kept.push(node);
      continue;
    }
    const inside = filterCallTree(node.nodes, filter);
    if (inside.length > 0) kept.push({ ...node, nodes: inside });
  }
  return kept;
}
