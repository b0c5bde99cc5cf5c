import type { TraceDirection, TraceEvent } from '../../../src/operations/trace/trace-event.js';

/** When the first message of a fixture was recorded (ms since the epoch). */
export const T0 = 1_764_000_000_000;

export const DEPLOY_TXID = 'a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f90';
export const CALL_TXID = '7e57ab1e0000111122223333444455556666777788889999aaaabbbbccccdddd';
export const OTHER_TXID = 'f00dfeed99998888777766665555444433332222111100000000aaaabbbbcccc';

type Message = [direction: TraceDirection, type: string, chaincode: string, txid: string, ms: number, states?: [string, string]];

/** Events from compact rows: seq in row order, time T0 + ms, the handler `ready` unless given. */
export function events(rows: readonly Message[], channel = ''): TraceEvent[] {
  return rows.map(([direction, type, chaincode, txid, ms, states], i) => ({
    seq: i + 1,
    time: T0 + ms,
    chaincode,
    direction,
    type,
    txid,
    channel: txid === '' ? '' : channel,
    stateBefore: states?.[0] ?? 'ready',
    stateAfter: states?.[1] ?? 'ready',
    size: type === 'REGISTER' ? 12 : 40,
  }));
}

/**
 * The seed's system chaincode deployment (its last log block): lscc registers, is told REGISTERED
 * and READY, then runs INIT, reading and writing one key.
 */
export function seedDeployment(): TraceEvent[] {
  return events([
    ['from_chaincode', 'REGISTER', 'lscc:1.4', '', 0, ['created', 'created']],
    ['to_chaincode', 'REGISTERED', 'lscc:1.4', '', 0.12, ['created', 'established']],
    ['to_chaincode', 'READY', 'lscc:1.4', '', 0.25, ['established', 'ready']],
    ['to_chaincode', 'INIT', 'lscc:1.4', DEPLOY_TXID, 1.25],
    ['from_chaincode', 'GET_STATE', 'lscc:1.4', DEPLOY_TXID, 1.5],
    ['to_chaincode', 'RESPONSE', 'lscc:1.4', DEPLOY_TXID, 1.6],
    ['from_chaincode', 'PUT_STATE', 'lscc:1.4', DEPLOY_TXID, 1.75],
    ['to_chaincode', 'RESPONSE', 'lscc:1.4', DEPLOY_TXID, 1.8],
    ['from_chaincode', 'COMPLETED', 'lscc:1.4', DEPLOY_TXID, 2],
  ]);
}

/**
 * mycc calls other, which calls third, all under one txid; meanwhile lscc runs a transaction of
 * its own, whose messages the peer records in the middle of the calls.
 */
export function nestedCalls(): TraceEvent[] {
  return events(
    [
      ['to_chaincode', 'TRANSACTION', 'mycc:1.0', CALL_TXID, 0],
      ['from_chaincode', 'GET_STATE', 'mycc:1.0', CALL_TXID, 0.3],
      ['to_chaincode', 'RESPONSE', 'mycc:1.0', CALL_TXID, 0.4],
      ['from_chaincode', 'INVOKE_CHAINCODE', 'mycc:1.0', CALL_TXID, 0.5],
      ['to_chaincode', 'TRANSACTION', 'other:1.0', CALL_TXID, 0.7],
      ['from_chaincode', 'INVOKE_CHAINCODE', 'other:1.0', CALL_TXID, 0.9],
      ['to_chaincode', 'TRANSACTION', 'third:2.0', CALL_TXID, 1.1],
      ['to_chaincode', 'TRANSACTION', 'lscc:1.4', OTHER_TXID, 1.15],
      ['from_chaincode', 'PUT_STATE', 'third:2.0', CALL_TXID, 1.2],
      ['from_chaincode', 'COMPLETED', 'lscc:1.4', OTHER_TXID, 1.25],
      ['to_chaincode', 'RESPONSE', 'third:2.0', CALL_TXID, 1.3],
      ['from_chaincode', 'COMPLETED', 'third:2.0', CALL_TXID, 1.4],
      ['to_chaincode', 'RESPONSE', 'other:1.0', CALL_TXID, 1.5],
      ['from_chaincode', 'COMPLETED', 'other:1.0', CALL_TXID, 1.6],
      ['to_chaincode', 'RESPONSE', 'mycc:1.0', CALL_TXID, 1.7],
      ['from_chaincode', 'PUT_STATE', 'mycc:1.0', CALL_TXID, 1.8],
      ['to_chaincode', 'RESPONSE', 'mycc:1.0', CALL_TXID, 1.9],
      ['from_chaincode', 'COMPLETED', 'mycc:1.0', CALL_TXID, 2.25],
    ],
    'mychannel',
  );
}

/** A chaincode whose chosen name and a client whose chosen txid try to break out of every format. */
export const HOSTILE_NAME = '</svg><script>alert(1)</script>\nparticipant x; end %% #x -->> peer: "pwned" <br>';
export const HOSTILE_TXID = '<img src=x onerror=alert(2)>;end\n';

export function hostileEvents(): TraceEvent[] {
  return events([
    ['from_chaincode', 'REGISTER', HOSTILE_NAME, '', 0, ['created', 'established']],
    ['to_chaincode', 'TRANSACTION', HOSTILE_NAME, HOSTILE_TXID, 0.5],
    ['from_chaincode', 'INVOKE_CHAINCODE', HOSTILE_NAME, HOSTILE_TXID, 0.6],
    ['to_chaincode', 'TRANSACTION', 'x'.repeat(500), HOSTILE_TXID, 0.7],
    ['from_chaincode', 'COMPLETED', 'x'.repeat(500), HOSTILE_TXID, 0.8],
    ['to_chaincode', 'RESPONSE', HOSTILE_NAME, HOSTILE_TXID, 0.9],
    ['from_chaincode', 'COMPLETED', HOSTILE_NAME, HOSTILE_TXID, 1],
  ]);
}
