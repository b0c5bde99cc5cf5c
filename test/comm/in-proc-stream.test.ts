import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { setImmediate as tick } from 'node:timers/promises';
import { createInProcStreamPair } from '../../src/comm/in-proc-stream.js';
import { MessageTypes } from '../../src/common/protos/peer.js';
import { chaincodeStreamSuite, isStreamClosed, message } from './chaincode-stream-suite.js';

chaincodeStreamSuite('in-process stream pair', async () => {
  const { peer, chaincode } = createInProcStreamPair();
  return {
    peer,
    chaincode,
    dispose: async () => {
      peer.closeSend();
      chaincode.closeSend();
    },
  };
});

describe('createInProcStreamPair', () => {
  test('passes the very message object, never a copy', async () => {
    const { peer, chaincode } = createInProcStreamPair();
    const sent = message(MessageTypes.TRANSACTION, 'tx', 'ch', 'p');
    await peer.send(sent);
    assert.equal(await chaincode.recv(), sent);
  });

  test('send waits while the other side has the capacity unread', async () => {
    const { peer, chaincode } = createInProcStreamPair(2);
    await peer.send(message(MessageTypes.TRANSACTION, '1', 'ch', ''));
    await peer.send(message(MessageTypes.TRANSACTION, '2', 'ch', ''));
    let third = false;
    const sending = peer.send(message(MessageTypes.TRANSACTION, '3', 'ch', '')).then(() => (third = true));
    await tick();
    assert.equal(third, false);
    assert.equal((await chaincode.recv()).getTxid(), '1');
    await sending;
    assert.equal(third, true);
  });

  test('a send waiting for room rejects when its own side closes', async () => {
    const { peer } = createInProcStreamPair(1);
    await peer.send(message(MessageTypes.TRANSACTION, '1', 'ch', ''));
    const waiting = peer.send(message(MessageTypes.TRANSACTION, '2', 'ch', ''));
    peer.closeSend();
    await assert.rejects(waiting, isStreamClosed);
  });
});
