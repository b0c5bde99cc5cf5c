import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ChannelBundle } from '../src/channel/channel-bundle.js';
import { builtInProfile } from '../src/channelconfig/built-in-profile.js';
import { genesisBlockOfProfile } from '../src/channelconfig/config-block.js';
import type { Block } from '../src/common/protos/common.js';
import { INPROC_CONTAINER_TYPE } from '../src/container/inproc/inproc-registry.js';
import { ensureDefaultCrypto } from '../src/msp/default-identities.js';
import { Logging } from '../src/common/logging/logging.js';
import { ChaincodeDeploymentSpec, ChaincodeInput, ChaincodeSpec } from '../src/common/protos/peer.js';
import { createGenesisBlock, KvLedgerProvider, type PeerLedger } from '../src/ledger/index.js';
import { createChaincodeStack } from '../src/peer/chaincode-stack.js';
import { ChannelManager } from '../src/peer/channel-manager.js';
import { ChannelRegistry } from '../src/peer/channel-registry.js';
import { Cscc } from '../src/scc/cscc/cscc.js';
import { Lscc } from '../src/scc/lscc/lscc.js';
import { Qscc } from '../src/scc/qscc/qscc.js';
import { SccProvider } from '../src/scc/scc-provider.js';
import { success, type Chaincode } from '../src/shim/chaincode.js';
import type { Benchmark, Report } from './harness.js';
import { costPercent, measureInTurns, observabilityVariants, type Observability } from './observability.js';
import { endWithBenchmark, median, runInFlight } from './harness.js';
import { freePortPeerEnv, WEFT_BIN, WeftChild } from './weft-child.js';

const CHANNELS = 100;

/** The seed's system in one process: chaincode stack, SCCs, and `CHANNELS` ledgers. */
async function buildPeer(root: string) {
  // Lines are formatted as in a real peer, then dropped: the figure is the peer's work, not the terminal's.
  const logging = new Logging({ spec: 'info', sink: () => undefined });
  const stack = createChaincodeStack({
    chaincode: { startupTimeoutMs: 300_000, executeTimeoutMs: 30_000, mode: 'net', logging: { level: 'info', shim: 'warning', format: '' } },
    peerAddress: () => '127.0.0.1:7052',
    logging,
  });
  const channels = new ChannelRegistry();
  const sccp = new SccProvider({
    registrar: stack.inprocRegistry,
    chaincodeProvider: stack.chaincodeSupport,
    ledgers: channels,
    whitelist: { lscc: 'enable', cscc: 'enable', qscc: 'enable' },
    version: 'bench',
    containerType: INPROC_CONTAINER_TYPE,
    logger: logging.logger('sccapi'),
  });
  const cryptoDir = join(root, 'crypto');
  await ensureDefaultCrypto(cryptoDir);
  const genesisBlock = (channelId: string): Promise<Block> => genesisBlockOfProfile(builtInProfile(cryptoDir), channelId);
  const channelManager = new ChannelManager({ channels, deployer: sccp, genesisBlock, logging });
  const noPackages = { install: async () => undefined, get: () => undefined, list: () => [] };
  // The benchmark measures deployment, not access control: every check passes.
  const acl = { checkACL: () => undefined };
  const sccs = [
    new Lscc({ packages: noPackages, definitions: { definitions: async () => [] }, acl, logger: logging.logger('lscc'), applicationMspIds: () => [], applicationCapabilities: () => ['V1_4_2'] }),
    new Cscc({ channels: channelManager, acl, logger: logging.logger('cscc') }),
    new Qscc({ ledgers: channels, acl, logger: logging.logger('qscc') }),
  ];
  for (const scc of sccs) sccp.registerSysCC(scc);
  const ledgers = await KvLedgerProvider.start({ rootPath: root });
  const channelIds: string[] = [];
  for (let i = 0; i < CHANNELS; i++) {
    const id = `channel${i}`;
    const block = await genesisBlock(id);
    channels.add(await ledgers.create(block), ChannelBundle.fromBlock(block));
    channelIds.push(id);
  }
  return { stack, sccp, sccs, ledgers, channels, channelIds };
}

async function sccDeployment(report: Report): Promise<void> {
  const root = await mkdtemp(join(tmpdir(), 'weft-bench-'));
  try {
    const { sccp, sccs, ledgers, channelIds } = await buildPeer(root);
    await sccp.deploySysCCs('');
    for (const id of channelIds.slice(0, 10)) await sccp.deploySysCCs(id); // warm-up
    const perScc: number[] = [];
    for (const id of channelIds) {
      for (const scc of sccs) {
        const t0 = process.hrtime.bigint();
        await sccp.deploySysCC(id, scc);
        perScc.push(Number(process.hrtime.bigint() - t0) / 1e6);
      }
    }
    report('scc_deploy_per_channel_ms', median(perScc), 'ms');
    const totals: number[] = [];
    for (let run = 0; run < 7; run++) {
      const t0 = process.hrtime.bigint();
      for (const id of channelIds) await sccp.deploySysCCs(id);
      totals.push(Number(process.hrtime.bigint() - t0) / 1e6);
    }
    report('scc_deploy_100_channels_ms', median(totals), 'ms');
    const ten: number[] = [];
    for (let run = 0; run < 7; run++) {
      const t0 = process.hrtime.bigint();
      for (const id of channelIds.slice(0, 10)) await sccp.deploySysCCs(id);
      ten.push(Number(process.hrtime.bigint() - t0) / 1e6);
    }
    report('scc_deploy_10_channels_ms', median(ten), 'ms');
    await ledgers.close();
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}

/** One GET_STATE and one PUT_STATE per transaction. */
const getPut: Chaincode = {
  init: () => success(),
  async invoke(stub) {
    const key = stub.getStringArgs()[1] ?? 'k';
    const old = await stub.getState(key);
    await stub.putState(key, old.length > 0 ? old : 'v');
    return success();
  },
};

/** An in-process chaincode stack on a ledger of its own, recording what `observed` asks for. */
async function inprocRig(root: string, observed: Observability) {
  const logging = new Logging({ spec: 'info', sink: () => undefined });
  const stack = createChaincodeStack({
    chaincode: { startupTimeoutMs: 300_000, executeTimeoutMs: 30_000, mode: 'net', logging: { level: 'info', shim: 'warning', format: '' } },
    peerAddress: () => '127.0.0.1:7052',
    logging,
    metrics: observed.metrics,
    trace: observed.trace,
  });
  stack.inprocRegistry.register({ name: 'bench', version: '1' }, getPut);
  const ccci = { name: 'bench', version: '1', path: 'bench', type: 'GOLANG', containerType: INPROC_CONTAINER_TYPE };
  const cccid = { name: 'bench', version: '1' };
  const ledgers = await KvLedgerProvider.start({ rootPath: join(root, observed.suffix || 'off') });
  const ledger: PeerLedger = await ledgers.create(createGenesisBlock('benchchannel'));
  const spec = new ChaincodeDeploymentSpec();
  const ccSpec = new ChaincodeSpec();
  ccSpec.setInput(new ChaincodeInput());
  spec.setChaincodeSpec(ccSpec);
  let n = 0;
  const init = () => stack.chaincodeSupport.executeLegacyInit({ txId: `i${n++}`, channelId: '' }, cccid, spec, INPROC_CONTAINER_TYPE);
  await init();
  const input = (key: string) => {
    const i = new ChaincodeInput();
    i.setArgsList([Buffer.from('getput'), Buffer.from(key)]);
    return i;
  };
  const inputs = Array.from({ length: 1000 }, (_, i) => input(`key${i}`));
  const runTx = async (): Promise<void> => {
    const txId = `t${n++}`;
    const sim = await ledger.newTxSimulator(txId);
    try {
      await stack.chaincodeSupport.execute({ txId, channelId: 'benchchannel', txSimulator: sim }, cccid, inputs[n % 1000] as ChaincodeInput, ccci);
    } finally {
      sim.done();
    }
  };
  const throughput = async (inFlight: number, total: number): Promise<number> => (await runInFlight(runTx, inFlight, total)).perSecond;
  return { observed, init, throughput, close: () => ledgers.close() };
}

/**
 * Transactions through the in-process chaincode stack, one GET_STATE and one PUT_STATE each: with
 * metrics and the conversation trace off (the peer's default), metrics on, and both on. The
 * three run in turns, so that the machine's ups and downs fall on all of them alike.
 */
async function inprocRoundTrips(report: Report): Promise<void> {
  const root = await mkdtemp(join(tmpdir(), 'weft-bench-'));
  const rigs = await Promise.all(observabilityVariants().map((observed) => inprocRig(root, observed)));
  try {
    const plain = rigs[0] as (typeof rigs)[number];
    const BATCH = 2000;
    const initUs: number[] = [];
    for (let run = 0; run < 9; run++) {
      const t0 = process.hrtime.bigint();
      for (let i = 0; i < BATCH; i++) await plain.init();
      initUs.push(Number(process.hrtime.bigint() - t0) / 1e3 / BATCH);
    }
    report('inproc_init_us', median(initUs), 'us');

    for (const rig of rigs) await rig.throughput(32, 5000); // warm-up
    const seq: number[] = [];
    for (let run = 0; run < 5; run++) seq.push(await plain.throughput(1, 5000));
    // 5,000 after each forced collection: 2,000 left TurboFan still recompiling (49k tx/s, against
    // 54-56k with 5,000 or 6,000, and 54k with no forced collection at all).
    const warmUp = (rig: (typeof rigs)[number]): Promise<number> => rig.throughput(32, 5_000);
    const par = await measureInTurns(rigs, 9, (rig) => rig.throughput(32, 10_000), warmUp);
    const plainPar = median(par[0] ?? []);
    report('inproc_tx_per_s', plainPar, 'tx/s');
    // The same figure under the name the chaincode benchmarks compare against.
    report('inproc_tx_per_s_32', plainPar, 'tx/s');
    report('inproc_tx_per_s_1', median(seq), 'tx/s');
    rigs.forEach((rig, i) => {
      if (i === 0) return;
      report(`inproc_tx_per_s${rig.observed.suffix}`, median(par[i] ?? []), 'tx/s');
      report(`inproc${rig.observed.suffix}_cost_pct`, median(costPercent(par[0] ?? [], par[i] ?? [])), '%');
    });
  } finally {
    for (const rig of rigs) await rig.close();
    await rm(root, { recursive: true, force: true });
  }
}

/** Milliseconds from spawn to the first stderr line matching `ready` (or to exit when none is given). */
function timeProcess(args: string[], env: NodeJS.ProcessEnv, ready?: RegExp): Promise<{ ms: number; rssMb: number }> {
  return new Promise((resolve, reject) => {
    const t0 = process.hrtime.bigint();
    const child = endWithBenchmark(spawn(process.execPath, args, { env: { PATH: process.env.PATH, ...env }, stdio: ['ignore', 'ignore', 'pipe'] }));
    let log = '';
    let done = false;
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      log += chunk;
      if (done || ready === undefined || !ready.test(log)) return;
      done = true;
      const ms = Number(process.hrtime.bigint() - t0) / 1e6;
      // Idle memory: settle, then read the resident set of the peer process.
      setTimeout(() => {
        readFile(`/proc/${String(child.pid)}/status`, 'utf8')
          .then((status) => {
            const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 'NaN');
            child.kill('SIGTERM');
            resolve({ ms, rssMb: kb / 1024 });
          })
          .catch(reject);
      }, 1000);
    });
    child.on('exit', (code) => {
      if (ready === undefined) resolve({ ms: Number(process.hrtime.bigint() - t0) / 1e6, rssMb: 0 });
      else if (!done) reject(new Error(`weft exited with ${String(code)} before it was ready:\n${log}`));
    });
  });
}

async function startUp(report: Report): Promise<void> {
  const bare: number[] = [];
  const ready: number[] = [];
  const restart: number[] = [];
  const rss: number[] = [];
  for (let run = 0; run < 7; run++) {
    bare.push((await timeProcess(['-e', ''], {})).ms);
    const root = await mkdtemp(join(tmpdir(), 'weft-bench-'));
    try {
      const env = { CORE_PEER_FILESYSTEMPATH: root, CORE_PEER_CHAINCODELISTENADDRESS: '127.0.0.1:0', CORE_PEER_LISTENADDRESS: '127.0.0.1:0' };
      // The first start makes the organisations' crypto and the channel; later ones load them.
      const r = await timeProcess([WEFT_BIN, 'node', 'start', '--join', 'mychannel'], env, /Started peer with ID=/);
      ready.push(r.ms);
      const again = await timeProcess([WEFT_BIN, 'node', 'start', '--join', 'mychannel'], env, /Started peer with ID=/);
      restart.push(again.ms);
      rss.push(again.rssMb);
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  }
  report('start_to_ready_ms', median(ready), 'ms');
  report('restart_to_ready_ms', median(restart), 'ms');
  report('node_bare_start_ms', median(bare), 'ms');
  report('idle_rss_mb', median(rss), 'MB');
  // The floor for idle_rss_mb: an idle Node.js process, measured the same way.
  const bareRss: number[] = [];
  for (let run = 0; run < 3; run++) {
    bareRss.push((await timeProcess(['-e', "setInterval(() => {}, 1e3); process.stderr.write('ready\\n')"], {}, /ready/)).rssMb);
  }
  report('node_bare_rss_mb', median(bareRss), 'MB');
}

/**
 * A client command against a running peer, from spawn to exit, as a user or a script pays for it:
 * `weft channel list` (cscc) and `weft chaincode query` (qscc's GetChainInfo), each beside a bare
 * `node -e ''` in turns, so that both see the same machine.
 */
async function cliCalls(report: Report): Promise<void> {
  const root = await mkdtemp(join(tmpdir(), 'weft-bench-cli-'));
  const peer = WeftChild.start(['node', 'start', '--join', 'mychannel'], freePortPeerEnv(root));
  try {
    const address = await peer.waitFor(/Peer server listening on (\S+)/);
    await peer.waitFor(/Started peer/);
    const env = { CORE_PEER_FILESYSTEMPATH: root, CORE_PEER_ADDRESS: address };
    const list = [WEFT_BIN, 'channel', 'list'];
    const query = [WEFT_BIN, 'chaincode', 'query', '-C', 'mychannel', '-n', 'qscc', '-c', '{"Args":["GetChainInfo","mychannel"]}'];
    const bare: number[] = [];
    const lists: number[] = [];
    const queries: number[] = [];
    for (let run = 0; run < 9; run++) {
      bare.push((await timeProcess(['-e', ''], {})).ms);
      lists.push((await timeProcess(list, env)).ms);
      queries.push((await timeProcess(query, env)).ms);
    }
    report('cli_bare_node_ms', median(bare), 'ms');
    report('cli_query_ms', median(lists), 'ms');
    report('cli_chaincode_query_ms', median(queries), 'ms');
  } finally {
    await peer.stop();
    await rm(root, { recursive: true, force: true });
  }
}

export const seedBenchmark: Benchmark = {
  name: 'seed',
  async run(report) {
    await sccDeployment(report);
    await inprocRoundTrips(report);
    await startUp(report);
    await cliCalls(report);
  },
};
