import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeVersion, decodeVersionedValue, encodeVersionedValue, valueOf } from '../../src/ledger/ledger-records.js';

test('state values keep version, metadata and value through encoding', () => {
  const cases = [
    { value: Buffer.from('v'), version: { blockNum: 0, txNum: 0 }, metadata: undefined },
    { value: Buffer.from(''), version: { blockNum: 300, txNum: 127 }, metadata: undefined },
    { value: Buffer.from('x'), version: { blockNum: 2 ** 40, txNum: 5000 }, metadata: undefined },
    { value: Buffer.from('y'), version: { blockNum: 7, txNum: 1 }, metadata: new Map([['VALIDATION_PARAMETER', Buffer.from('p')], ['b', Buffer.alloc(0)]]) },
  ];
  for (const c of cases) {
    const decoded = decodeVersionedValue(encodeVersionedValue(c));
    assert.deepEqual(decoded.version, c.version);
    assert.deepEqual(decodeVersion(encodeVersionedValue(c)), c.version);
    assert.deepEqual(Buffer.from(decoded.value), c.value);
    assert.deepEqual(Buffer.from(valueOf(encodeVersionedValue(c))), c.value);
    assert.deepEqual(
      decoded.metadata && [...decoded.metadata].map(([k, v]) => [k, Buffer.from(v)]),
      c.metadata && [...c.metadata].map(([k, v]) => [k, Buffer.from(v)]),
    );
  }
});
