import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ChaincodeError } from '../../src/chaincode/chaincode-error.js';
import { GetState, MessageTypes as T, PutState } from '../../src/common/protos/peer.js';
import { StreamClosedError } from '../../src/comm/stream-closed-error.js';
import { errorText, readyHandler, startTx } from '../helpers/handler-session.js';
import { testLedger } from '../helpers/test-ledger.js';
import { messageOf } from '../helpers/weft-process.js';

/** A protobuf length-delimited field, written by hand so that its bytes can be anything. */
function field(number: number, bytes: Uint8Array): Buffer {
  return Buffer.concat([Buffer.from([(number << 3) | 2, bytes.length]), bytes]);
}

function putState(key: string, value: Uint8Array): Uint8Array {
  const req = new PutState();
  req.setKey(key);
  req.setValue(value);
  return req.serializeBinary();
}

describe('Handler, against a hostile chaincode stream', () => {
  test('an ERROR and its log line quote a huge txid or key only in part', async () => {
    const session = await readyHandler();
    const txId = `tx${'x'.repeat(100_000)}`;
    await session.cc.send(T.GET_STATE, { payload: new GetState().serializeBinary(), txId, channelId: 'ch' });
    const reply = await session.cc.next();
    assert.equal(reply.type, 'ERROR');
    assert.ok(reply.text.length < 300, `the ERROR is ${reply.text.length} characters`);
    assert.match(reply.text, /^GET_STATE failed: transaction ID: txxxxx.*\(100002 bytes\)/);
    assert.ok(session.lines.every((l) => l.length < 600), 'every log line is short');

    const { ledger } = await testLedger();
    const tx = await startTx(session, { txId: 'tx1', channelId: ledger.channelId, txSimulator: await ledger.newTxSimulator('tx1') });
    const key = `k${'\u0001'.repeat(50_000)}`;
    const text = errorText(await tx.call(T.PUT_STATE_METADATA, putState(key, new Uint8Array())));
    assert.ok(text.length < 300, `the ERROR is ${text.length} characters`);
    await tx.complete();
  });

  test('a stream that keeps sending invalid messages is closed after 100 of them, with one log line', async () => {
    const session = await readyHandler();
    let errors = 0;
    const answers = (async () => {
      for (;;) {
        const msg = await session.cc.next();
        if (msg.type === 'ERROR') errors++;
      }
    })();
    for (let i = 0; i < 150; i++) {
      // Not awaited: once the peer stops reading, these wait for room that never comes.
      void session.cc.send(T.GET_STATE, { payload: new Uint8Array([0xff]), txId: `junk${i}`, channelId: 'ch' }).catch(() => undefined);
    }
    await assert.rejects(answers, StreamClosedError);
    await session.served;
    assert.equal(errors, 100);
    const closing = session.lines.filter((l) => /sent 100 invalid messages/.test(l)).map(messageOf);
    assert.deepEqual(closing, ['chaincode mycc:1.0 sent 100 invalid messages within a minute (the last: GET_STATE for transaction junk99); closing its stream']);
  });

  test('a key that is not valid UTF-8 is refused as Fabric refuses it, not rewritten', async () => {
    const session = await readyHandler();
    const { ledger } = await testLedger();
    const sim = await ledger.newTxSimulator('tx1');
    const tx = await startTx(session, { txId: 'tx1', channelId: ledger.channelId, txSimulator: sim });
    const badKey = Buffer.from([0x61, 0xff, 0xfe]);
    assert.equal(
      errorText(await tx.call(T.PUT_STATE, Buffer.concat([field(1, badKey), field(2, Buffer.from('v'))]))),
      'PUT_STATE failed: transaction ID: tx1: unmarshal failed: proto: field peer.PutState.key contains invalid UTF-8',
    );
    assert.equal(
      errorText(await tx.call(T.GET_STATE, field(1, badKey))),
      'GET_STATE failed: transaction ID: tx1: unmarshal failed: proto: field peer.GetState.key contains invalid UTF-8',
    );
    // A valid key with the replacement character in it is a key like any other.
    assert.equal((await tx.call(T.PUT_STATE, putState('a\ufffd', Buffer.from('v')))).getType(), T.RESPONSE);
    await tx.complete();
    assert.deepEqual(
      sim.getTxSimulationResults().namespaces.flatMap((ns) => ns.writes.map((w) => w.key)),
      ['a\ufffd'],
    );
  });

  test('writes beyond the limit fail the transaction naming chaincode.maxWriteSetBytes, even when the chaincode ignores the ERROR; the next one runs', async () => {
    const limits = { maxWriteSetBytes: 1000 };
    const session = await readyHandler(limits);
    const { ledger } = await testLedger();
    const tx = await startTx(session, { txId: 'tx1', channelId: ledger.channelId, txSimulator: await ledger.newTxSimulator('tx1') });
    assert.equal((await tx.call(T.PUT_STATE, putState('a', Buffer.alloc(600)))).getType(), T.RESPONSE);
    assert.match(errorText(await tx.call(T.PUT_STATE, putState('b', Buffer.alloc(600)))), /exceed chaincode\.maxWriteSetBytes \(1000 bytes\)/);
    await assert.rejects(tx.complete(), (err: unknown) => {
      assert.ok(err instanceof ChaincodeError);
      assert.equal(err.code, 'WRITE_SET_TOO_LARGE');
      assert.equal(err.message, 'transaction tx1 of chaincode mycc: its writes, private writes and event exceed chaincode.maxWriteSetBytes (1000 bytes)');
      return true;
    });
    const next = await startTx(session, { txId: 'tx2', channelId: ledger.channelId, txSimulator: await ledger.newTxSimulator('tx2') });
    assert.equal((await next.call(T.PUT_STATE, putState('a', Buffer.alloc(600)))).getType(), T.RESPONSE);
    assert.equal((await next.complete()).getType(), T.COMPLETED);
  });

  test('a chaincode that never answers fails its transaction at the execute timeout, with a log line naming it', async () => {
    const session = await readyHandler();
    const tx = await startTx(session, { txId: 'slowtx01', channelId: 'ch' }, 50);
    await assert.rejects(tx.running, /timeout expired while executing transaction/);
    assert.ok(
      session.lines.some((l) => l.includes('[slowtx01] chaincode mycc:1.0 did not answer transaction slowtx01 on channel ch: timeout expired while executing transaction')),
      session.lines.join('\n'),
    );
  });
});
