// Process VM benchmark: how long a Node.js chaincode takes from start to READY when run as a
// child process (a fabric-shim chaincode whose start script is `node index.js`, which the peer runs
// with node itself, without npm), its dependencies already built; then transactions through it
// over gRPC.
import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, readlink, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { Benchmark, Report } from './harness.js';
import { costPercent, measureInTurns, observabilityVariants, type Observability } from './observability.js';
import { median, percentile, runInFlight } from './harness.js';
import { ChaincodeInput } from '../src/common/protos/peer.js';
import { createGenesisBlock, KvLedgerProvider } from '../src/ledger/index.js';
import type { ChaincodeContainerInfo } from '../src/chaincode/chaincode-context.js';
import { startChaincodeServer } from '../src/comm/chaincode-server.js';
import { Logging } from '../src/common/logging/logging.js';
import { PROCESS_CONTAINER_TYPE, ProcessVMProvider } from '../src/container/process/process-vm-provider.js';
import { createChaincodeStack } from '../src/peer/chaincode-stack.js';

const FIXTURES = fileURLToPath(new URL('../../test/fixtures/chaincode/', import.meta.url));
/** Kept between runs, so that only the first run pays for `npm ci`. */
const BUILD_ROOT = join(tmpdir(), 'weft-bench-chaincode-build');
const LAUNCHES = 5;
const execFileAsync = promisify(execFile);

/** A chaincode stack with its own chaincode listener and process VM, recording what `observed` asks for. */
async function processRig(runRoot: string, observed: Observability) {
  const logging = new Logging({ spec: 'warning', sink: () => undefined });
  const provider = new ProcessVMProvider({
    packages: { sourceDir: (ccid) => join(FIXTURES, ccid.name) },
    buildRoot: BUILD_ROOT,
    runRoot: join(runRoot, observed.suffix || 'off'),
    logger: logging.logger('processvm'),
    logging,
  });
  let address = '';
  const stack = createChaincodeStack({
    chaincode: { startupTimeoutMs: 300_000, executeTimeoutMs: 30_000, mode: 'net', logging: { level: 'info', shim: 'warning', format: '%{message}' } },
    peerAddress: () => address,
    logging,
    vmProviders: new Map([[PROCESS_CONTAINER_TYPE, provider]]),
    metrics: observed.metrics,
    trace: observed.trace,
  });
  const server = await startChaincodeServer({ address: '127.0.0.1:0', register: (s) => stack.chaincodeSupport.register(s), logger: logging.logger('grpc') });
  address = server.address;
  return { observed, stack, provider, server };
}

type Rig = Awaited<ReturnType<typeof processRig>>;

const CCCI: ChaincodeContainerInfo = { name: 'counter', version: '1.0', path: 'counter', type: 'NODE', containerType: PROCESS_CONTAINER_TYPE };

async function run(report: Report): Promise<void> {
  const runRoot = await mkdtemp(join(tmpdir(), 'weft-bench-cc-run-'));
  const rigs: Rig[] = [];
  try {
    for (const observed of observabilityVariants()) rigs.push(await processRig(runRoot, observed));
    const plain = rigs[0] as Rig;
    // The first launch builds (or checks) the package; it is not timed.
    await launchAndStop(plain.stack, CCCI);
    const times: number[] = [];
    for (let i = 0; i < LAUNCHES; i++) times.push(await launchAndStop(plain.stack, CCCI));
    report('process_launch_ms', median(times), 'ms');
    await transactions(report, rigs);
  } finally {
    for (const rig of rigs) await rig.server.stop();
    await rm(runRoot, { recursive: true, force: true });
  }
}

/**
 * One-get-one-put transactions through the fabric-shim chaincode over gRPC, each on a simulator
 * of a real ledger: throughput at 1 and 32 in flight, latency percentiles at 32, the peer's own
 * CPU time per transaction (the chaincode's process is not counted), and the memory the running
 * chaincode takes. The same at 32 in flight with metrics on, and with metrics and the
 * conversation trace on, each stack running its own chaincode process, the three in turns.
 */
async function transactions(report: Report, rigs: Rig[]): Promise<void> {
  const root = await mkdtemp(join(tmpdir(), 'weft-bench-ledger-'));
  const ledgers = await KvLedgerProvider.start({ rootPath: root, sync: false });
  try {
    const ledger = await ledgers.create(createGenesisBlock('benchchannel'));
    const plain = rigs[0] as Rig;
    for (const rig of rigs) await rig.stack.chaincodeSupport.launch(CCCI);
    await chaincodeMemory(report, plain.provider, CCCI);
    const inputs = Array.from({ length: 100 }, (_, i) => {
      const input = new ChaincodeInput();
      input.setArgsList([Buffer.from('getput'), Buffer.from(`key${i}`)]);
      return input;
    });
    let n = 0;
    const oneOn = (rig: Rig) => async (): Promise<number> => {
      const txId = `bench-${n++}`;
      const sim = await ledger.newTxSimulator(txId);
      const t0 = performance.now();
      try {
        await rig.stack.chaincodeSupport.execute({ txId, channelId: 'benchchannel', txSimulator: sim }, { name: 'counter', version: '1.0' }, inputs[n % 100] as ChaincodeInput, CCCI);
      } finally {
        sim.done();
      }
      return performance.now() - t0;
    };
    const run = async (rig: Rig, inFlight: number, total: number): Promise<{ perSecond: number; latencies: number[]; cpuMs: number }> => {
      const cpu0 = process.cpuUsage();
      const { perSecond, results } = await runInFlight(oneOn(rig), inFlight, total);
      const cpu = process.cpuUsage(cpu0);
      return { perSecond, latencies: results, cpuMs: (cpu.user + cpu.system) / 1000 };
    };
    for (const rig of rigs) await run(rig, 32, 2000); // warm-up
    const serial: number[] = [];
    for (let i = 0; i < 3; i++) serial.push((await run(plain, 1, 1000)).perSecond);
    const latencies: number[] = [];
    const cpuPerTx: number[] = [];
    const parallel = await measureInTurns(rigs, 9, async (rig) => {
      const r = await run(rig, 32, 4000);
      if (rig === plain) {
        latencies.push(...r.latencies);
        cpuPerTx.push(r.cpuMs / 4000);
      }
      return r.perSecond;
    });
    report('grpc_tx_per_s_1', median(serial), 'tx/s');
    report('grpc_tx_per_s_32', median(parallel[0] ?? []), 'tx/s');
    report('grpc_tx_p50_ms', percentile(latencies, 50), 'ms');
    report('grpc_tx_p99_ms', percentile(latencies, 99), 'ms');
    report('peer_cpu_per_tx_ms', median(cpuPerTx), 'ms');
    rigs.forEach((rig, i) => {
      if (i === 0) return;
      report(`grpc_tx_per_s_32${rig.observed.suffix}`, median(parallel[i] ?? []), 'tx/s');
      report(`grpc${rig.observed.suffix}_cost_pct`, median(costPercent(parallel[0] ?? [], parallel[i] ?? [])), '%');
    });
    for (const rig of rigs) await rig.stack.chaincodeSupport.stop(CCCI);
  } finally {
    await ledgers.close();
    await rm(root, { recursive: true, force: true });
  }
}

/**
 * What a running chaincode costs in memory, just launched: the resident set of its process group
 * (the node running the chaincode, and the watchdog's shell and `cat`; npm and its shell too when
 * npm starts it), and of the chaincode's node process alone. The peer's own share, a handler and a
 * stream, is too small to see against its heap's ups and downs.
 */
async function chaincodeMemory(report: Report, provider: ProcessVMProvider, ccci: ChaincodeContainerInfo): Promise<void> {
  const pgid = provider.pid(ccci);
  if (pgid === undefined) return;
  let groupKb = 0;
  let nodeKb = 0;
  let nodePid: string | undefined;
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      // Fields after the command name (which may hold spaces): state, ppid, pgrp, ...
      const stat = await readFile(`/proc/${entry}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(fields[2]) !== pgid) continue;
      const status = await readFile(`/proc/${entry}/status`, 'utf8');
      const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
      groupKb += kb;
      // npm names its process after its command line; the chaincode's is plain `node`.
      if (/^Name:\s+node$/m.test(status) && kb > nodeKb) {
        nodeKb = kb;
        nodePid = entry;
      }
    } catch {
      // The process ended while being read.
    }
  }
  report('rss_per_chaincode_mb', groupKb / 1024, 'MB');
  report('rss_chaincode_node_mb', nodeKb / 1024, 'MB');
  if (nodePid !== undefined) report('rss_fabric_shim_loaded_mb', await fabricShimLoadedRss(await readlink(`/proc/${nodePid}/cwd`)), 'MB');
}

/**
 * The floor under rss_chaincode_node_mb: a node process that has only loaded the fabric-shim the
 * chaincode in `dir` resolves, and does nothing else (no peer, no connection).
 */
async function fabricShimLoadedRss(dir: string): Promise<number> {
  const shim = createRequire(join(dir, 'package.json')).resolve('fabric-shim');
  const script = `require(${JSON.stringify(shim)}); process.stdout.write(String(process.memoryUsage().rss));`;
  const runs: number[] = [];
  for (let i = 0; i < 3; i++) {
    const { stdout } = await execFileAsync(process.execPath, ['-e', script], { env: { PATH: process.env.PATH } });
    runs.push(Number(stdout) / 1024 / 1024);
  }
  return median(runs);
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
