import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { TLS_CLIENT_CERT_PATH, TLS_CLIENT_KEY_PATH, TLS_CLIENT_ROOT_CERT_PATH } from '../../src/chaincode/container-runtime.js';
import { PEER_LABEL } from '../../src/container/docker/docker-vm-provider.js';
import { memoryTar } from '../../src/common/tar/memory-tar.js';
import { fixtureSource } from '../helpers/chaincode-fixture.js';
import { dockerClient, dockerTestEngine, removePeerArtifacts, requireEndpoint, testRuntimeImage } from '../helpers/docker-engine.js';
import { tempDir } from '../helpers/temp-dir.js';
import { makeTestTls, writeTlsCoreYaml, type TestTlsFiles } from '../helpers/test-tls.js';
import { runWeft, startPeerProcess, type WeftProcess } from '../helpers/weft-process.js';

const engine = dockerTestEngine();
const cc = (...args: string[]): string[] => ['chaincode', ...args];

describe('weft node start with vm.type docker and peer.tls.enabled', { skip: engine.skip }, () => {
  let endpoint: string;
  let tls: TestTlsFiles;
  let peer: WeftProcess;
  let client: NodeJS.ProcessEnv;
  let chaincodeAddress: string;
  // Its own peer ID, so that its container names and label are its own on a shared engine.
  const peerId = `clitls${process.pid}`;
  const container = `dev-${peerId}-kv-1.0`;

  before(async () => {
    endpoint = requireEndpoint(engine);
    const runtimeImage = await testRuntimeImage(endpoint);
    const root = await tempDir('weft-docker-tls-');
    // The peer's certificate names 127.0.0.1: with host networking, that is the address the container dials.
    tls = await makeTestTls(join(root, 'tls'));
    await writeTlsCoreYaml(join(root, 'config'), { cert: tls.serverCert, key: tls.serverKey, rootcert: tls.rootCert });
    let address: string;
    ({ peer, client, chaincodeAddress: address } = await startPeerProcess(['--join', 'ch', '--application-capability', 'V1_4_2'], {
      FABRIC_CFG_PATH: join(root, 'config'),
      CORE_PEER_ID: peerId,
      CORE_VM_TYPE: 'docker',
      CORE_VM_ENDPOINT: endpoint,
      CORE_CHAINCODE_NODE_RUNTIME: runtimeImage,
    }));
    assert.match(address, / \(TLS, chaincode client certificates required\)$/);
    chaincodeAddress = address.replace(/ \(TLS.*$/, '');
  });

  after(async () => {
    // before() may have failed before it was set.
    await (peer as WeftProcess | undefined)?.stop();
    if (engine.endpoint !== undefined) await removePeerArtifacts(engine.endpoint, 'dev', peerId);
  });

  test('the chaincode in its container connects over mutual TLS; install, instantiate, invoke, query work', async () => {
    assert.equal((await runWeft(cc('install', fixtureSource('kv-shim'), '-n', 'kv', '-v', '1.0', '-l', 'node'), client)).code, 0);
    const inst = await runWeft(cc('instantiate', '-C', 'ch', '-n', 'kv', '-v', '1.0', '-c', '{"Args":["init","a","100"]}'), client);
    assert.equal(inst.code, 0, `${inst.stderr}\n${peer.lines.slice(-30).join('\n')}`);
    await peer.waitFor(new RegExp(`\\[dockercontroller\\] Start -> INFO .* Started container ${container}`));
    const put = await runWeft(cc('invoke', '-C', 'ch', '-n', 'kv', '-c', '{"Args":["put","a","200"]}'), client);
    assert.equal(put.stdout, 'Chaincode invoke successful. result: status:200 payload:"ok"\n', put.stderr);
    const got = await runWeft(cc('query', '-C', 'ch', '-n', 'kv', '-c', '{"Args":["get","a"]}'), client);
    assert.equal(got.stdout, '200\n', got.stderr);

    // It got the files Fabric's chaincode containers get, where the launch environment names them.
    const info = await dockerClient(endpoint).getContainer(container).inspect();
    for (const env of [
      'CORE_PEER_TLS_ENABLED=true',
      `CORE_TLS_CLIENT_KEY_PATH=${TLS_CLIENT_KEY_PATH}`,
      `CORE_TLS_CLIENT_CERT_PATH=${TLS_CLIENT_CERT_PATH}`,
      `CORE_PEER_TLS_ROOTCERT_FILE=${TLS_CLIENT_ROOT_CERT_PATH}`,
    ]) {
      assert.ok(info.Config.Env.includes(env), `${env} in ${info.Config.Env.join(' ')}`);
    }
    assert.ok(!peer.lines.some((l) => l.includes('refused a chaincode connection')), 'no handshake was refused');
  });

  test('a container with a client certificate the peer did not issue is refused', async () => {
    const docker = dockerClient(endpoint);
    // The chaincode's own image, run by hand with the peer's server pair (from the TLS root, not the chaincode CA) as its client pair.
    const rogue = await docker.createContainer({
      name: `dev-${peerId}-rogue-1.0`,
      Image: `dev-${peerId}-kv-1.0`,
      Cmd: ['/bin/sh', '-c', `cd /usr/local/src; npm start -- --peer.address ${chaincodeAddress}`],
      Env: [
        'CORE_CHAINCODE_ID_NAME=rogue:1.0',
        'CORE_PEER_TLS_ENABLED=true',
        `CORE_TLS_CLIENT_KEY_PATH=${TLS_CLIENT_KEY_PATH}`,
        `CORE_TLS_CLIENT_CERT_PATH=${TLS_CLIENT_CERT_PATH}`,
        `CORE_PEER_TLS_ROOTCERT_FILE=${TLS_CLIENT_ROOT_CERT_PATH}`,
      ],
      // So that the clean-up after the tests removes it with the peer's own.
      Labels: { [PEER_LABEL]: `dev-${peerId}` },
      HostConfig: { NetworkMode: 'host' },
    });
    const files = new Map<string, Uint8Array>([
      [TLS_CLIENT_KEY_PATH, Buffer.from((await readFile(tls.serverKey)).toString('base64'))],
      [TLS_CLIENT_CERT_PATH, Buffer.from((await readFile(tls.serverCert)).toString('base64'))],
      [TLS_CLIENT_ROOT_CERT_PATH, await readFile(tls.rootCert)],
    ]);
    await rogue.putArchive(memoryTar(files, { mode: 0o644, end: true }), { path: '/' });
    await rogue.start();
    await rogue.wait();
    const output = (await rogue.logs({ stdout: true, stderr: true })).toString();
    assert.match(output, /Chat stream with peer - on error: .*14 UNAVAILABLE: No connection established/);
    await peer.waitFor(/refused a chaincode connection from 127\.0\.0\.1: TLS handshake failed: /);
    assert.ok(!peer.lines.some((l) => l.includes('rogue:1.0')), 'the peer never saw the chaincode register');
  });
});
