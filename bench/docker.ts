// Docker VM benchmark: building a fabric-shim chaincode's image (its dependencies already
// installed on the peer's side), a container's start to READY, and transactions through the
// chaincode in a container next to the same chaincode run as a process, in the same run.
// Needs a Docker engine: WEFT_BENCH_DOCKER_ENDPOINT (or WEFT_TEST_DOCKER_ENDPOINT); without
// one the benchmark says so and reports nothing.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Benchmark, Report } from './harness.js';
import { median, runInFlight } from './harness.js';
import type { ChaincodeContainerInfo } from '../src/chaincode/chaincode-context.js';
import { startChaincodeServer } from '../src/comm/chaincode-server.js';
import { Logging } from '../src/common/logging/logging.js';
import { ChaincodeInput } from '../src/common/protos/peer.js';
import { DOCKER_CONTAINER_TYPE } from '../src/container/docker/docker-container-type.js';
import { DockerEngine } from '../src/container/docker/docker-engine.js';
import { DockerImageBuilder } from '../src/container/docker/docker-image-builder.js';
import { dockerImageName } from '../src/container/docker/docker-names.js';
import { DockerVMProvider } from '../src/container/docker/docker-vm-provider.js';
import { inheritedEnv } from '../src/container/process/child-env.js';
import { builtHash, PackageBuilder } from '../src/container/process/package-builder.js';
import { PROCESS_CONTAINER_TYPE, ProcessVMProvider } from '../src/container/process/process-vm-provider.js';
import type { VMProvider } from '../src/container/vm.js';
import { createGenesisBlock, KvLedgerProvider, type PeerLedger } from '../src/ledger/index.js';
import { createChaincodeStack } from '../src/peer/chaincode-stack.js';
import { removePeerArtifacts, testRuntimeImage } from '../test/helpers/docker-engine.js';

const FIXTURES = fileURLToPath(new URL('../../test/fixtures/chaincode/', import.meta.url));
/** The process benchmark's builds: only the first run of either pays for `npm ci`. */
const BUILD_ROOT = join(tmpdir(), 'weft-bench-chaincode-build');
const CC = { name: 'counter', version: '1.0' };
const BUILDS = 3;
const LAUNCHES = 5;

type Stack = ReturnType<typeof createChaincodeStack>;

async function run(report: Report): Promise<void> {
  const endpoint = process.env.WEFT_BENCH_DOCKER_ENDPOINT || process.env.WEFT_TEST_DOCKER_ENDPOINT;
  if (endpoint === undefined || endpoint === '') {
    process.stderr.write('docker: no engine; set WEFT_BENCH_DOCKER_ENDPOINT=unix:///var/run/docker.sock to run this benchmark\n');
    return;
  }
  const runtimeImage = await testRuntimeImage(endpoint);
  const logging = new Logging({ spec: 'warning', sink: () => undefined });
  const peer = { networkId: 'bench', peerId: `b${process.pid}` };
  const docker = new DockerVMProvider({
    endpoint,
    peer,
    packages: { sourceDir: (ccid) => join(FIXTURES, ccid.name) },
    buildRoot: BUILD_ROOT,
    runtimeImage,
    hostConfig: { NetworkMode: 'host', Init: true },
    // As a production peer would run: output stays in Docker's log.
    attachStdout: false,
    forceRebuild: false,
    logger: logging.logger('dockercontroller'),
    logging,
  });
  const runRoot = await mkdtemp(join(tmpdir(), 'weft-bench-cc-run-'));
  const processes = new ProcessVMProvider({
    packages: { sourceDir: (ccid) => join(FIXTURES, ccid.name) },
    buildRoot: BUILD_ROOT,
    runRoot,
    logger: logging.logger('processvm'),
    logging,
  });
  const ledgerRoot = await mkdtemp(join(tmpdir(), 'weft-bench-ledger-'));
  const ledgers = await KvLedgerProvider.start({ rootPath: ledgerRoot, sync: false });
  try {
    await imageBuilds(report, endpoint, runtimeImage, peer);
    const ledger = await ledgers.create(createGenesisBlock('benchchannel'));
    await withStack(logging, DOCKER_CONTAINER_TYPE, docker, async (stack, ccci) => {
      await stack.chaincodeSupport.launch(ccci);
      await stopAndWait(stack, ccci);
      const times: number[] = [];
      for (let i = 0; i < LAUNCHES; i++) {
        const t0 = performance.now();
        await stack.chaincodeSupport.launch(ccci);
        times.push(performance.now() - t0);
        await stopAndWait(stack, ccci);
      }
      report('docker_launch_ms', median(times), 'ms');
      report('docker_tx_per_s_32', await throughput(stack, ccci, ledger), 'tx/s');
      await stopAndWait(stack, ccci);
    });
    await withStack(logging, PROCESS_CONTAINER_TYPE, processes, async (stack, ccci) => {
      report('process_tx_per_s_32', await throughput(stack, ccci, ledger), 'tx/s');
      await stopAndWait(stack, ccci);
    });
  } finally {
    await ledgers.close();
    await rm(ledgerRoot, { recursive: true, force: true });
    await rm(runRoot, { recursive: true, force: true });
    await removePeerArtifacts(endpoint, peer.networkId, peer.peerId);
  }
}

/** The image build alone, timed: the package is built (and its dependencies installed) before. */
async function imageBuilds(report: Report, endpoint: string, runtimeImage: string, peer: { networkId: string; peerId: string }): Promise<void> {
  const logging = new Logging({ spec: 'warning', sink: () => undefined });
  const packages = new PackageBuilder({ buildRoot: BUILD_ROOT, env: inheritedEnv(process.env), npm: 'npm', logger: logging.logger('build') });
  const buildDir = await packages.build(CC, join(FIXTURES, CC.name));
  const hash = (await builtHash(buildDir)) ?? '';
  const images = new DockerImageBuilder({ engine: new DockerEngine(endpoint), runtimeImage, logger: logging.logger('dockercontroller') });
  const image = dockerImageName(peer, CC);
  const times: number[] = [];
  for (let i = 0; i < BUILDS; i++) {
    const t0 = performance.now();
    await images.ensure({ ccid: CC, image, buildDir, hash, force: true });
    times.push(performance.now() - t0);
  }
  report('docker_build_ms', median(times), 'ms');
}

/** A chaincode stack whose user chaincode runs on `provider`, with the gRPC listener chaincodes dial. */
async function withStack(
  logging: Logging,
  containerType: string,
  provider: VMProvider,
  body: (stack: Stack, ccci: ChaincodeContainerInfo) => Promise<void>,
): Promise<void> {
  let address = '';
  const stack = createChaincodeStack({
    chaincode: { startupTimeoutMs: 300_000, executeTimeoutMs: 30_000, mode: 'net', logging: { level: 'info', shim: 'warning', format: '%{message}' } },
    peerAddress: () => address,
    logging,
    vmProviders: new Map([[containerType, provider]]),
  });
  const server = await startChaincodeServer({ address: '127.0.0.1:0', register: (s) => stack.chaincodeSupport.register(s), logger: logging.logger('grpc') });
  address = server.address;
  try {
    await body(stack, { ...CC, path: CC.name, type: 'NODE', containerType });
  } finally {
    await server.stop();
  }
}

/** One-get-one-put transactions at 32 in flight, after a warm-up: the median of three runs, per second. */
async function throughput(stack: Stack, ccci: ChaincodeContainerInfo, ledger: PeerLedger): Promise<number> {
  await stack.chaincodeSupport.launch(ccci);
  const inputs = Array.from({ length: 100 }, (_, i) => {
    const input = new ChaincodeInput();
    input.setArgsList([Buffer.from('getput'), Buffer.from(`key${i}`)]);
    return input;
  });
  let n = 0;
  const one = async (): Promise<void> => {
    const txId = `bench-${ccci.containerType}-${n++}`;
    const sim = await ledger.newTxSimulator(txId);
    try {
      await stack.chaincodeSupport.execute({ txId, channelId: 'benchchannel', txSimulator: sim }, CC, inputs[n % 100] as ChaincodeInput, ccci);
    } finally {
      sim.done();
    }
  };
  const runAt = async (inFlight: number, total: number): Promise<number> => (await runInFlight(one, inFlight, total)).perSecond;
  await runAt(32, 2000);
  const rates: number[] = [];
  for (let i = 0; i < 3; i++) rates.push(await runAt(32, 4000));
  return median(rates);
}

async function stopAndWait(stack: Stack, ccci: ChaincodeContainerInfo): Promise<void> {
  await stack.chaincodeSupport.stop(ccci);
  // The handler goes once the stream has ended; until then a launch would reuse it.
  while (stack.handlerRegistry.handler('counter:1.0') !== undefined) await new Promise((resolve) => setTimeout(resolve, 5));
}

export const dockerBenchmark: Benchmark = { name: 'docker', run };
