import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { newMessage } from '../../../src/chaincode/handler.js';
import { MessageTypes as T } from '../../../src/common/protos/peer.js';
import { ConversationTrace } from '../../../src/operations/trace/conversation-trace.js';

describe('the conversation trace', () => {
  test('records each message with its type, txid, channel, direction, states, size and time, in order', () => {
    const trace = new ConversationTrace({ size: 10 });
    const before = Date.now();
    trace.record('basic:1.0', 'from_chaincode', newMessage(T.REGISTER, Buffer.from('abc')), 'created', 'created');
    trace.record('basic:1.0', 'to_chaincode', newMessage(T.REGISTERED), 'created', 'established');
    trace.record('basic:1.0', 'to_chaincode', newMessage(T.TRANSACTION, undefined, 'tx1', 'mychannel'), 'ready', 'ready');
    const events = trace.events();
    assert.deepEqual(
      events.map((e) => [e.seq, e.chaincode, e.direction, e.type, e.txid, e.channel, e.stateBefore, e.stateAfter, e.size]),
      [
        [1, 'basic:1.0', 'from_chaincode', 'REGISTER', '', '', 'created', 'created', 3],
        [2, 'basic:1.0', 'to_chaincode', 'REGISTERED', '', '', 'created', 'established', 0],
        [3, 'basic:1.0', 'to_chaincode', 'TRANSACTION', 'tx1', 'mychannel', 'ready', 'ready', 0],
      ],
    );
    assert.ok(events.every((e) => e.time >= before - 1 && e.time <= Date.now() + 1));
  });

  test('keeps only the latest `size` messages per chaincode, oldest first', () => {
    const trace = new ConversationTrace({ size: 3 });
    for (let i = 0; i < 7; i++) trace.record('a:1', 'to_chaincode', newMessage(T.TRANSACTION, undefined, `tx${i}`, 'ch'), 'ready', 'ready');
    trace.record('b:1', 'to_chaincode', newMessage(T.TRANSACTION, undefined, 'other', 'ch'), 'ready', 'ready');
    assert.deepEqual(trace.events({ chaincode: 'a' }).map((e) => e.txid), ['tx4', 'tx5', 'tx6']);
    assert.deepEqual(Object.fromEntries(trace.counts()), { 'a:1': 7, 'b:1': 1 });
  });

  test("a chaincode filter keeps the callee's messages of that chaincode's transactions (a cc2cc call); a txid filter keeps that transaction's", () => {
    const trace = new ConversationTrace({ size: 100 });
    const send = (cc: string, dir: 'to_chaincode' | 'from_chaincode', type: number, txid: string): void =>
      trace.record(cc, dir, newMessage(type, undefined, txid, 'ch'), 'ready', 'ready');
    send('caller:1', 'to_chaincode', T.TRANSACTION, 't1');
    send('caller:1', 'from_chaincode', T.INVOKE_CHAINCODE, 't1');
    send('callee:1', 'to_chaincode', T.TRANSACTION, 't1');
    send('callee:1', 'from_chaincode', T.COMPLETED, 't1');
    send('caller:1', 'to_chaincode', T.RESPONSE, 't1');
    send('caller:1', 'from_chaincode', T.COMPLETED, 't1');
    send('callee:1', 'to_chaincode', T.TRANSACTION, 't2');
    send('callee:1', 'from_chaincode', T.COMPLETED, 't2');
    assert.deepEqual(
      trace.events({ chaincode: 'caller' }).map((e) => `${e.chaincode} ${e.type}`),
      ['caller:1 TRANSACTION', 'caller:1 INVOKE_CHAINCODE', 'callee:1 TRANSACTION', 'callee:1 COMPLETED', 'caller:1 RESPONSE', 'caller:1 COMPLETED'],
    );
    assert.deepEqual(trace.events({ txid: 't2' }).map((e) => `${e.chaincode} ${e.type}`), ['callee:1 TRANSACTION', 'callee:1 COMPLETED']);
    assert.deepEqual(trace.events({ chaincode: 'nobody' }), []);
  });

  test('made-up chaincode names cannot grow the trace without end: past 256 chaincodes the oldest ring goes', () => {
    const trace = new ConversationTrace({ size: 5 });
    for (let i = 0; i < 300; i++) trace.record(`fake${i}:1`, 'from_chaincode', newMessage(T.REGISTER), 'created', 'created');
    assert.equal(trace.counts().size, 256);
    assert.equal(trace.events({ chaincode: 'fake0' }).length, 0);
    assert.equal(trace.events({ chaincode: 'fake299' }).length, 1);
  });
});
