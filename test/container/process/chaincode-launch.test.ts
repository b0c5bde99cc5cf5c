import assert from 'node:assert/strict';
import { chmod, mkdir, writeFile } from 'node:fs/promises';
import { delimiter, join } from 'node:path';
import { describe, test } from 'node:test';
import { chaincodeLaunch, type ChaincodeLaunchOptions } from '../../../src/container/process/chaincode-launch.js';
import { tempDir } from '../../helpers/temp-dir.js';

/** A built package in a fresh folder: its package.json, an index.js, and installed dependencies as `node_modules/<name>/<file>`. */
async function builtPackage(pkg: Record<string, unknown>, files: Record<string, string> = {}): Promise<string> {
  const dir = await tempDir('weft-launch-');
  await writeFile(join(dir, 'package.json'), JSON.stringify({ name: 'mycc', version: '2.1.0', ...pkg }));
  for (const [path, content] of Object.entries({ 'index.js': '', ...files })) {
    await mkdir(join(dir, path, '..'), { recursive: true });
    await writeFile(join(dir, path), content);
  }
  return dir;
}

/** A folder holding an executable `node`, to put on PATH. */
async function fakeNodeDir(): Promise<string> {
  const dir = await tempDir('weft-launch-bin-');
  await writeFile(join(dir, 'node'), '#!/bin/sh\n');
  await chmod(join(dir, 'node'), 0o755);
  return dir;
}

function launchOpts(dir: string, path: string, more: Partial<ChaincodeLaunchOptions> = {}): ChaincodeLaunchOptions {
  return {
    dir,
    env: { PATH: path, HOME: dir, CORE_CHAINCODE_ID_NAME: 'mycc:2.1' },
    peerArgs: ['--peer.address', '127.0.0.1:7052'],
    npm: '/opt/npm',
    nodeFlags: [],
    ...more,
  };
}

const SHIM = {
  'node_modules/fabric-shim/package.json': JSON.stringify({ name: 'fabric-shim', bin: { 'fabric-chaincode-node': 'bin/launch.js' } }),
  'node_modules/fabric-shim/bin/launch.js': '#!/usr/bin/env node\nrequire("../lib");\n',
};

describe('chaincodeLaunch', () => {
  test('node <script>: the node on PATH, the script, then the peer arguments; CORE_* kept and npm script variables added', async () => {
    const nodeDir = await fakeNodeDir();
    const dir = await builtPackage({ scripts: { start: 'node --stack-size=2000 index.js --verbose' } });
    const launch = await chaincodeLaunch(launchOpts(dir, `${nodeDir}${delimiter}/usr/bin`));
    assert.equal(launch.npmReason, undefined);
    assert.equal(launch.command, join(nodeDir, 'node'));
    assert.deepEqual(launch.args, ['--stack-size=2000', 'index.js', '--verbose', '--peer.address', '127.0.0.1:7052']);
    assert.equal(launch.env['CORE_CHAINCODE_ID_NAME'], 'mycc:2.1');
    assert.equal(launch.env['npm_package_name'], 'mycc');
    assert.equal(launch.env['npm_package_version'], '2.1.0');
    assert.equal(launch.env['npm_package_json'], join(dir, 'package.json'));
    assert.equal(launch.env['npm_lifecycle_event'], 'start');
    assert.equal(launch.env['npm_lifecycle_script'], 'node --stack-size=2000 index.js --verbose');
    assert.equal(launch.env['NODE'], join(nodeDir, 'node'));
    assert.equal(launch.env['NODE_OPTIONS'], undefined);
    const path = (launch.env['PATH'] ?? '').split(delimiter);
    assert.equal(path[0], join(dir, 'node_modules', '.bin'), 'the package bins come first, as under npm');
    assert.deepEqual(path.slice(-2), [nodeDir, '/usr/bin']);
  });

  test('fabric-chaincode-node start runs the bin the installed dependency declares, with node', async () => {
    const dir = await builtPackage({ scripts: { start: 'fabric-chaincode-node start --module-path .' }, dependencies: { 'fabric-shim': '2.5.8' } }, SHIM);
    const launch = await chaincodeLaunch(launchOpts(dir, await fakeNodeDir()));
    assert.equal(launch.npmReason, undefined);
    assert.deepEqual(launch.args, [join(dir, 'node_modules/fabric-shim/bin/launch.js'), 'start', '--module-path', '.', '--peer.address', '127.0.0.1:7052']);
  });

  test('a fabric-chaincode-node that no dependency provides, or that is not a node script, goes through npm', async () => {
    const none = await builtPackage({ scripts: { start: 'fabric-chaincode-node start' } });
    assert.match((await chaincodeLaunch(launchOpts(none, await fakeNodeDir()))).npmReason ?? '', /no installed dependency of the package provides fabric-chaincode-node/);
    const shell = await builtPackage(
      { scripts: { start: 'fabric-chaincode-node start' }, dependencies: { 'fabric-shim': '2.5.8' } },
      { ...SHIM, 'node_modules/fabric-shim/bin/launch.js': '#!/bin/sh\nexec node lib/index.js\n' },
    );
    assert.match((await chaincodeLaunch(launchOpts(shell, await fakeNodeDir()))).npmReason ?? '', /is not a node script/);
  });

  test('npm start -- <peer args> for a script that needs npm, for a package whose own node_modules has a node, and when asked', async () => {
    const custom = await builtPackage({ scripts: { start: 'node build.js && node index.js' } });
    const launch = await chaincodeLaunch(launchOpts(custom, await fakeNodeDir()));
    assert.equal(launch.command, '/opt/npm');
    assert.deepEqual(launch.args, ['start', '--', '--peer.address', '127.0.0.1:7052']);
    assert.match(launch.npmReason ?? '', /shell syntax/);
    assert.equal(launch.env['npm_package_name'], undefined, 'npm sets its own variables');

    const ownNode = await builtPackage({ scripts: { start: 'node index.js' } }, { 'node_modules/.bin/node': '#!/bin/sh\n' });
    await chmod(join(ownNode, 'node_modules/.bin/node'), 0o755);
    assert.match((await chaincodeLaunch(launchOpts(ownNode, await fakeNodeDir()))).npmReason ?? '', /provides its own node/);

    const plain = await builtPackage({ scripts: { start: 'node index.js' } });
    assert.match((await chaincodeLaunch(launchOpts(plain, await fakeNodeDir(), { alwaysNpm: true }))).npmReason ?? '', /every chaincode with npm/);
    const broken = await tempDir('weft-launch-');
    assert.match((await chaincodeLaunch(launchOpts(broken, await fakeNodeDir()))).npmReason ?? '', /package\.json could not be read/);
  });

  test("npm's node-options become NODE_OPTIONS; the peer's flags give way to the user's", async () => {
    const dir = await builtPackage({ scripts: { start: 'node --max-semi-space-size=8 index.js' } });
    const nodeDir = await fakeNodeDir();
    const launch = await chaincodeLaunch(
      launchOpts(dir, nodeDir, {
        env: { PATH: nodeDir, HOME: dir, npm_config_node_options: '--inspect=127.0.0.1:0 --max-old-space-size=300' },
        nodeFlags: ['--max-old-space-size=100', '--max-semi-space-size=2', '--stack-trace-limit=20'],
      }),
    );
    assert.equal(launch.env['NODE_OPTIONS'], '--inspect=127.0.0.1:0 --max-old-space-size=300');
    assert.equal(launch.env['npm_config_node_options'], '--inspect=127.0.0.1:0 --max-old-space-size=300', 'kept, as npm keeps it');
    assert.deepEqual(launch.args, ['--stack-trace-limit=20', '--max-semi-space-size=8', 'index.js', '--peer.address', '127.0.0.1:7052']);
  });

  test('node-options set in an .npmrc (which npm would apply) send the chaincode through npm', async () => {
    const dir = await builtPackage({ scripts: { start: 'node index.js' } }, { '.npmrc': 'registry=https://registry.example/\nnode-options = --max-old-space-size=64\n' });
    assert.match((await chaincodeLaunch(launchOpts(dir, await fakeNodeDir()))).npmReason ?? '', /\.npmrc sets node-options/);
    const home = await tempDir('weft-launch-home-');
    await writeFile(join(home, '.npmrc'), 'node_options=--trace-warnings\n');
    const plain = await builtPackage({ scripts: { start: 'node index.js' } });
    const nodeDir = await fakeNodeDir();
    assert.match((await chaincodeLaunch(launchOpts(plain, nodeDir, { env: { PATH: nodeDir, HOME: home } }))).npmReason ?? '', /\.npmrc/);
  });
});
