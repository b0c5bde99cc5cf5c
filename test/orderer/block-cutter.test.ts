import assert from 'node:assert/strict';
import { test } from 'node:test';
import { common, type Envelope } from '../../src/ledger/protos.js';
import { BlockCutter, messageSize } from '../../src/orderer/block-cutter.js';

function envelope(size: number, tag: number): Envelope {
  const env = new common.Envelope();
  env.setPayload(new Uint8Array(size - 4).fill(tag));
  env.setSignature(new Uint8Array(4));
  return env;
}

const tags = (batches: Envelope[][]): number[][] => batches.map((b) => b.map((e) => e.getPayload_asU8()[0] ?? -1));

test('a batch is cut when it reaches MaxMessageCount', () => {
  const cutter = new BlockCutter({ batchSize: () => ({ maxMessageCount: 3, preferredMaxBytes: 1000 }) });
  assert.deepEqual(cutter.ordered(envelope(10, 1)), { batches: [], pending: true });
  assert.equal(cutter.ordered(envelope(10, 2)).pending, true);
  const third = cutter.ordered(envelope(10, 3));
  assert.deepEqual(tags(third.batches), [[1, 2, 3]]);
  assert.equal(third.pending, false);
  assert.equal(cutter.pendingCount, 0);
});

test('a message that would take the batch past PreferredMaxBytes starts the next batch', () => {
  const cutter = new BlockCutter({ batchSize: () => ({ maxMessageCount: 10, preferredMaxBytes: 100 }) });
  cutter.ordered(envelope(40, 1));
  cutter.ordered(envelope(40, 2));
  const third = cutter.ordered(envelope(40, 3));
  assert.deepEqual(tags(third.batches), [[1, 2]]);
  assert.equal(third.pending, true);
  assert.deepEqual(tags([cutter.cut()]), [[3]]);
});

test('a message larger than PreferredMaxBytes goes alone in its batch, after the open batch', () => {
  const cutter = new BlockCutter({ batchSize: () => ({ maxMessageCount: 10, preferredMaxBytes: 100 }) });
  cutter.ordered(envelope(30, 1));
  const big = cutter.ordered(envelope(101, 2));
  assert.deepEqual(tags(big.batches), [[1], [2]]);
  assert.equal(big.pending, false);
  assert.deepEqual(tags(cutter.ordered(envelope(101, 3)).batches), [[3]]);
});

test('the batch size is read for each message, so a config change applies to the next one', () => {
  let max = 5;
  const cutter = new BlockCutter({ batchSize: () => ({ maxMessageCount: max, preferredMaxBytes: 1000 }) });
  cutter.ordered(envelope(10, 1));
  max = 2;
  assert.deepEqual(tags(cutter.ordered(envelope(10, 2)).batches), [[1, 2]]);
  assert.equal(messageSize(envelope(10, 1)), 10);
});
