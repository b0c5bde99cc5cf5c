import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import { cp, writeFile } from 'node:fs/promises';
import { fixtureSource, installedFixture } from '../helpers/chaincode-fixture.js';
import { tempDir } from '../helpers/temp-dir.js';
import { runWeft, startPeerProcess, type WeftProcess } from '../helpers/weft-process.js';

const run = promisify(execFile);
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');

describe('weft chaincode, with a fabric-contract-api contract written in TypeScript', () => {
  let peer: WeftProcess;
  let client: NodeJS.ProcessEnv;
  let source: string;
  const query = (args: string[]) => runWeft(['chaincode', 'query', '-C', 'ch', '-n', 'cars', '-c', JSON.stringify({ Args: args })], client);

  before(async () => {
    // As a user does before packaging: install the dependencies, compile to dist/.
    source = await installedFixture('asset-contract-ts');
    await run(process.execPath, [tsc, '-p', join(source, 'tsconfig.json')]);
    ({ peer, client } = await startPeerProcess(['--join', 'ch', '--application-capability', 'V1_4_2']));
  });

  after(async () => {
    await peer.stop();
  });

  test('installs, instantiates, and answers through its decorated, typed functions', async () => {
    assert.equal((await runWeft(['chaincode', 'install', source, '-n', 'cars', '-v', '1.0'], client)).code, 0);
    const inst = await runWeft(['chaincode', 'instantiate', '-C', 'ch', '-n', 'cars', '-v', '1.0', '-c', '{"Args":[]}'], client);
    assert.equal(inst.code, 0, inst.stderr);
    const created = await runWeft(['chaincode', 'invoke', '-C', 'ch', '-n', 'cars', '-c', '{"Args":["CreateCar","c1","Volvo","ann"]}'], client);
    assert.equal(created.code, 0, created.stderr);
    assert.equal((await query(['ReadCar', 'c1'])).stdout, '{"make":"Volvo","owner":"ann"}\n');
    assert.equal((await query(['CountCars'])).stdout, '1\n');
    const missing = await query(['ReadCar', 'c9']);
    assert.match(missing.stderr, /status:500 message:"car c9 does not exist"/);
    const wrongArgs = await query(['ReadCar']);
    assert.match(wrongArgs.stderr, /Expected 1 parameters, but 0 have been supplied/);
  });

  test('packaged before it was compiled, its launch fails naming dist/index.js and saying to build it; the peer goes on', async () => {
    const raw = await tempDir('weft-ts-raw-');
    await cp(fixtureSource('asset-contract-ts'), raw, { recursive: true, filter: (src) => !/[\\/](node_modules|dist)([\\/]|$)/.test(src) });
    assert.equal((await runWeft(['chaincode', 'install', raw, '-n', 'rawcars', '-v', '1.0'], client)).code, 0);
    const inst = await runWeft(['chaincode', 'instantiate', '-C', 'ch', '-n', 'rawcars', '-v', '1.0', '-c', '{"Args":[]}'], client);
    assert.notEqual(inst.code, 0);
    assert.match(inst.stderr, /its \\?"main\\?" file, dist\/index\.js, is not in the package: build it \(npm run build\) before packaging it/);
    assert.equal((await query(['CountCars'])).stdout, '1\n', 'the peer and its other chaincode go on');
  });

  test("a chaincode that throws as it loads: its launch fails with the error's first line and where it was thrown, not the tail of its stack", async () => {
    const dir = await tempDir('weft-throws-');
    await writeFile(join(dir, 'package.json'), JSON.stringify({ name: 'throws', version: '1.0.0', scripts: { start: 'node index.js' } }));
    await writeFile(join(dir, 'index.js'), "'use strict';\nthrow new Error('cannot load: missing config');\n");
    assert.equal((await runWeft(['chaincode', 'install', dir, '-n', 'throws', '-v', '1.0'], client)).code, 0);
    const inst = await runWeft(['chaincode', 'instantiate', '-C', 'ch', '-n', 'throws', '-v', '1.0', '-c', '{"Args":[]}'], client);
    assert.notEqual(inst.code, 0);
    assert.match(inst.stderr, /container exited with 1: Error: cannot load: missing config \(at \/\S+\/index\.js:2\)/);
    assert.doesNotMatch(inst.stderr, /Module\._compile/);
  });
});
