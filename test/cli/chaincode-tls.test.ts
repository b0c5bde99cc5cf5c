import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fixtureSource, installedFixture } from '../helpers/chaincode-fixture.js';
import { tempDir } from '../helpers/temp-dir.js';
import { makeTestTls, writeTlsCoreYaml, type TestTlsFiles } from '../helpers/test-tls.js';
import { peerAddressOf, runWeft, WeftProcess } from '../helpers/weft-process.js';

/** A chaincode started by hand; its output is kept to show why it stopped. */
class HandStartedChaincode {
  output = '';
  readonly exited: Promise<number | null>;
  private readonly child: ChildProcess;

  constructor(dir: string, peerAddress: string, env: NodeJS.ProcessEnv) {
    this.child = spawn(process.execPath, ['index.js', '--peer.address', peerAddress], { cwd: dir, env: { PATH: process.env.PATH, ...env } });
    this.child.stdout?.setEncoding('utf8').on('data', (s: string) => (this.output += s));
    this.child.stderr?.setEncoding('utf8').on('data', (s: string) => (this.output += s));
    this.exited = new Promise((resolve) => this.child.on('exit', (code) => resolve(code)));
  }

  kill(): void {
    this.child.kill('SIGKILL');
  }
}

const cc = (...args: string[]) => ['chaincode', ...args];

describe('chaincode TLS: the chaincode listener requires client certificates from the peer chaincode CA', () => {
  let root: string;
  let tls: TestTlsFiles;
  let cfgDir: string;
  let ccDir: string;
  const started: HandStartedChaincode[] = [];

  before(async () => {
    root = await tempDir('weft-cc-tls-');
    tls = await makeTestTls(join(root, 'tls'));
    cfgDir = join(root, 'config');
    // Relative paths, to check they are taken from FABRIC_CFG_PATH.
    await writeTlsCoreYaml(cfgDir, { cert: '../tls/server.crt', key: '../tls/server.key', rootcert: '../tls/ca.crt' });
    ccDir = await installedFixture('kv-shim');
  });

  after(() => {
    for (const chaincode of started) chaincode.kill();
  });

  const peerEnv = (data: string): NodeJS.ProcessEnv => ({
    FABRIC_CFG_PATH: cfgDir,
    CORE_PEER_FILESYSTEMPATH: join(root, data),
    CORE_PEER_CHAINCODELISTENADDRESS: '127.0.0.1:0',
    CORE_PEER_LISTENADDRESS: '127.0.0.1:0', CORE_PEER_ORDERER_LISTENADDRESS: '127.0.0.1:0', CORE_PEER_ORDERER_ADMINLISTENADDRESS: '127.0.0.1:0',
    CORE_CHAINCODE_STARTUPTIMEOUT: '20s',
  });

  // The CLI reads the same core.yaml (so it speaks TLS to the peer) and the same data folder (its Admin identity).
  const clientEnv = (data: string, address: string): NodeJS.ProcessEnv => ({
    FABRIC_CFG_PATH: cfgDir,
    CORE_PEER_FILESYSTEMPATH: join(root, data),
    CORE_PEER_ADDRESS: address,
  });

  test('process mode: the peer launches the chaincode with its TLS credentials; install, instantiate, invoke, query work', async () => {
    const peer = new WeftProcess(['node', 'start', '--join', 'ch', '--application-capability', 'V1_4_2'], peerEnv('net'));
    try {
      const client = clientEnv('net', await peerAddressOf(peer));
      assert.match(await peer.waitFor(/Chaincode server listening on/), /\(TLS, chaincode client certificates required\)$/);
      await peer.waitFor(/Started peer/);
      const install = await runWeft(cc('install', fixtureSource('kv-shim'), '-n', 'kvcc', '-v', '1.0', '-l', 'node'), client);
      assert.equal(install.code, 0, install.stderr);
      const inst = await runWeft(cc('instantiate', '-C', 'ch', '-n', 'kvcc', '-v', '1.0', '-c', '{"Args":["init","a","100"]}'), client);
      assert.equal(inst.code, 0, `${inst.stderr}\n${peer.lines.slice(-30).join('\n')}`);
      const invoke = await runWeft(cc('invoke', '-C', 'ch', '-n', 'kvcc', '-c', '{"Args":["put","a","200"]}'), client);
      assert.equal(invoke.stdout, 'Chaincode invoke successful. result: status:200 payload:"ok"\n', invoke.stderr);
      assert.equal((await runWeft(cc('query', '-C', 'ch', '-n', 'kvcc', '-c', '{"Args":["get","a"]}'), client)).stdout, '200\n');
      const ca = await readFile(join(root, 'net', 'chaincodes', 'tls', 'ca.crt'), 'utf8');
      assert.match(ca, /^-----BEGIN CERTIFICATE-----/);
    } finally {
      await peer.stop();
    }
  });

  describe('dev mode', () => {
    let peer: WeftProcess;
    let client: NodeJS.ProcessEnv;
    let ccAddress: string;

    before(async () => {
      peer = new WeftProcess(['node', 'start', '--peer-chaincodedev', '--join', 'ch', '--application-capability', 'V1_4_2'], peerEnv('dev'));
      client = clientEnv('dev', await peerAddressOf(peer));
      ccAddress = (await peer.waitFor(/Chaincode server listening on/)).replace(/^.* listening on /, '').replace(/ \(TLS.*$/, '');
      await peer.waitFor(/Started peer/);
    });

    after(async () => {
      await peer.stop();
    });

    test('a chaincode without TLS cannot register', async () => {
      const chaincode = new HandStartedChaincode(ccDir, ccAddress, { CORE_CHAINCODE_ID_NAME: 'plain:1.0' });
      started.push(chaincode);
      // fabric-shim logs the failed stream and exits (with code 0).
      await chaincode.exited;
      assert.match(chaincode.output, /Chat stream with peer - on error: .*14 UNAVAILABLE: No connection established/);
      assert.ok(!peer.lines.some((l) => l.includes('plain:1.0')), 'the peer never saw the chaincode register');
      const refusal = await peer.waitFor(/refused a chaincode connection from 127\.0\.0\.1: TLS handshake failed: /);
      assert.match(refusal, / WARN [0-9a-f]+ refused a chaincode connection from 127\.0\.0\.1: TLS handshake failed: wrong version number$/);
    });

    test('a chaincode with a client certificate from another CA cannot register', async () => {
      const out = join(root, 'foreign');
      // A certificate the peer did not issue: the peer's own server pair, from the TLS root.
      const chaincode = new HandStartedChaincode(ccDir, ccAddress, {
        CORE_CHAINCODE_ID_NAME: 'foreign:1.0',
        CORE_PEER_TLS_ENABLED: 'true',
        CORE_TLS_CLIENT_KEY_PATH: await base64Copy(tls.serverKey, join(out, 'client.key')),
        CORE_TLS_CLIENT_CERT_PATH: await base64Copy(tls.serverCert, join(out, 'client.crt')),
        CORE_PEER_TLS_ROOTCERT_FILE: tls.rootCert,
      });
      started.push(chaincode);
      await chaincode.exited;
      assert.match(chaincode.output, /Chat stream with peer - on error: .*14 UNAVAILABLE: No connection established/);
      assert.ok(!peer.lines.some((l) => l.includes('foreign:1.0')), 'the peer never saw the chaincode register');
      // The peer logs the refused handshake too (OpenSSL tells it no more than that the client gave up).
      const refusals = () => peer.lines.filter((l) => l.includes('refused a chaincode connection from ')).length;
      for (let i = 0; i < 100 && refusals() < 2; i++) await new Promise((r) => setTimeout(r, 20));
      assert.equal(refusals(), 2, peer.lines.slice(-10).join('\n'));
      // The chaincode hung up before the peer heard why; the peer still knows who it was.
      assert.ok(peer.lines.filter((l) => l.includes('refused a chaincode connection from ')).every((l) => l.includes(' from 127.0.0.1: ')), peer.lines.slice(-10).join('\n'));
    });

    test('dev-credentials issues what a hand-started chaincode needs; install, instantiate, query work', async () => {
      const out = join(root, 'creds');
      const creds = await runWeft(cc('dev-credentials', 'kvcc:1.0', '-o', out), peerEnv('dev'));
      assert.equal(creds.code, 0, creds.stderr);
      assert.equal(
        creds.stdout,
        [
          'export CORE_PEER_TLS_ENABLED=true',
          `export CORE_TLS_CLIENT_KEY_PATH=${join(out, 'client.key')}`,
          `export CORE_TLS_CLIENT_CERT_PATH=${join(out, 'client.crt')}`,
          `export CORE_PEER_TLS_ROOTCERT_FILE=${join(out, 'peer.crt')}`,
          '',
        ].join('\n'),
      );
      assert.equal(await readFile(join(out, 'peer.crt'), 'utf8'), await readFile(tls.rootCert, 'utf8'));
      assert.match(Buffer.from(await readFile(join(out, 'client.crt'), 'utf8'), 'base64').toString(), /^-----BEGIN CERTIFICATE-----/);

      const env: NodeJS.ProcessEnv = { CORE_CHAINCODE_ID_NAME: 'kvcc:1.0' };
      for (const line of creds.stdout.trim().split('\n')) {
        const [name, value] = line.replace(/^export /, '').split('=') as [string, string];
        env[name] = value;
      }
      started.push(new HandStartedChaincode(ccDir, ccAddress, env));
      const install = await runWeft(cc('install', fixtureSource('kv-shim'), '-n', 'kvcc', '-v', '1.0', '-l', 'node'), client);
      assert.equal(install.code, 0, install.stderr);
      const inst = await runWeft(cc('instantiate', '-C', 'ch', '-n', 'kvcc', '-v', '1.0', '-c', '{"Args":["init","a","100"]}'), client);
      assert.equal(inst.code, 0, `${inst.stderr}\n${peer.lines.slice(-30).join('\n')}`);
      assert.equal((await runWeft(cc('query', '-C', 'ch', '-n', 'kvcc', '-c', '{"Args":["get","a"]}'), client)).stdout, '100\n');
    });
  });

  test('dev-credentials fails clearly without TLS, and before the peer made its CA', async () => {
    const noTls = await runWeft(cc('dev-credentials', 'kvcc:1.0', '-o', join(root, 'x')), { CORE_PEER_FILESYSTEMPATH: join(root, 'none') });
    assert.equal(noTls.code, 1);
    assert.equal(noTls.stderr, 'Error: peer.tls.enabled is false: chaincodes connect without TLS, no credentials are needed');
    const noCa = await runWeft(cc('dev-credentials', 'kvcc:1.0', '-o', join(root, 'x')), peerEnv('never-started'));
    assert.equal(noCa.code, 1);
    assert.equal(noCa.stderr, `Error: no chaincode CA in ${join(root, 'never-started', 'chaincodes', 'tls')}: start the peer once with peer.tls.enabled to create it`);
  });

  test('a TLS file that does not exist stops start-up with an error naming its key and path', async () => {
    const badCfg = join(root, 'bad-config');
    await writeTlsCoreYaml(badCfg, { cert: join(root, 'tls', 'missing.crt'), key: tls.serverKey, rootcert: tls.rootCert });
    const peer = new WeftProcess(['node', 'start'], { ...peerEnv('bad'), FABRIC_CFG_PATH: badCfg });
    assert.equal(await peer.exitCode(), 1);
    const fatal = peer.lines.find((l) => l.includes('FATA'));
    assert.match(fatal ?? peer.lines.join('\n'), new RegExp(`peer\\.tls\\.cert\\.file: cannot read ${join(root, 'tls', 'missing.crt')}: ENOENT`));
    const unsetCfg = join(root, 'unset-config');
    await writeTlsCoreYaml(unsetCfg, { cert: tls.serverCert, key: '', rootcert: tls.rootCert });
    const unset = new WeftProcess(['node', 'start'], { ...peerEnv('bad'), FABRIC_CFG_PATH: unsetCfg });
    assert.equal(await unset.exitCode(), 1);
    assert.ok(unset.lines.some((l) => l.endsWith('peer.tls.key.file must be set when peer.tls.enabled is true')), unset.lines.join('\n'));
  });
});

async function base64Copy(from: string, to: string): Promise<string> {
  await mkdir(join(to, '..'), { recursive: true });
  await writeFile(to, (await readFile(from)).toString('base64'));
  return to;
}
