import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { PEER_LABEL } from '../../src/container/docker/docker-vm-provider.js';
import { fixtureSource } from '../helpers/chaincode-fixture.js';
import { dockerClient, dockerTestEngine, removePeerArtifacts, requireEndpoint, testRuntimeImage } from '../helpers/docker-engine.js';
import { runWeft, startPeerProcess, type WeftProcess } from '../helpers/weft-process.js';

const engine = dockerTestEngine();
const cc = (...args: string[]): string[] => ['chaincode', ...args];

/** GET /healthz on the peer's operations service, whose address the peer logs. */
async function healthz(peer: WeftProcess): Promise<{ status: number; body: { status: string; failed_checks?: Array<{ component: string; reason: string }> } }> {
  const address = (await peer.waitFor(/Operations server listening on/)).replace(/^.* listening on /, '');
  const res = await fetch(`http://${address}/healthz`);
  return { status: res.status, body: (await res.json()) as { status: string } };
}

describe('weft node start with vm.type docker', { skip: engine.skip }, () => {
  let endpoint: string;
  let peer: WeftProcess;
  let client: NodeJS.ProcessEnv;
  // Its own peer ID, so that its container names and label are its own on a shared engine.
  const peerId = `cli${process.pid}`;
  const container = `dev-${peerId}-kv-1.0`;

  before(async () => {
    endpoint = requireEndpoint(engine);
    const runtimeImage = await testRuntimeImage(endpoint);
    // A container of this peer left running by an earlier run that crashed.
    const leftover = await dockerClient(endpoint).createContainer({
      name: `dev-${peerId}-old-1.0`,
      Image: runtimeImage,
      Cmd: ['/usr/local/bin/node', '-e', 'setInterval(() => {}, 1000)'],
      Labels: { [PEER_LABEL]: `dev-${peerId}` },
      HostConfig: { NetworkMode: 'host', Init: true },
    });
    await leftover.start();
    ({ peer, client } = await startPeerProcess(['--join', 'ch', '--application-capability', 'V1_4_2'], {
      CORE_PEER_ID: peerId,
      CORE_VM_TYPE: 'docker',
      CORE_VM_ENDPOINT: endpoint,
      CORE_CHAINCODE_NODE_RUNTIME: runtimeImage,
      CORE_OPERATIONS_LISTENADDRESS: '127.0.0.1:0',
    }));
  });

  after(async () => {
    // before() may have failed before it was set.
    await (peer as WeftProcess | undefined)?.stop();
    if (engine.endpoint !== undefined) await removePeerArtifacts(engine.endpoint, 'dev', peerId);
  });

  test('a container this peer left behind is removed at start', async () => {
    await peer.waitFor(new RegExp(`removed container dev-${peerId}-old-1\\.0 \\(running\\) left by an earlier run of this peer`));
    await assert.rejects(dockerClient(endpoint).getContainer(`dev-${peerId}-old-1.0`).inspect(), /no such container/i);
  });

  test('install and instantiate build an image and run the chaincode in a container; invoke and query reach it', async () => {
    assert.equal((await runWeft(cc('install', fixtureSource('kv-shim'), '-n', 'kv', '-v', '1.0', '-l', 'node'), client)).code, 0);
    const inst = await runWeft(cc('instantiate', '-C', 'ch', '-n', 'kv', '-v', '1.0', '-c', '{"Args":["init","a","100"]}'), client);
    assert.equal(inst.code, 0, `${inst.stderr}\n${peer.lines.slice(-30).join('\n')}`);
    await peer.waitFor(new RegExp(`\\[dockercontroller\\] deployImage -> INFO .* Created image: ${container}`));
    await peer.waitFor(new RegExp(`\\[dockercontroller\\] Start -> INFO .* Started container ${container}`));
    assert.ok(peer.lines.some((l) => l.includes(`[peer.chaincode.${container}]`) && l.includes('> kv-shim@1.0.0 start')), 'the output is in the peer log');
    const info = await dockerClient(endpoint).getContainer(container).inspect();
    assert.equal(info.State.Running, true);

    const put = await runWeft(cc('invoke', '-C', 'ch', '-n', 'kv', '-c', '{"Args":["put","a","200"]}'), client);
    assert.equal(put.stdout, 'Chaincode invoke successful. result: status:200 payload:"ok"\n', put.stderr);
    const got = await runWeft(cc('query', '-C', 'ch', '-n', 'kv', '-c', '{"Args":["get","a"]}'), client);
    assert.equal(got.stdout, '200\n', got.stderr);
  });

  test('GET /healthz answers OK while the engine answers', async () => {
    const { status, body } = await healthz(peer);
    assert.equal(status, 200);
    assert.equal(body.status, 'OK');
  });

  test('a container killed with docker kill is reported, and the next call launches it again', async () => {
    await dockerClient(endpoint).getContainer(container).kill();
    await peer.waitFor(new RegExp(`container ${container} exited with 137`));
    const got = await runWeft(cc('query', '-C', 'ch', '-n', 'kv', '-c', '{"Args":["get","a"]}'), client);
    assert.equal(got.stdout, '200\n', got.stderr);
    assert.equal(peer.lines.filter((l) => l.includes(`Started container ${container}`)).length, 2);
    assert.equal(peer.lines.filter((l) => l.includes('Created image:')).length, 1, 'the image is reused');
  });

  test('stopping the peer stops and removes its containers', async () => {
    assert.equal(await peer.stop(), 0);
    assert.ok(peer.lines.some((l) => l.includes(`Stopped container ${container}`)));
    await assert.rejects(dockerClient(endpoint).getContainer(container).inspect(), /no such container/i);
  });
});

// Needs no engine: what a user sees when there is none.
describe('weft node start with vm.type docker and no engine at vm.endpoint', () => {
  let peer: WeftProcess;
  let client: NodeJS.ProcessEnv;
  const endpoint = `unix:///tmp/weft-no-engine-${process.pid}.sock`;

  before(async () => {
    ({ peer, client } = await startPeerProcess(['--join', 'ch', '--application-capability', 'V1_4_2'], {
      CORE_PEER_ID: `noengine${process.pid}`,
      CORE_VM_TYPE: 'docker',
      CORE_VM_ENDPOINT: endpoint,
      CORE_OPERATIONS_LISTENADDRESS: '127.0.0.1:0',
    }));
  });

  after(async () => {
    // before() may have failed before it was set.
    await (peer as WeftProcess | undefined)?.stop();
  });

  test('the peer starts, and says it cannot look for leftovers', async () => {
    await peer.waitFor(/could not look for containers left by an earlier run: the Docker engine at unix:\/\/\/tmp\/weft-no-engine-\d+\.sock \(vm\.endpoint\) does not answer/);
  });

  test('GET /healthz answers 503 naming the docker check and why it failed', async () => {
    const { status, body } = await healthz(peer);
    assert.equal(status, 503);
    assert.equal(body.status, 'Service Unavailable');
    assert.equal(body.failed_checks?.length, 1);
    assert.equal(body.failed_checks[0]?.component, 'docker');
    assert.match(body.failed_checks[0].reason, /^the Docker engine at unix:\/\/\/tmp\/weft-no-engine-\d+\.sock \(vm\.endpoint\) does not answer: connect ENOENT/);
  });

  test('instantiating a chaincode fails at once naming the endpoint; the peer stays up', async () => {
    assert.equal((await runWeft(cc('install', fixtureSource('kv-shim'), '-n', 'kv', '-v', '1.0', '-l', 'node'), client)).code, 0);
    const started = Date.now();
    const inst = await runWeft(cc('instantiate', '-C', 'ch', '-n', 'kv', '-v', '1.0', '-c', '{"Args":[]}'), client);
    assert.equal(inst.code, 1);
    assert.match(inst.stderr, /could not launch chaincode kv:1.0: error starting container: the Docker engine at unix:\/\/\/tmp\/weft-no-engine-\d+\.sock \(vm\.endpoint\) does not answer/);
    assert.ok(Date.now() - started < 10_000, 'no wait for the startup timeout');
    const info = await runWeft(['channel', 'getinfo', '-c', 'ch'], client);
    assert.equal(info.code, 0, info.stderr);
    assert.match(info.stdout, /^Blockchain info: \{"height":1,/);
  });
});
