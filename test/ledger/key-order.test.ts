import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compareKeys, isWellFormedKey } from '../../src/ledger/key-order.js';

test('keys order by their UTF-8 bytes, as LevelDB and Fabric order them', () => {
  const keys = ['a', 'b', '', '\u0000x', '\u{10FFFF}', '\uFFFD', '\uE000', '\u{1F600}', 'ab', 'a\u0000', '\u00e9'];
  const byBytes = [...keys].sort((x, y) => Buffer.compare(Buffer.from(x), Buffer.from(y)));
  assert.deepEqual([...keys].sort(compareKeys), byBytes);
  // The case plain JavaScript comparison gets wrong: U+1F600 sorts after U+FFFD in UTF-8.
  assert.ok(compareKeys('\u{1F600}', '\uFFFD') > 0);
});

test('a lone surrogate is not a valid key', () => {
  assert.equal(isWellFormedKey('ok \u{1F600}'), true);
  assert.equal(isWellFormedKey('bad \uD800'), false);
});
