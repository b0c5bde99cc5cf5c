import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createCompositeKey, splitCompositeKey, validateSimpleKey } from '../../src/ledger/composite-key.js';

test('composite keys use Fabric layout and split back', () => {
  const key = createCompositeKey('owner~car', ['alice', 'car1']);
  assert.equal(key, '\u0000owner~car\u0000alice\u0000car1\u0000');
  assert.deepEqual(splitCompositeKey(key), { objectType: 'owner~car', attributes: ['alice', 'car1'] });
  assert.deepEqual(splitCompositeKey(createCompositeKey('t', [])), { objectType: 't', attributes: [] });
});

test('U+0000 and U+10FFFF are refused in composite key parts', () => {
  assert.throws(() => createCompositeKey('t', ['a\u0000b']), { code: 'INVALID_KEY', message: /U\+0000 starting at position \[1\]/ });
  assert.throws(() => createCompositeKey('t\u{10FFFF}', []), { code: 'INVALID_KEY', message: /U\+10FFFF/ });
  assert.throws(() => createCompositeKey('t', ['\uDC00']), { code: 'INVALID_KEY', message: /not a valid utf8 string/ });
});

test('a simple key may not start with U+0000', () => {
  assert.throws(() => validateSimpleKey('\u0000x'), { code: 'INVALID_KEY', message: /contains a null character/ });
  validateSimpleKey('x\u0000');
});
