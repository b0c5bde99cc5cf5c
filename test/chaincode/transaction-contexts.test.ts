import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ChaincodeError } from '../../src/chaincode/chaincode-error.js';
import { TransactionContexts } from '../../src/chaincode/transaction-contexts.js';

test('transactions are kept by channel and txid: one txid on two channels is two transactions, twice on one is refused', async () => {
  const contexts = new TransactionContexts();
  const a = contexts.create({ channelId: 'ch1', txId: 'tx' }, 'cc', 60_000);
  const b = contexts.create({ channelId: 'ch2', txId: 'tx' }, 'cc', 60_000);
  assert.equal(contexts.size, 2);
  assert.equal(contexts.get('ch1', 'tx'), a);
  assert.equal(contexts.get('ch2', 'tx'), b);
  assert.equal(contexts.get('ch3', 'tx'), undefined);
  assert.throws(
    () => contexts.create({ channelId: 'ch1', txId: 'tx' }, 'cc', 60_000),
    (err: unknown) => err instanceof ChaincodeError && err.code === 'DUPLICATE_TXID' && err.message === 'txid: tx(ch1) exists',
  );

  contexts.delete('ch1', 'tx');
  contexts.delete('ch1', 'tx');
  assert.equal(contexts.size, 1, 'a second delete changes nothing');
  assert.equal(contexts.get('ch1', 'tx'), undefined);
  const again = contexts.create({ channelId: 'ch1', txId: 'tx' }, 'cc', 60_000);
  assert.equal(contexts.get('ch1', 'tx'), again, 'a txid may run again once its transaction is gone');

  const gone = new Error('chaincode stream is closed');
  contexts.failAll(gone);
  assert.equal(contexts.size, 0);
  for (const ctx of [b, again]) {
    ctx.clearTimer();
    await assert.rejects(ctx.response, gone);
  }
  a.clearTimer();
});
