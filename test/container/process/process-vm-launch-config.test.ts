import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import { basename, delimiter, dirname, join } from 'node:path';
import { describe, test } from 'node:test';
import { ContainerError } from '../../../src/container/container-error.js';
import { CHAINCODE_NODE_FLAGS } from '../../../src/container/process/chaincode-node-flags.js';
import { tempDir } from '../../helpers/temp-dir.js';
import { logLine } from '../vm-assertions.js';
import { processStack, type ProcessStack } from './process-stack.js';

/** The first capture of `pattern` in the log, waiting for it to be logged. */
async function logged(stack: ProcessStack, pattern: RegExp): Promise<string> {
  return pattern.exec(await logLine(stack.lines, pattern))?.[1] ?? '';
}

const idle = { name: 'never-registers', version: '1.0' };

describe('ProcessVMProvider launch config', async () => {
  const buildRoot = await tempDir('weft-cc-build-');

  test('TLS files are written to a private folder and the environment points at them', async () => {
    const stack = await processStack({ buildRoot });
    const vm = stack.provider.newVM();
    const files = new Map([['/etc/hyperledger/fabric/client.key', Buffer.from('KEY')]]);
    const env = ['CORE_CHAINCODE_ID_NAME=never-registers:1.0', 'CORE_PEER_TLS_ENABLED=true', 'CORE_TLS_CLIENT_KEY_PATH=/etc/hyperledger/fabric/client.key'];
    await vm.start(idle, ['chaincode', '-peer.address=127.0.0.1:1'], env, files);
    try {
      await assert.rejects(
        vm.start(idle, ['chaincode', '-peer.address=127.0.0.1:1'], env, files),
        (err: unknown) => err instanceof ContainerError && err.code === 'ALREADY_RUNNING' && err.message === 'chaincode running never-registers',
      );
      const keyPath = await logged(stack, /id: never-registers:1.0, tls: true, key: (\S+) \(mode 600\)/);
      assert.ok(keyPath.startsWith(stack.runRoot), `key at ${keyPath}`);
    } finally {
      await vm.stop(idle, 5000, false, false);
    }
    await assert.rejects(vm.wait(idle), (err: unknown) => err instanceof ContainerError && err.code === 'NOT_FOUND');
  });

  test('nodeOptions reach the chaincode\'s node process alone: it can be debugged under the inspector', async () => {
    const stack = await processStack({ buildRoot, nodeOptions: () => '--inspect=127.0.0.1:0' });
    const vm = stack.provider.newVM();
    await vm.start(idle, ['chaincode', '-peer.address=127.0.0.1:1'], [], new Map());
    try {
      await logged(stack, /(sleeping instead of registering)/);
      const url = await logged(stack, /\[peer\.chaincode\.never-registers-1\.0\].*Debugger listening on (ws:\/\/127\.0\.0\.1:\d+\/\S+)/);
      assert.ok(url.length > 0);
      assert.equal(stack.lines.filter((l) => /Debugger listening on/.test(l)).length, 1, 'npm itself is not under the inspector');
    } finally {
      await vm.stop(idle, 5000, false, false);
    }
  });
});

/** Prints what it was started with, as one line, then idles. */
const ECHO_CHAINCODE = `'use strict';
const fs = require('node:fs');
const key = process.env.CORE_TLS_CLIENT_KEY_PATH;
const said = { argv: process.argv.slice(2), execArgv: process.execArgv, env: process.env, pid: process.pid, cwd: process.cwd(), key: key && fs.readFileSync(key, 'utf8') };
console.log('launch: ' + JSON.stringify(said));
setInterval(() => {}, 60000);
`;

interface Said {
  argv: string[];
  execArgv: string[];
  env: Record<string, string>;
  pid: number;
  cwd: string;
  key: string;
}

/** What the chaincode said, and whether its node process leads the process group (no npm above it). */
type Heard = Said & { leads: boolean };

/** A package `name` with this start script, in a folder of its own. */
async function echoPackage(root: string, name: string, start: string): Promise<string> {
  const dir = join(root, name);
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'package.json'), JSON.stringify({ name, version: '1.0.0', private: true, scripts: { start } }));
  await writeFile(join(dir, 'index.js'), ECHO_CHAINCODE);
  return dir;
}

const TLS_FILES = new Map([
  ['/etc/hyperledger/fabric/client.key', Buffer.from('KEY')],
  ['/etc/hyperledger/fabric/client.crt', Buffer.from('CERT')],
  ['/etc/hyperledger/fabric/peer.crt', Buffer.from('ROOT')],
]);
const LAUNCH_ENV = [
  'CORE_CHAINCODE_ID_NAME=echo:1.0',
  'CORE_PEER_LOCALMSPID=Org1MSP',
  'CORE_CHAINCODE_LOGGING_LEVEL=info',
  'CORE_CHAINCODE_LOGGING_SHIM=warning',
  'CORE_PEER_TLS_ENABLED=true',
  'CORE_TLS_CLIENT_KEY_PATH=/etc/hyperledger/fabric/client.key',
  'CORE_TLS_CLIENT_CERT_PATH=/etc/hyperledger/fabric/client.crt',
  'CORE_PEER_TLS_ROOTCERT_FILE=/etc/hyperledger/fabric/peer.crt',
];
const NODE_LAUNCH_ARGS = ['/bin/sh', '-c', 'cd /usr/local/src; npm start -- --peer.address 127.0.0.1:1'];

/** Starts `ccid` on the stack's VM, returns what the chaincode says it got, and stops it. */
async function startAndListen(stack: ProcessStack, ccid: { name: string; version: string }): Promise<Heard> {
  const vm = stack.provider.newVM();
  await vm.start(ccid, NODE_LAUNCH_ARGS, LAUNCH_ENV, TLS_FILES);
  try {
    const line = await logLine(stack.lines, new RegExp(`\\[peer\\.chaincode\\.${ccid.name}-1\\.0\\].*launch: `));
    const said = JSON.parse(line.slice(line.indexOf('launch: ') + 'launch: '.length)) as Said;
    return { ...said, leads: stack.provider.pid(ccid) === said.pid };
  } finally {
    await vm.stop(ccid, 5000, false, false);
  }
}

/** What npm itself sets for a script: its own path, its resolved npm_config_* settings (node-options aside), its terminal defaults. */
function npmOnly(key: string): boolean {
  return (/^npm_config_/i.test(key) && key !== 'npm_config_node_options') || ['npm_execpath', 'COLOR', 'EDITOR'].includes(key);
}

describe('ProcessVMProvider without npm', async () => {
  const buildRoot = await tempDir('weft-cc-build-');
  const packages = await tempDir('weft-cc-src-');
  const echo = { name: 'echo', version: '1.0' };
  await echoPackage(packages, 'echo', 'node index.js');

  test('a chaincode started without npm gets the arguments, TLS files and environment `npm start` gave it', async () => {
    const opts = { buildRoot, packages: () => join(packages, 'echo'), nodeOptions: () => '--max-old-space-size=300' };
    const direct = await processStack(opts);
    const npm = await processStack({ ...opts, alwaysNpm: true });
    const bare = await startAndListen(direct, echo);
    const viaNpm = await startAndListen(npm, echo);

    assert.ok(bare.leads, 'node itself leads the process group');
    assert.ok(!viaNpm.leads, 'under npm, npm leads it');
    assert.ok(!direct.lines.some((l) => /with npm start/.test(l)));
    assert.ok(direct.lines.some((l) => /started chaincode echo-1\.0 \(pid \d+\) in \S+: \S*node .*index\.js --peer\.address 127\.0\.0\.1:1$/.test(l)));
    assert.deepEqual(bare.argv, ['--peer.address', '127.0.0.1:1']);
    assert.deepEqual(bare.argv, viaNpm.argv);
    assert.equal(bare.cwd, viaNpm.cwd);
    assert.equal(bare.key, 'KEY');
    assert.equal(bare.key, viaNpm.key);
    assert.deepEqual(bare.execArgv, [...CHAINCODE_NODE_FLAGS], 'the peer adds its node flags, nothing else');
    assert.deepEqual(viaNpm.execArgv, []);
    assert.equal(bare.env['NODE_OPTIONS'], '--max-old-space-size=300');

    // Each start has its own folder for the TLS files: the same files, in another place.
    const tlsKeys = ['CORE_TLS_CLIENT_KEY_PATH', 'CORE_TLS_CLIENT_CERT_PATH', 'CORE_PEER_TLS_ROOTCERT_FILE'];
    for (const key of tlsKeys) {
      assert.equal(dirname(dirname(bare.env[key] ?? '')), direct.runRoot, key);
      assert.equal(dirname(dirname(viaNpm.env[key] ?? '')), npm.runRoot, key);
      assert.equal(basename(bare.env[key] ?? ''), basename(viaNpm.env[key] ?? ''), key);
    }
    // npm also puts its node-gyp folder on PATH, for scripts that build native modules.
    const path = (env: Record<string, string>): string[] => (env['PATH'] ?? '').split(delimiter).filter((dir) => !/node-gyp-bin$/.test(dir));
    assert.deepEqual(path(bare.env), path(viaNpm.env));
    const rest = (env: Record<string, string>): Record<string, string> =>
      Object.fromEntries(Object.entries(env).filter(([key]) => key !== 'PATH' && !tlsKeys.includes(key) && !npmOnly(key)));
    assert.deepEqual(rest(bare.env), rest(viaNpm.env));
  });

  test('a package with a custom start script still runs through npm, and the log says why', async () => {
    await echoPackage(packages, 'custom', 'echo custom start of $npm_package_name && node index.js');
    const stack = await processStack({ buildRoot, packages: (ccid) => join(packages, ccid.name) });
    const custom = { name: 'custom', version: '1.0' };
    const said = await startAndListen(stack, custom);
    await logLine(stack.lines, /starting chaincode custom-1\.0 with npm start: its start script "echo custom start of \$npm_package_name && node index\.js" has shell syntax/);
    await logLine(stack.lines, /\[peer\.chaincode\.custom-1\.0\].*custom start of custom/);
    assert.ok(!said.leads);
    assert.deepEqual(said.argv, ['--peer.address', '127.0.0.1:1']);
    assert.equal(said.key, 'KEY');
    assert.ok(said.env['npm_execpath'] !== undefined, 'npm ran it');
  });
});
