import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { entryFileOf, missingEntryReason } from '../../../src/container/process/entry-file.js';
import { parseStartScript } from '../../../src/container/process/start-script.js';
import { tempDir } from '../../helpers/temp-dir.js';

describe("the file a chaincode's start script loads first", () => {
  test("node's script past its options; fabric-chaincode-node start's package main (index.js by default); none for npm", () => {
    assert.equal(entryFileOf({}, parseStartScript({ start: 'node --max-old-space-size=256 -r ./tracing.js dist/index.js --flag' })), 'dist/index.js');
    assert.equal(entryFileOf({ main: 'dist/index.js' }, parseStartScript({ start: 'fabric-chaincode-node start' })), 'dist/index.js');
    assert.equal(entryFileOf({}, parseStartScript({ start: 'fabric-chaincode-node start' })), 'index.js');
    assert.equal(entryFileOf({}, parseStartScript({ start: 'ts-node src/index.ts' })), undefined);
  });

  test('a TypeScript package not compiled: names the file and says to build it; found as node resolves it otherwise', async () => {
    const dir = await tempDir('weft-entry-');
    const pkg = { main: 'dist/index.js', scripts: { build: 'tsc', start: 'fabric-chaincode-node start' } };
    const script = parseStartScript(pkg.scripts);
    assert.equal(
      await missingEntryReason(dir, pkg, script),
      'its "main" file, dist/index.js, is not in the package: build it (npm run build) before packaging it',
    );
    const noBuild = { start: 'node lib/start' };
    assert.match((await missingEntryReason(dir, { scripts: noBuild }, parseStartScript(noBuild))) ?? '', /^the file its start script runs, lib\/start, is not in the package: compile it/);
    await mkdir(join(dir, 'dist'));
    await writeFile(join(dir, 'dist', 'index.js'), '');
    assert.equal(await missingEntryReason(dir, pkg, script), undefined);
    await mkdir(join(dir, 'lib', 'start'), { recursive: true });
    await writeFile(join(dir, 'lib', 'start', 'index.js'), '');
    assert.equal(await missingEntryReason(dir, { scripts: noBuild }, parseStartScript(noBuild)), undefined);
  });
});
