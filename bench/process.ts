// Process VM benchmark: how long a Node.js chaincode takes from start to READY when run as a
// child process (`npm start` of a fabric-shim chaincode), its dependencies already built.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Benchmark, Report } from './harness.js';
import { median } from './harness.js';
import type { ChaincodeContainerInfo } from '../src/chaincode/chaincode-context.js';
import { startChaincodeServer } from '../src/comm/chaincode-server.js';
import { Logging } from '../src/common/logging/logging.js';
import { PROCESS_CONTAINER_TYPE, ProcessVMProvider } from '../src/container/process/process-vm-provider.js';
import { createChaincodeStack } from '../src/peer/chaincode-stack.js';

const FIXTURES = fileURLToPath(new URL('../../test/fixtures/chaincode/', import.meta.url));
/** Kept between runs, so that only the first run pays for `npm ci`. */
const BUILD_ROOT = join(tmpdir(), 'weft-bench-chaincode-build');
const LAUNCHES = 5;

async function run(report: Report): Promise<void> {
  const logging = new Logging({ spec: 'warning', sink: () => undefined });
  const runRoot = await mkdtemp(join(tmpdir(), 'weft-bench-cc-run-'));
  const provider = new ProcessVMProvider({
    packages: { sourceDir: (ccid) => join(FIXTURES, ccid.name) },
    buildRoot: BUILD_ROOT,
    runRoot,
    logger: logging.logger('processvm'),
    logging,
  });
  let address = '';
  const stack = createChaincodeStack({
    chaincode: { startupTimeoutMs: 300_000, executeTimeoutMs: 30_000, mode: 'net', logging: { level: 'info', shim: 'warning', format: '%{message}' } },
    peerAddress: () => address,
    logging,
    vmProviders: new Map([[PROCESS_CONTAINER_TYPE, provider]]),
  });
  const server = await startChaincodeServer({ address: '127.0.0.1:0', register: (s) => stack.chaincodeSupport.register(s), logger: logging.logger('grpc') });
  address = server.address;
  const ccci: ChaincodeContainerInfo = { name: 'counter', version: '1.0', path: 'counter', type: 'NODE', containerType: PROCESS_CONTAINER_TYPE };
  try {
    // The first launch builds (or checks) the package; it is not timed.
    await launchAndStop(stack, ccci);
    const times: number[] = [];
    for (let i = 0; i < LAUNCHES; i++) times.push(await launchAndStop(stack, ccci));
    report('process_launch_ms', median(times), 'ms');
  } finally {
    await server.stop();
    await rm(runRoot, { recursive: true, force: true });
  }
}

/** Launches the chaincode, returns the milliseconds to READY, and stops it again. */
async function launchAndStop(stack: ReturnType<typeof createChaincodeStack>, ccci: ChaincodeContainerInfo): Promise<number> {
  const start = performance.now();
  await stack.chaincodeSupport.launch(ccci);
  const elapsed = performance.now() - start;
  await stack.chaincodeSupport.stop(ccci);
  // The handler goes once the stream has ended; until then a launch would reuse it.
  while (stack.handlerRegistry.handler('counter:1.0') !== undefined) await new Promise((resolve) => setTimeout(resolve, 5));
  return elapsed;
}

export const processBenchmark: Benchmark = { name: 'process', run };
