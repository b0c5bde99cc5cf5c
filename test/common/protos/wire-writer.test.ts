import { test } from 'node:test';
import assert from 'node:assert/strict';
import jspb from 'google-protobuf';
import { WireWriter } from '../../../src/common/protos/wire-writer.js';

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');

test('fields come out as google-protobuf writes them: varints up to 2^53, negative int32s, strings, bytes, nested messages', () => {
  const ours = new WireWriter(4);
  const theirs = new jspb.BinaryWriter();
  ours.varint(1, 300);
  theirs.writeUint64(1, 300);
  ours.varint(2, 2 ** 53 - 1);
  theirs.writeUint64(2, 2 ** 53 - 1);
  ours.int32(3, -1);
  theirs.writeInt32(3, -1);
  ours.int32(3, -(2 ** 31));
  theirs.writeInt32(3, -(2 ** 31));
  ours.string(4, 'grüße, 世界 🎉');
  theirs.writeString(4, 'grüße, 世界 🎉');
  const big = Buffer.alloc(20_000, 9);
  ours.message(5, () => {
    ours.bytes(1, big);
    ours.message(2, () => undefined);
  });
  theirs.writeMessage(5, big, () => {
    theirs.writeBytes(1, big);
    theirs.writeMessage(2, {}, () => undefined);
  });
  assert.equal(hex(ours.finish()), hex(theirs.getResultBuffer()));
});

test('an embedded message is left out when empty, as an empty bytes field is, and kept when not', () => {
  const w = new WireWriter();
  w.embedded(1, () => undefined);
  w.embedded(2, () => w.string(1, 'a'));
  assert.equal(hex(w.finish()), '12030a0161');
});

test('a value that is not a varint the writer can write is refused with the field named', () => {
  assert.throws(() => new WireWriter().varint(7, -3), /protobuf field 7: -3/);
  assert.throws(() => new WireWriter().varint(7, 2 ** 60), /protobuf field 7/);
  assert.throws(() => new WireWriter().int32(8, -(2 ** 31) - 1), /protobuf field 8: .* is not an int32/);
});
