import assert from 'node:assert/strict';
import { cp, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { before, describe, test } from 'node:test';
import { Parser, type ReadEntry } from 'tar';
import { ChaincodeError } from '../../../src/chaincode/chaincode-error.js';
import { DOCKER_CONTAINER_TYPE } from '../../../src/container/docker/docker-container-type.js';
import { dockerContainerName, dockerImageName } from '../../../src/container/docker/docker-names.js';
import { CHAINCODE_LABEL, DockerVMProvider, PEER_LABEL } from '../../../src/container/docker/docker-vm-provider.js';
import { ChaincodeDeploymentSpec, ChaincodeID, ChaincodeSpec } from '../../../src/common/protos/peer.js';
import { captureLogging } from '../../helpers/capture-logging.js';
import { dockerClient, dockerTestEngine, requireEndpoint, testRuntimeImage } from '../../helpers/docker-engine.js';
import { input } from '../../helpers/stack.js';
import { tempDir } from '../../helpers/temp-dir.js';
import { commitWrites, testLedger } from '../../helpers/test-ledger.js';
import { FIXTURES } from '../process/process-stack.js';
import { dockerStack, type DockerStack } from './docker-stack.js';
import { logLine, launchFailure } from '../vm-assertions.js';

const CC = { name: 'counter', version: '1.0' };
const engine = dockerTestEngine();
const text = (bytes: Uint8Array): string => Buffer.from(bytes).toString();

function deploymentSpec(...args: string[]): InstanceType<typeof ChaincodeDeploymentSpec> {
  const id = new ChaincodeID();
  id.setName(CC.name);
  const spec = new ChaincodeSpec();
  spec.setType(2);
  spec.setChaincodeId(id);
  spec.setInput(input(...args));
  const cds = new ChaincodeDeploymentSpec();
  cds.setChaincodeSpec(spec);
  return cds;
}

// One stack and one chaincode container for the first suite, as a peer would keep them: each
// test goes on from where the one before left off.
describe('DockerVMProvider with a fabric-shim chaincode', { skip: engine.skip }, () => {
  let endpoint: string;
  let stack: DockerStack;
  const ccci = { name: CC.name, version: CC.version, path: CC.name, type: 'NODE', containerType: DOCKER_CONTAINER_TYPE };

  before(async () => {
    endpoint = requireEndpoint(engine);
    stack = await dockerStack({ endpoint, runtimeImage: await testRuntimeImage(endpoint), spec: 'info:dockercontroller=debug' });
  });

  test('launch builds the image, starts the container, and the chaincode registers over gRPC', async () => {
    const handler = await stack.chaincodeSupport.launch(ccci);
    assert.equal(handler.state, 'ready');
    const name = dockerContainerName({ networkId: 'dev', peerId: stack.peerId }, CC);
    assert.equal(name, `dev-${stack.peerId}-counter-1.0`);
    const image = dockerImageName({ networkId: 'dev', peerId: stack.peerId }, CC);
    assert.equal(image, name, 'a lowercase name with no refused characters needs no hash');
    assert.ok(stack.lines.some((l) => l.includes(`building image ${image} for chaincode counter-1.0 from weft-test-node:`)));
    assert.ok(stack.lines.some((l) => l.includes(`Created image: ${image}`)));
    assert.ok(stack.lines.some((l) => l.includes(`Started container ${name}`)));
    const info = await dockerClient(endpoint).getContainer(name).inspect();
    assert.equal(info.State.Running, true);
    assert.equal(info.HostConfig.NetworkMode, 'host');
    assert.deepEqual([info.Config.Labels[PEER_LABEL], info.Config.Labels[CHAINCODE_LABEL]], [`dev-${stack.peerId}`, 'counter:1.0']);
    assert.ok(info.Config.Env.includes('CORE_CHAINCODE_ID_NAME=counter:1.0'));
    assert.deepEqual(info.Config.Cmd.slice(0, 2), ['/bin/sh', '-c']);
  });

  test('Init and Invoke read and write through the transaction simulator; output reaches the peer log', async () => {
    const { ledger } = await testLedger();
    const initSim = await ledger.newTxSimulator('tx-init');
    const init = await stack.chaincodeSupport.executeLegacyInit(
      { txId: 'tx-init', channelId: ledger.channelId, txSimulator: initSim },
      CC,
      deploymentSpec('init', '5'),
      DOCKER_CONTAINER_TYPE,
    );
    assert.equal(init.getStatus(), 200);
    initSim.done();
    await commitWrites(ledger, CC.name, { counter: '5' });
    const sim = await ledger.newTxSimulator('tx-inc');
    const inc = await stack.chaincodeSupport.execute({ txId: 'tx-inc', channelId: ledger.channelId, txSimulator: sim }, CC, input('increment'), ccci);
    assert.equal(text(inc.response.getPayload_asU8()), '6');
    sim.done();
    const line = await logLine(stack.lines, /counter is now 6/);
    assert.match(line, new RegExp(`\\[peer\\.chaincode\\.dev-${stack.peerId}-counter-1\\.0\\]`));
  });

  test('a container killed with docker kill mid-transaction fails it with its exit code; the next call launches it again', async () => {
    const { ledger } = await testLedger();
    const name = `dev-${stack.peerId}-counter-1.0`;
    const sim = await ledger.newTxSimulator('tx-hang');
    const hanging = stack.chaincodeSupport.execute({ txId: 'tx-hang', channelId: ledger.channelId, txSimulator: sim }, CC, input('hang'), ccci);
    // Observed from now on: it may fail before the kill request has even returned.
    hanging.catch(() => undefined);
    await logLine(stack.lines, /hanging, pid \d+/);
    await dockerClient(endpoint).getContainer(name).kill();
    await assert.rejects(hanging, (err: unknown) => {
      assert.ok(err instanceof ChaincodeError);
      assert.match(err.message, /^failed to execute transaction tx-hang: chaincode counter:1.0 ended its stream before completing the transaction/);
      assert.match(err.message, /container exited with 137 \(128 \+ SIGKILL: the chaincode was killed by SIGKILL\)/);
      return true;
    });
    sim.done();
    await logLine(stack.lines, new RegExp(`container ${name} exited with 137`));

    const again = await stack.chaincodeSupport.execute({ txId: 'tx-again', channelId: ledger.channelId }, CC, input('nonsense'), ccci);
    assert.equal(again.response.getStatus(), 500, 'the relaunched chaincode answers');
    assert.ok(stack.lines.some((l) => l.includes(`reusing image ${name}`)), 'the relaunch reuses the image');
    assert.equal(stack.lines.filter((l) => l.includes('Created image:')).length, 1);
    assert.equal((await dockerClient(endpoint).getContainer(name).inspect()).State.Running, true);
  });

  test('stop stops and removes the container', async () => {
    const name = `dev-${stack.peerId}-counter-1.0`;
    await stack.chaincodeSupport.stop(ccci);
    await assert.rejects(dockerClient(endpoint).getContainer(name).inspect(), /no such container/i);
    assert.ok(stack.lines.some((l) => l.includes(`Stopped container ${name}`)));
  });
});

describe('DockerVMProvider images and failures', { skip: engine.skip }, () => {
  let endpoint: string;
  let runtimeImage: string;

  before(async () => {
    endpoint = requireEndpoint(engine);
    runtimeImage = await testRuntimeImage(endpoint);
  });

  /** A file's content, read from a container through the engine's archive API. */
  const fileInContainer = async (container: string, path: string): Promise<string> => {
    const archive = await dockerClient(endpoint).getContainer(container).getArchive({ path });
    let content = '';
    const parser = new Parser();
    parser.on('entry', (entry: ReadEntry) => entry.on('data', (chunk: Buffer) => (content += chunk.toString())));
    const ended = new Promise((resolve) => parser.on('end', resolve));
    for await (const chunk of archive) parser.write(chunk as Buffer);
    parser.end();
    await ended;
    return content;
  };

  test('a changed package rebuilds the image; forceRebuild rebuilds an unchanged one once', async () => {
    const source = join(await tempDir('weft-cc-src-'), 'never-registers');
    await cp(join(FIXTURES, 'never-registers'), source, { recursive: true });
    const buildRoot = await tempDir('weft-cc-build-');
    const idle = { name: 'never-registers', version: '1.0' };
    const args = ['/bin/sh', '-c', 'cd /usr/local/src; npm start -- --peer.address 127.0.0.1:1'];
    // Driven through the VM interface: a chaincode that never registers, started and stopped.
    const files = new Map([['/etc/hyperledger/fabric/client.key', Buffer.from('the key\n')]]);
    let uploaded: string | undefined;
    const cycle = async (stack: DockerStack): Promise<void> => {
      const vm = stack.provider.newVM();
      await vm.start(idle, args, ['CORE_CHAINCODE_ID_NAME=never-registers:1.0'], files);
      await logLine(stack.lines, /sleeping instead of registering/);
      uploaded ??= await fileInContainer(`dev-${stack.peerId}-never-registers-1.0`, '/etc/hyperledger/fabric/client.key');
      await vm.stop(idle, 1000, false, false);
      stack.lines.splice(0, stack.lines.length, ...stack.lines.filter((l) => !/sleeping instead/.test(l)));
    };
    const stack = await dockerStack({ endpoint, runtimeImage, buildRoot, packages: () => source, spec: 'info:dockercontroller=debug' });
    const built = (s: DockerStack): number => s.lines.filter((l) => l.includes('Created image:')).length;
    await cycle(stack);
    assert.equal(uploaded, 'the key\n', 'the launch config files are in the container at the paths it names');
    await cycle(stack);
    assert.equal(built(stack), 1, 'an unchanged package reuses its image');
    assert.ok(stack.lines.some((l) => l.includes(`reusing image dev-${stack.peerId}-never-registers-1.0`)));
    await writeFile(join(source, 'index.js'), "console.log('changed'); setInterval(() => {}, 1000); console.log('sleeping instead of registering');\n");
    await cycle(stack);
    assert.equal(built(stack), 2, 'a changed package is built into a new image');
    assert.ok(stack.lines.some((l) => /\[peer\.chaincode\.dev-t\d+x\d+-never-registers-1\.0\].*changed/.test(l)), stack.lines.join('\n'));

    const forced = await dockerStack({ endpoint, runtimeImage, buildRoot, packages: () => source, forceRebuild: true });
    await cycle(forced);
    await cycle(forced);
    assert.equal(built(forced), 1, 'forceRebuild builds on the first launch only');
    assert.ok(forced.lines.some((l) => /building chaincode never-registers-1.0/.test(l)), 'and installs the package afresh');
  });

  test('an image that cannot be built names the failing step', async () => {
    // Nothing listens on port 1: pulling the base image fails at once.
    const stack = await dockerStack({ endpoint, runtimeImage: '127.0.0.1:1/no-such-runtime:1.0' });
    await assert.rejects(
      stack.chaincodeSupport.launch(stack.ccci('never-registers')),
      launchFailure(/^could not launch chaincode never-registers:1.0: error starting container: build image dev-t\d+x\d+-never-registers-1.0 for chaincode never-registers-1.0 failed at step "pull 127.0.0.1:1\/no-such-runtime:1.0": .*127.0.0.1:1/),
    );
  });

  test('a package whose dependencies cannot be installed names the install step', async () => {
    const stack = await dockerStack({ endpoint, runtimeImage, buildRoot: await tempDir('weft-cc-build-') });
    await assert.rejects(stack.chaincodeSupport.launch(stack.ccci('broken-deps')), (err: unknown) => {
      launchFailure(/npm install for chaincode broken-deps-1.0 failed with exit code 3:/)(err);
      assert.match((err as Error).message, /this package cannot be installed here/);
      return true;
    });
  });

  test('with no engine at the endpoint, a launch fails at once naming it, and the health check says why', async () => {
    const stack = await dockerStack({ endpoint: 'unix:///tmp/weft-no-docker-here.sock', runtimeImage });
    const started = Date.now();
    await assert.rejects(
      stack.chaincodeSupport.launch(stack.ccci('counter')),
      launchFailure(/^could not launch chaincode counter:1.0: error starting container: the Docker engine at unix:\/\/\/tmp\/weft-no-docker-here.sock \(vm.endpoint\) does not answer: connect ENOENT/),
    );
    assert.ok(Date.now() - started < 3000, 'it does not wait for the startup timeout');
    await assert.rejects(stack.provider.healthCheck(), /the Docker engine at unix:\/\/\/tmp\/weft-no-docker-here.sock \(vm.endpoint\) does not answer/);
  });

  test("removeLeftovers removes this peer's containers and leaves other peers' alone", async () => {
    const docker = dockerClient(endpoint);
    const make = async (name: string, peer: string): Promise<void> => {
      const c = await docker.createContainer({
        name,
        Image: runtimeImage,
        Cmd: ['/usr/local/bin/node', '-e', 'setInterval(() => {}, 1000)'],
        Labels: { [PEER_LABEL]: peer },
        HostConfig: { NetworkMode: 'host', Init: true },
      });
      await c.start();
    };
    const mine = `weft-left-${process.pid}`;
    const theirs = `weft-other-${process.pid}`;
    await make(mine, `dev-left${process.pid}`);
    await make(theirs, `dev-other${process.pid}`);
    try {
      const { logging, lines } = captureLogging();
      const provider = new DockerVMProvider({
        endpoint,
        peer: { networkId: 'dev', peerId: `left${process.pid}` },
        packages: { sourceDir: () => undefined },
        buildRoot: await tempDir(),
        runtimeImage,
        hostConfig: { NetworkMode: 'host' },
        attachStdout: false,
        forceRebuild: false,
        logger: logging.logger('dockercontroller'),
        logging,
      });
      await provider.removeLeftovers();
      assert.ok(lines.some((l) => l.includes(`removed container ${mine} (running) left by an earlier run of this peer`)), lines.join('\n'));
      await assert.rejects(docker.getContainer(mine).inspect(), /no such container/i);
      assert.equal((await docker.getContainer(theirs).inspect()).State.Running, true);
      await provider.healthCheck();
    } finally {
      await docker.getContainer(mine).remove({ force: true }).catch(() => undefined);
      await docker.getContainer(theirs).remove({ force: true }).catch(() => undefined);
    }
  });
});
