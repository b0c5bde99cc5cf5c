import { test } from 'node:test';
import assert from 'node:assert/strict';
import { newBlock } from '../../src/ledger/block-builder.js';
import { deserializeBlock, serializeBlock } from '../../src/ledger/block-serialization.js';
import { TruncatedInputError } from '../../src/common/protos/byte-codec.js';

test('a block survives serialization, and tx offsets point at each envelope', () => {
  const envelopes = [Buffer.from('first'), Buffer.alloc(300, 7), Buffer.from('')];
  const block = newBlock({ number: 200, previousHash: Buffer.alloc(32, 1), envelopes });
  block.getMetadata()?.setMetadataList([Buffer.from('sig'), new Uint8Array(0), Uint8Array.of(0, 11, 0), new Uint8Array(0), new Uint8Array(0)]);
  const { bytes, txOffsets } = serializeBlock(block);
  txOffsets.forEach((o, i) => assert.deepEqual(Buffer.from(bytes.subarray(o.offset, o.offset + o.length)), envelopes[i]));
  const back = deserializeBlock(bytes);
  assert.deepEqual(back.txOffsets, txOffsets);
  assert.deepEqual(Buffer.from(back.block.serializeBinary()), Buffer.from(block.serializeBinary()));
});

test('a truncated record is reported as truncated input', () => {
  const { bytes } = serializeBlock(newBlock({ number: 1, previousHash: Buffer.alloc(32), envelopes: [Buffer.alloc(100)] }));
  assert.throws(() => deserializeBlock(bytes.subarray(0, bytes.length - 10)), TruncatedInputError);
});
