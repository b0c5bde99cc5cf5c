import type { TraceEvent } from './trace-event.js';

/** One recorded message, in the call tree. */
export interface CallTreeMessage {
  readonly kind: 'message';
  readonly event: TraceEvent;
}

/**
 * A chaincode-to-chaincode call: the caller's INVOKE_CHAINCODE, everything the peer and the
 * callee (and the callee's own callees) said under the same txid meanwhile, and the RESPONSE (or
 * ERROR) that answered the caller, when it came.
 */
export interface CallTreeCall {
  readonly kind: 'call';
  /** The chaincode that sent INVOKE_CHAINCODE. */
  readonly caller: string;
  readonly txid: string;
  readonly nodes: CallTreeNode[];
}

export type CallTreeNode = CallTreeMessage | CallTreeCall;

/**
 * Arranges the messages (any order; taken by seq) into a tree of chaincode-to-chaincode calls.
 *
 * A call opens at a chaincode's INVOKE_CHAINCODE for txid T: the peer runs the callee under the
 * same txid, so every later message of T belongs to the innermost call open for T, until the
 * peer answers the caller (a RESPONSE or ERROR sent to it for T), which closes the call. A shim
 * sends one message of a transaction at a time and waits for its answer, so the caller says
 * nothing else for T while its call is open. Messages of other transactions, recorded meanwhile
 * by concurrent executions, are not part of the call: they stay where their own txid puts them,
 * after the call in the tree (their labels keep their own times).
 */
export function buildCallTree(events: readonly TraceEvent[]): CallTreeNode[] {
  const top: CallTreeNode[] = [];
  // The calls open for each txid, outermost first.
  const open = new Map<string, CallTreeCall[]>();
  for (const event of [...events].sort((a, b) => a.seq - b.seq)) {
    const stack = event.txid === '' ? [] : (open.get(event.txid) ?? []);
    const message: CallTreeMessage = { kind: 'message', event };
    if (event.direction === 'from_chaincode' && event.type === 'INVOKE_CHAINCODE' && event.txid !== '') {
      const call: CallTreeCall = { kind: 'call', caller: event.chaincode, txid: event.txid, nodes: [message] };
      (stack.at(-1)?.nodes ?? top).push(call);
      open.set(event.txid, [...stack, call]);
      continue;
    }
    const answered = isAnswer(event) ? stack.findLastIndex((call) => call.caller === event.chaincode) : -1;
    const answeredCall = stack[answered];
    if (answeredCall === undefined) {
      (stack.at(-1)?.nodes ?? top).push(message);
      continue;
    }
    // The answer closes the caller's call, and any call inside it that never got its own answer
    // (a callee that died mid-call).
    answeredCall.nodes.push(message);
    if (answered === 0) open.delete(event.txid);
    else open.set(event.txid, stack.slice(0, answered));
  }
  return top;
}

/** The peer's answer to a chaincode's request: what ends a chaincode's wait for its INVOKE_CHAINCODE. */
function isAnswer(event: TraceEvent): boolean {
  return event.direction === 'to_chaincode' && (event.type === 'RESPONSE' || event.type === 'ERROR');
}

/** Every message of the nodes, in tree order. */
export function messagesOf(nodes: readonly CallTreeNode[]): TraceEvent[] {
  return nodes.flatMap((node) => (node.kind === 'message' ? [node.event] : messagesOf(node.nodes)));
}
