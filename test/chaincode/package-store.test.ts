import assert from 'node:assert/strict';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { readChaincodePackage } from '../../src/client/chaincode-package.js';
import { PackageStore, PackageStoreError } from '../../src/chaincode/package-store.js';
import { tempDir } from '../helpers/temp-dir.js';

async function sourceFolder(files: Record<string, string>): Promise<string> {
  const dir = await tempDir('weft-src-');
  for (const [file, text] of Object.entries(files)) {
    await mkdir(join(dir, file, '..'), { recursive: true });
    await writeFile(join(dir, file), text);
  }
  return dir;
}

describe('PackageStore', () => {
  test('unpacks an installed package, keeps it across a reopen, and leaves node_modules out of a packed folder', async () => {
    const root = join(await tempDir(), 'chaincodes');
    const src = await sourceFolder({ 'package.json': '{"name":"a"}', 'lib/a.js': 'module.exports = 1;', 'node_modules/x/index.js': '' });
    const store = await PackageStore.open({ root });
    await store.install({ name: 'acc', version: '1.0', type: 'NODE' }, await readChaincodePackage(src), Buffer.from('cds'));
    const reopened = await PackageStore.open({ root });
    assert.deepEqual(reopened.list(), [{ name: 'acc', version: '1.0', type: 'NODE', service: false, external: false }]);
    const dir = reopened.sourceDir({ name: 'acc', version: '1.0' });
    assert.ok(dir);
    assert.equal(await readFile(join(dir, 'lib/a.js'), 'utf8'), 'module.exports = 1;');
    await assert.rejects(readFile(join(dir, 'node_modules/x/index.js')), /ENOENT/);
    assert.equal(await readFile(join(root, 'acc.1.0'), 'utf8'), 'cds');
    assert.equal(reopened.sourceDir({ name: 'acc', version: '2.0' }), undefined);
  });

  test('a package with its sources under src/ is found there; a bad version or an empty package is refused', async () => {
    const root = join(await tempDir(), 'chaincodes');
    const store = await PackageStore.open({ root });
    const src = await sourceFolder({ 'src/package.json': '{"name":"b"}' });
    await store.install({ name: 'bcc', version: '1', type: 'NODE' }, await readChaincodePackage(src), new Uint8Array());
    assert.equal(store.sourceDir({ name: 'bcc', version: '1' }), join(root, 'src', 'bcc.1', 'src'));
    await assert.rejects(
      store.install({ name: 'ccc', version: 'v 1', type: 'NODE' }, await readChaincodePackage(src), new Uint8Array()),
      (err: unknown) => err instanceof PackageStoreError && err.code === 'BAD_PACKAGE' && /invalid chaincode version 'v 1'/.test(err.message),
    );
    await assert.rejects(store.install({ name: 'dcc', version: '1', type: 'NODE' }, new Uint8Array(), new Uint8Array()), /package of chaincode dcc:1 is empty/);
    await assert.rejects(readChaincodePackage(join(root, 'missing')), /cannot read chaincode package/);
  });
});
