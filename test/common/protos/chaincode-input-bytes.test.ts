import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, test } from 'node:test';
import { chaincodeInputBytes } from '../../../src/common/protos/chaincode-input-bytes.js';
import { ChaincodeInput } from '../../../src/common/protos/peer.js';

function inputOf(args: Array<Uint8Array | string>, isInit = false): ChaincodeInput {
  const input = new ChaincodeInput();
  input.setArgsList(args);
  input.setIsInit(isInit);
  return input;
}

describe('chaincodeInputBytes', () => {
  test('writes what google-protobuf writes, byte for byte, across argument sizes and is_init', () => {
    // Lengths around each varint boundary, and none at all.
    const sizes = [0, 1, 127, 128, 300, 16_383, 16_384, 70_000];
    for (const isInit of [false, true]) {
      assert.deepEqual(chaincodeInputBytes(inputOf([], isInit)), inputOf([], isInit).serializeBinary());
      for (const size of sizes) {
        const args = [Buffer.from('fn'), new Uint8Array(randomBytes(size)), Buffer.alloc(0)];
        assert.deepEqual(Buffer.from(chaincodeInputBytes(inputOf(args, isInit))), Buffer.from(inputOf(args, isInit).serializeBinary()), `size ${size}, isInit ${String(isInit)}`);
      }
    }
  });

  test('round-trips through the generated decoder', () => {
    const args = [Buffer.from('transfer'), Buffer.from('alice'), new Uint8Array(randomBytes(200))];
    const decoded = ChaincodeInput.deserializeBinary(chaincodeInputBytes(inputOf(args, true)));
    assert.deepEqual(decoded.getArgsList_asU8().map((a) => Buffer.from(a)), args.map((a) => Buffer.from(a)));
    assert.equal(decoded.getIsInit(), true);
  });

  test('an input with base64 string arguments or decorations is written by google-protobuf', () => {
    const strings = inputOf([Buffer.from('fn').toString('base64'), Buffer.from('arg').toString('base64')]);
    assert.deepEqual(chaincodeInputBytes(strings), strings.serializeBinary());
    const decorated = inputOf([Buffer.from('fn')]);
    decorated.getDecorationsMap().set('decoration', Buffer.from('value'));
    const bytes = chaincodeInputBytes(decorated);
    assert.deepEqual(bytes, decorated.serializeBinary());
    assert.deepEqual(Buffer.from(ChaincodeInput.deserializeBinary(bytes).getDecorationsMap().get('decoration') as Uint8Array), Buffer.from('value'));
  });
});
