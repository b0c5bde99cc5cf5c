import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { canonicalName, containerName } from '../../src/container/ccintf.js';

describe('ccintf names', () => {
  test('containerName joins name and version with a dash, as Fabric\'s CCID.GetName', () => {
    assert.equal(containerName({ name: 'lscc', version: '1.4.3' }), 'lscc-1.4.3');
  });

  test('containerName is the bare name when there is no version', () => {
    assert.equal(containerName({ name: 'lscc', version: '' }), 'lscc');
  });

  test('canonicalName joins name and version with a colon', () => {
    assert.equal(canonicalName({ name: 'lscc', version: '1.4.3' }), 'lscc:1.4.3');
    assert.equal(canonicalName({ name: 'mycc', version: '' }), 'mycc:');
  });
});
