import assert from 'node:assert/strict';
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import type { CCID } from '../../../src/container/ccintf.js';
import { ContainerError } from '../../../src/container/container-error.js';
import { ExternalBuilders } from '../../../src/container/externalbuilder/external-builders.js';
import { EXTERNAL_CONTAINER_TYPE, ExternalVMProvider } from '../../../src/container/externalbuilder/external-vm-provider.js';
import type { RunConfig } from '../../../src/container/externalbuilder/run-config.js';
import { captureLogging } from '../../helpers/capture-logging.js';
import { isAlive } from '../../helpers/is-alive.js';
import { tempDir } from '../../helpers/temp-dir.js';
import { logLine } from '../vm-assertions.js';
import { NODE_BUILDER, packageParts, recorderFiles } from './builder-fixtures.js';

const KEY_PEM = '-----BEGIN PRIVATE KEY-----\nS0VZ\n-----END PRIVATE KEY-----\n';
const CERT_PEM = '-----BEGIN CERTIFICATE-----\nQ0VSVA==\n-----END CERTIFICATE-----\n';
const ROOT_PEM = '-----BEGIN CERTIFICATE-----\nUk9PVA==\n-----END CERTIFICATE-----\n';

// The launch config the peer's ContainerRuntime gives a chaincode (golang-style arguments).
function launchOf(ccid: CCID, tls: boolean): { args: string[]; env: string[]; files: Map<string, Uint8Array> } {
  const cname = `${ccid.name}:${ccid.version}`;
  const env = [`CORE_CHAINCODE_ID_NAME=${cname}`, 'CORE_CHAINCODE_LOGGING_LEVEL=info'];
  const files = new Map<string, Uint8Array>();
  if (tls) {
    files.set('/etc/hyperledger/fabric/client.key', Buffer.from(Buffer.from(KEY_PEM).toString('base64')));
    files.set('/etc/hyperledger/fabric/client.crt', Buffer.from(Buffer.from(CERT_PEM).toString('base64')));
    files.set('/etc/hyperledger/fabric/peer.crt', Buffer.from(ROOT_PEM));
    env.push(
      'CORE_PEER_TLS_ENABLED=true',
      'CORE_TLS_CLIENT_KEY_PATH=/etc/hyperledger/fabric/client.key',
      'CORE_TLS_CLIENT_CERT_PATH=/etc/hyperledger/fabric/client.crt',
      'CORE_PEER_TLS_ROOTCERT_FILE=/etc/hyperledger/fabric/peer.crt',
    );
  } else {
    env.push('CORE_PEER_TLS_ENABLED=false');
  }
  return { args: ['chaincode', '-peer.address=127.0.0.1:7052'], env, files };
}

interface Record {
  config: RunConfig;
  env: { [key: string]: string };
  argv: string[];
  pid: number;
}

describe('ExternalVMProvider: bin/run is the chaincode', async () => {
  const { logging, lines } = captureLogging('info:chaincode.externalbuilder=debug');
  const recordDir = await tempDir('weft-ext-records-');
  const runRoot = await tempDir('weft-ext-run-');
  const builders = new ExternalBuilders({
    builders: [{ name: 'node', path: NODE_BUILDER, propagateEnvironment: ['RECORD_DIR'] }],
    root: await tempDir('weft-ext-builds-'),
    logging,
    env: { PATH: process.env.PATH, RECORD_DIR: recordDir, SECRET: 'not for chaincode' },
  });
  const provider = new ExternalVMProvider({ builds: builders, mspId: 'Org1MSP', runRoot, logger: logging.logger('chaincode.externalbuilder') });
  after(() => provider.stopAll(2000));

  /** Builds a recorder package doing `behaviour`; its CCID is {name: label, version: hash}, so its canonical name is the package ID. */
  async function installed(label: string, behaviour: string): Promise<CCID> {
    const ccid = { name: label, version: `${label}hash` };
    const build = await builders.build(`${ccid.name}:${ccid.version}`, await packageParts('external-node', label, recorderFiles(behaviour)));
    assert.ok(build !== undefined);
    return ccid;
  }

  async function recordOf(ccid: CCID): Promise<Record> {
    const file = join(recordDir, `${ccid.name}-${ccid.version}.json`);
    await logLine(lines, new RegExp(`recorder: up as ${ccid.name}:${ccid.version}`));
    return JSON.parse(await readFile(file, 'utf8')) as Record;
  }

  test('start runs bin/run with chaincode.json holding Fabric fields from the launch config; stop ends it with SIGTERM', async () => {
    const ccid = await installed('runner', 'wait');
    const vm = provider.newVM();
    const launch = launchOf(ccid, true);
    await vm.start(ccid, launch.args, launch.env, launch.files);
    const record = await recordOf(ccid);
    assert.deepEqual(record.config, {
      chaincode_id: 'runner:runnerhash',
      peer_address: '127.0.0.1:7052',
      client_cert: CERT_PEM,
      client_key: KEY_PEM,
      root_cert: ROOT_PEM,
      mspid: 'Org1MSP',
    });
    // The run's environment is the builder's: what it propagates and Fabric's defaults, then what
    // the builder itself set; none of the launch config's variables, none of the peer's others.
    assert.equal(record.env['RECORD_DIR'], recordDir);
    assert.equal(record.env['SECRET'], undefined);
    assert.equal(record.env['CORE_CHAINCODE_LOGGING_LEVEL'], undefined);
    assert.equal(record.env['CORE_PEER_TLS_ENABLED'], 'true');
    assert.equal(record.pid, provider.pid(ccid));
    assert.ok(lines.some((l) => /\[chaincode\.externalbuilder\.node\] waitForExit -> INFO .* node-builder: starting runner:runnerhash for peer 127\.0\.0\.1:7052 \{"command": "run"\}$/.test(l)));
    // The run metadata folder is private and exists while the chaincode runs.
    assert.equal((await readdir(runRoot)).length, 1);

    const exited = vm.wait(ccid);
    await vm.stop(ccid, 5000, false, true);
    assert.equal(await exited, 143);
    assert.match(await (vm.exitReason?.(ccid) ?? Promise.resolve('')), /killed by SIGTERM/);
    assert.equal(isAlive(record.pid), false);
    await logLine(lines, /chaincode runner:runnerhash \(builder 'node' run\) exited with 143/);
    // Its folder, with the TLS key in chaincode.json, is gone with it.
    for (let i = 0; i < 50 && (await readdir(runRoot)).length > 0; i++) await new Promise((r) => setTimeout(r, 20));
    assert.deepEqual(await readdir(runRoot), []);
  });

  test('without TLS chaincode.json has empty certificate fields', async () => {
    const ccid = await installed('plain', 'wait');
    const vm = provider.newVM();
    const launch = launchOf(ccid, false);
    await vm.start(ccid, launch.args, launch.env, launch.files);
    const record = await recordOf(ccid);
    assert.deepEqual(record.config, { chaincode_id: 'plain:plainhash', peer_address: '127.0.0.1:7052', client_cert: '', client_key: '', root_cert: '', mspid: 'Org1MSP' });
    await vm.stop(ccid, 5000, false, false);
  });

  test('wait gives the exit code of a chaincode that ends; exitReason quotes its last output', async () => {
    const ccid = await installed('quitter', 'exit 7');
    const vm = provider.newVM();
    const launch = launchOf(ccid, false);
    await vm.start(ccid, launch.args, launch.env, launch.files);
    assert.equal(await vm.wait(ccid), 7);
    const reason = await (vm.exitReason?.(ccid) ?? Promise.resolve(''));
    assert.match(reason, /^7; last output:/);
    assert.match(reason, /recorder: exiting as asked/);
  });

  test('a chaincode that ignores SIGTERM is killed once the stop timeout passes', async () => {
    const ccid = await installed('stubborn', 'stubborn');
    const vm = provider.newVM();
    const launch = launchOf(ccid, false);
    await vm.start(ccid, launch.args, launch.env, launch.files);
    const record = await recordOf(ccid);
    const exited = vm.wait(ccid);
    const began = Date.now();
    await vm.stop(ccid, 300, false, true);
    assert.equal(await exited, 137);
    assert.ok(Date.now() - began >= 250);
    assert.equal(isAlive(record.pid), false);
    await logLine(lines, /recorder: ignoring SIGTERM/);
  });

  test('starting a chaincode already running fails ALREADY_RUNNING; stopAll ends every chaincode', async () => {
    const ccid = await installed('twice', 'wait');
    const vm = provider.newVM();
    const launch = launchOf(ccid, false);
    await vm.start(ccid, launch.args, launch.env, launch.files);
    await assert.rejects(vm.start(ccid, launch.args, launch.env, launch.files), (err: unknown) => err instanceof ContainerError && err.code === 'ALREADY_RUNNING');
    const other = await installed('other', 'stubborn');
    await provider.newVM().start(other, launchOf(other, false).args, launchOf(other, false).env, new Map());
    const pids = [(await recordOf(ccid)).pid, (await recordOf(other)).pid];
    await provider.stopAll(300);
    assert.deepEqual(
      pids.map((pid) => isAlive(pid)),
      [false, false],
    );
    assert.equal(provider.pid(ccid), undefined);
  });

  test('a package without an external build is PACKAGE_NOT_FOUND', async () => {
    const ccid = { name: 'unknown', version: 'cafe' };
    await assert.rejects(provider.newVM().start(ccid, launchOf(ccid, false).args, [], new Map()), (err: unknown) => {
      assert.ok(err instanceof ContainerError);
      assert.equal(err.code, 'PACKAGE_NOT_FOUND');
      assert.match(err.message, /unknown:cafe has no external build/);
      return true;
    });
  });

  test('a release with chaincode/server/connection.json is reported as a chaincode server, not run', async () => {
    const ccid = { name: 'server', version: 'beef' };
    const files = { ...recorderFiles(), 'connection.json': JSON.stringify({ address: '127.0.0.1:9999', dial_timeout: '2s', tls_required: false }) };
    const build = await builders.build('server:beef', await packageParts('external-node', 'server', files));
    assert.ok(build?.chaincodeServerDir !== undefined);
    assert.equal(build.chaincodeServerDir, join(build.releaseDir, 'chaincode', 'server'));
    assert.equal(provider.isChaincodeServer(ccid), true);
    assert.equal(provider.chaincodeServerDir(ccid), build.chaincodeServerDir);
    assert.equal(provider.isChaincodeServer({ name: 'runner', version: 'runnerhash' }), false);
    // The chaincode-as-a-service VM reads connection.json from that folder.
    const { readConnectionInfo } = await import('../../../src/container/ccaas/connection-info.js');
    assert.equal((await readConnectionInfo(build.chaincodeServerDir)).address, '127.0.0.1:9999');
    await assert.rejects(provider.newVM().start(ccid, launchOf(ccid, false).args, [], new Map()), (err: unknown) => {
      assert.ok(err instanceof ContainerError);
      assert.equal(err.code, 'START_FAILED');
      assert.match(err.message, /released as a chaincode server .*connection\.json\): the peer dials it/);
      return true;
    });
  });

  test('the container type is EXTERNAL', () => {
    assert.equal(EXTERNAL_CONTAINER_TYPE, 'EXTERNAL');
  });
});
