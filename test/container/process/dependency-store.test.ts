import assert from 'node:assert/strict';
import { chmod, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { DependencyStore } from '../../../src/container/process/dependency-store.js';
import { PackageBuilder } from '../../../src/container/process/package-builder.js';
import { captureLogging } from '../../helpers/capture-logging.js';
import { tempDir } from '../../helpers/temp-dir.js';

/** A stand-in for npm that records each run and installs one module: what the builder does with the result is under test. */
async function fakeNpm(dir: string): Promise<{ path: string; runs(): Promise<number> }> {
  const log = join(dir, 'npm-runs');
  const path = join(dir, 'npm');
  await writeFile(log, '');
  await writeFile(path, `#!/bin/sh\necho run >> ${log}\nmkdir -p node_modules/dep\necho "module.exports = 'installed';" > node_modules/dep/index.js\n`);
  await chmod(path, 0o755);
  return { path, runs: async () => (await readFile(log, 'utf8')).split('\n').filter((l) => l !== '').length };
}

async function source(dir: string, dependencies: Record<string, string>, main = 'index.js'): Promise<string> {
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'package.json'), JSON.stringify({ name: 'cc', version: '1.0.0', main, dependencies }));
  await writeFile(join(dir, main), "module.exports = require('dep');");
  return dir;
}

describe('PackageBuilder with a dependency store', () => {
  test('a second package with the same dependencies links the installed tree; other dependencies run npm again; a removed store means a new install', async () => {
    const root = await tempDir('weft-deps-');
    const npm = await fakeNpm(root);
    const { logging, lines } = captureLogging();
    const builder = new PackageBuilder({
      buildRoot: join(root, 'build'),
      env: { PATH: process.env.PATH ?? '' },
      npm: npm.path,
      dependencies: new DependencyStore(join(root, 'store'), logging.logger('container.process')),
      logger: logging.logger('container.process'),
    });
    const first = await builder.build({ name: 'a', version: '1' }, await source(join(root, 'src-a'), { dep: '^1.0.0' }));
    assert.equal(await npm.runs(), 1);
    // Another package (another source file), the same dependencies: no npm run, the same modules.
    const second = await builder.build({ name: 'b', version: '1' }, await source(join(root, 'src-b'), { dep: '^1.0.0' }, 'main.js'));
    assert.equal(await npm.runs(), 1);
    assert.equal(await readFile(join(second, 'node_modules/dep/index.js'), 'utf8'), await readFile(join(first, 'node_modules/dep/index.js'), 'utf8'));
    assert.ok(lines.some((l) => l.includes('dependencies of b-1 linked from the dependency cache')), lines.join('\n'));
    // A change of dependencies is a new install.
    await builder.build({ name: 'c', version: '1' }, await source(join(root, 'src-c'), { dep: '^2.0.0' }));
    assert.equal(await npm.runs(), 2);
    // The store cleared: the build of b, unchanged, is not reused with its link dangling.
    await rm(join(root, 'store'), { recursive: true, force: true });
    const again = await builder.build({ name: 'b', version: '1' }, join(root, 'src-b'));
    assert.equal(await npm.runs(), 3);
    assert.equal(await readFile(join(again, 'node_modules/dep/index.js'), 'utf8'), "module.exports = 'installed';\n");
  });

  test('the key follows the dependency fields and the lock file, not the rest of package.json', async () => {
    const root = await tempDir('weft-deps-key-');
    const { logging } = captureLogging();
    const store = new DependencyStore(join(root, 'store'), logging.logger('x'));
    const a = await source(join(root, 'a'), { dep: '1' });
    const b = join(root, 'b');
    await mkdir(b);
    await writeFile(join(b, 'package.json'), JSON.stringify({ name: 'other', version: '9.9.9', scripts: { start: 'node .' }, dependencies: { dep: '1' } }));
    assert.equal(await store.keyOf(a), await store.keyOf(b));
    await writeFile(join(b, 'package-lock.json'), '{"lockfileVersion":3}');
    assert.notEqual(await store.keyOf(a), await store.keyOf(b));
    assert.equal(await store.keyOf(join(root, 'missing')), undefined);
  });
});
