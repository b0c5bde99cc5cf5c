// Lifecycle benchmark: how long a chaincode takes to go live with Fabric 2.x's lifecycle on the
// embedded default (`weft node start --join mychannel`: one org, Org1MSP; the embedded orderer;
// BatchTimeout 10ms, MaxMessageCount 10), driven as a user drives it, by the CLI, one process per
// step: package -> install -> approveformyorg -> commit (each waiting for its block) -> the first
// invoke answered. `lifecycle_deploy_ms`: a fabric-contract-api chaincode the peer builds, its
// dependencies installed by an earlier build on this machine (the dependency cache);
// `lifecycle_deploy_npm_ms`: the same with the dependency cache off, npm installing from its cache;
// `lifecycle_deploy_ccaas_ms`: a chaincode-as-a-service package whose server is already running.
// Each a median of fresh peers; `lifecycle_cli_call_ms` is what one CLI process costs by itself.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Benchmark, Report } from './harness.js';
import { endWithBenchmark, median } from './harness.js';
import { freePort } from '../test/helpers/free-ports.js';
import { WEFT_BIN, WeftChild, runWeftCli } from './weft-child.js';

const FIXTURES = fileURLToPath(new URL('../../test/fixtures/chaincode/', import.meta.url));
const RUNS = 3;

/** Runs a CLI command to its end and returns its standard output. */
function weftOutput(args: string[], env: NodeJS.ProcessEnv): Promise<string> {
  return weftStreams(args, env).then(({ out }) => out);
}

/** Runs a CLI command to its end and returns what it logged (standard error). */
function weftLog(args: string[], env: NodeJS.ProcessEnv): Promise<string> {
  return weftStreams(args, env).then(({ err }) => err);
}

function weftStreams(args: string[], env: NodeJS.ProcessEnv): Promise<{ out: string; err: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [WEFT_BIN, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (err += chunk));
    child.once('exit', (code) => (code === 0 ? resolve({ out, err }) : reject(new Error(`weft ${args.join(' ')} failed (${String(code)}): ${err}`))));
  });
}


/** A fresh peer on the embedded default, its ports the system's choice; stopped and removed by `done`. */
async function freshPeer(peerEnv: NodeJS.ProcessEnv = {}): Promise<{ env: NodeJS.ProcessEnv; dir: string; done(): Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'weft-bench-lifecycle-'));
  const data = join(dir, 'data');
  const base = { PATH: process.env.PATH, HOME: process.env.HOME, FABRIC_LOGGING_SPEC: 'info' };
  const peer = WeftChild.start(['node', 'start', '--join', 'mychannel'], {
    ...base,
    CORE_PEER_FILESYSTEMPATH: data,
    CORE_PEER_LISTENADDRESS: '127.0.0.1:0',
    CORE_PEER_CHAINCODELISTENADDRESS: '127.0.0.1:0',
    CORE_PEER_ORDERER_LISTENADDRESS: '127.0.0.1:0',
    CORE_PEER_ORDERER_ADMINLISTENADDRESS: '127.0.0.1:0',
    ...peerEnv,
  });
  const address = await peer.waitFor(/Peer server listening on (\S+)/);
  await peer.waitFor(/Started peer/);
  return {
    env: { ...base, CORE_PEER_FILESYSTEMPATH: data, CORE_PEER_ADDRESS: address },
    dir,
    done: async () => {
      await peer.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** The timed steps, from a source folder to the first invoke's answer. */
async function deploy(env: NodeJS.ProcessEnv, pkg: { source: string; lang: string; label: string; file: string }, invoke: string): Promise<number> {
  const t0 = performance.now();
  const lap = (what: string): void => { if (process.env.WEFT_BENCH_LAPS !== undefined) process.stderr.write(`${what} ${(performance.now() - t0).toFixed(0)}\n`); };
  await runWeftCli(['lifecycle', 'chaincode', 'package', pkg.file, '-p', pkg.source, '-l', pkg.lang, '--label', pkg.label], env);
  lap('package');
  // install logs the package ID, as Fabric's CLI does: no calculatepackageid call is needed.
  const installed = await weftLog(['lifecycle', 'chaincode', 'install', pkg.file], env);
  const packageId = /Chaincode code package identifier: (\S+)/.exec(installed)?.[1] ?? '';
  const definition = ['-C', 'mychannel', '-n', 'cc', '-v', '1.0', '--sequence', '1'];
  lap('install');
  await runWeftCli(['lifecycle', 'chaincode', 'approveformyorg', ...definition, '--package-id', packageId], env);
  lap('approve');
  await runWeftCli(['lifecycle', 'chaincode', 'commit', ...definition], env);
  lap('commit');
  await runWeftCli(['chaincode', 'invoke', '-C', 'mychannel', '-n', 'cc', '-c', invoke], env);
  lap('invoke');
  return performance.now() - t0;
}

async function nodeDeploys(report: Report): Promise<void> {
  // The first run fills npm's cache and the peer's dependency cache with the chaincode's
  // dependencies; it is not counted. Then: npm from its cache (the dependency cache off), and the
  // dependency cache linked in (chaincode.node.dependencyCache, the default).
  for (const [bench, peerEnv, runs] of [
    ['', {}, 1],
    ['lifecycle_deploy_npm_ms', { CORE_CHAINCODE_NODE_DEPENDENCYCACHE: 'off' }, RUNS],
    ['lifecycle_deploy_ms', {}, RUNS],
  ] as const) {
    const times: number[] = [];
    for (let run = 0; run < runs; run++) {
      const peer = await freshPeer(peerEnv);
      try {
        const file = join(peer.dir, 'asset.tar.gz');
        times.push(await deploy(peer.env, { source: join(FIXTURES, 'asset-contract'), lang: 'node', label: 'asset_1.0', file }, '{"Args":["CreateAsset","a1","alice"]}'));
      } finally {
        await peer.done();
      }
    }
    if (bench !== '') report(bench, median(times), 'ms');
  }
}

async function ccaasDeploys(report: Report): Promise<void> {
  const { installedFixture } = await import('../test/helpers/chaincode-fixture.js');
  const serverDir = await installedFixture('kv-shim');
  const times: number[] = [];
  const cliCalls: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    const peer = await freshPeer();
    let server: ChildProcess | undefined;
    try {
      const address = `127.0.0.1:${String(await freePort())}`;
      const source = join(peer.dir, 'ccaas');
      await mkdir(source);
      await writeFile(join(source, 'connection.json'), JSON.stringify({ address, dial_timeout: '10s', tls_required: false }));
      const pkg = { source, lang: 'ccaas', label: 'kv_1.0', file: join(peer.dir, 'kv.tar.gz') };
      // The package's ID is known before it is timed (packages are made byte for byte alike), so that the server runs already.
      await runWeftCli(['lifecycle', 'chaincode', 'package', pkg.file, '-p', source, '-l', 'ccaas', '--label', pkg.label], peer.env);
      const packageId = (await weftOutput(['lifecycle', 'chaincode', 'calculatepackageid', pkg.file], peer.env)).trim();
      server = endWithBenchmark(spawn(process.execPath, ['index.js'], { cwd: serverDir, env: { PATH: process.env.PATH, CHAINCODE_SERVER_ADDRESS: address, CHAINCODE_ID: packageId }, stdio: 'ignore' }));
      await rm(pkg.file);
      times.push(await deploy(peer.env, pkg, '{"Args":["put","k","v"]}'));
      // What one CLI process costs by itself (a call that asks no peer): five of the steps above are one each.
      await runWeftCli(['lifecycle', 'chaincode', 'package', pkg.file, '-p', source, '-l', 'ccaas', '--label', pkg.label], peer.env);
      for (let i = 0; i < 5; i++) {
        const t0 = performance.now();
        await weftOutput(['lifecycle', 'chaincode', 'calculatepackageid', pkg.file], peer.env);
        cliCalls.push(performance.now() - t0);
      }
    } finally {
      server?.kill('SIGKILL');
      await peer.done();
    }
  }
  report('lifecycle_deploy_ccaas_ms', median(times), 'ms');
  report('lifecycle_cli_call_ms', median(cliCalls), 'ms');
}

export const lifecycleBenchmark: Benchmark = {
  name: 'lifecycle',
  async run(report: Report): Promise<void> {
    await ccaasDeploys(report);
    if (process.env.WEFT_BENCH_LAPS === undefined) await nodeDeploys(report);
  },
};
