import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bytesField, forEachField, repeatedBytesField, utf8 } from '../../../src/common/protos/proto-wire.js';
import { common } from '../../../src/ledger/protos.js';
import { Timestamp } from '../../../src/ledger/protos.js';

test('reads fields of a message serialized by google-protobuf', () => {
  const ts = new Timestamp();
  ts.setSeconds(1_700_000_000);
  ts.setNanos(5);
  const ch = new common.ChannelHeader();
  ch.setType(3);
  ch.setChannelId('mychannel');
  ch.setTxId('tx1');
  ch.setTimestamp(ts);
  ch.setEpoch(2 ** 40);
  const seen = new Map<number, number | string>();
  forEachField(ch.serializeBinary(), (field, value, bytes) => seen.set(field, bytes === undefined ? value : utf8(bytes)));
  assert.equal(seen.get(1), 3);
  assert.equal(seen.get(4), 'mychannel');
  assert.equal(seen.get(5), 'tx1');
  assert.equal(seen.get(6), 2 ** 40);
  const tsBytes = bytesField(ch.serializeBinary(), 3);
  assert.deepEqual(Buffer.from(tsBytes ?? []), Buffer.from(ts.serializeBinary()));
});

test('repeated fields come back in order; truncated input is refused', () => {
  const data = new common.BlockData();
  data.setDataList([Buffer.from('a'), Buffer.from('bc')]);
  const bytes = data.serializeBinary();
  assert.deepEqual(repeatedBytesField(bytes, 1).map(utf8), ['a', 'bc']);
  assert.throws(() => forEachField(bytes.subarray(0, bytes.length - 1), () => undefined), RangeError);
  assert.throws(() => forEachField(Uint8Array.of(0x0b), () => undefined), /wire type 3/);
});
