// Commit benchmark: the whole transaction flow of a client application against a one-orderer,
// one-peer network of real `weft` processes (see commit-network.ts), batching as test-network
// does (MaxMessageCount 10, BatchTimeout 2s). Each transaction is proposed to the peer (signed by
// User1, simulated on a one-get-one-put fabric-shim chaincode, endorsed), sent to the orderer's
// AtomicBroadcast.Broadcast (one stream per transaction, as Fabric's SDKs and gateway submit),
// and seen committed on one DeliverFiltered stream from the peer; each writes its own key, so
// every one must be VALID. Reports the committed transactions per second with 50 and 200 in
// flight, the latency from broadcast to seen committed, the CPU time each process spends per
// committed transaction, and how fast the peer's Deliver replays the chain it built. Each process
// compiles its hot paths as it goes (V8's optimising compiler works for several thousand
// transactions, on the same two cores): the figures are of the warmed network, as a peer serves
// after its first minutes; `commit_cold_tx_per_s_50` is the first round after start, for comparison.
import { fileURLToPath } from 'node:url';
import { BroadcastClient } from '../src/client/broadcast-client.js';
import { ClientError } from '../src/client/client-error.js';
import { DeliverClient } from '../src/client/deliver-client.js';
import { EndorserClient } from '../src/client/endorser-client.js';
import { createSignedProposal } from '../src/client/signed-proposal.js';
import { createTransactionEnvelope } from '../src/client/transaction-envelope.js';
import { HeaderType } from '../src/common/protos/proposal.js';
import type { SigningIdentity } from '../src/msp/signing-identity.js';
import { CommitNetwork } from './commit-network.js';
import { CommitWatch } from './commit-watch.js';
import type { Benchmark, Report } from './harness.js';
import { median, percentile, runInFlight } from './harness.js';
import { cpuMs, cpuMsOf, descendants } from './weft-child.js';

const COUNTER = fileURLToPath(new URL('../../test/fixtures/chaincode/counter', import.meta.url));
const CHANNEL = 'benchchannel';
const ROUNDS = 3;
// A multiple of MaxMessageCount: each round's last block is cut full, not by the 2s BatchTimeout.
const PER_ROUND = 500;
// Transactions after the cold round before any is measured: enough for the compiler to settle.
const WARM_UP = 5000;
const REPLAYS = 5;
const SUCCESS = 200;

interface Clients {
  user: SigningIdentity;
  endorser: EndorserClient;
  broadcaster: BroadcastClient;
  watch: CommitWatch;
}

async function run(report: Report): Promise<void> {
  const network = await CommitNetwork.start({
    channelId: CHANNEL,
    chaincode: { path: COUNTER, name: 'counter', version: '1.0', initArgs: ['init', '0'] },
    // To see where the peer's and the orderer's time goes (open the files in Chrome's DevTools).
    cpuProfileDir: process.env.WEFT_BENCH_CPU_PROF,
  });
  const { user } = network;
  const deliver = await DeliverClient.connect(network.peerAddress, { service: 'peer', signer: user });
  const endorser = await EndorserClient.connect(network.peerAddress);
  const broadcaster = await BroadcastClient.connect(network.ordererAddress);
  try {
    const watch = await CommitWatch.open(deliver, CHANNEL);
    try {
      await measureCommits(report, { user, endorser, broadcaster, watch }, network);
      await measureReplay(report, deliver, watch.height);
    } finally {
      watch.close();
    }
  } finally {
    deliver.close();
    endorser.close();
    broadcaster.close();
    await network.stop();
  }
}

async function measureCommits(report: Report, clients: Clients, network: CommitNetwork): Promise<void> {
  let n = 0;
  // Resolves the milliseconds from broadcast to seen committed.
  const one = (): Promise<number> => commitOne(clients, `key${String(n++)}`);
  report('commit_cold_tx_per_s_50', (await runInFlight(one, 50, PER_ROUND)).perSecond, 'tx/s');
  await runInFlight(one, 50, WARM_UP);
  // The chaincode runs under npm and a shell, children of the peer; started by the warm-up at the latest.
  const chaincode = await descendants(network.peer.pid);
  const cpu = { peer: [] as number[], orderer: [] as number[], chaincode: [] as number[], client: [] as number[] };
  const latencies: number[] = [];
  for (const inFlight of [50, 200]) {
    const rates: number[] = [];
    for (let i = 0; i < ROUNDS; i++) {
      const before = { peer: await cpuMs(network.peer.pid), orderer: await cpuMs(network.orderer.pid), chaincode: await cpuMsOf(chaincode), client: process.cpuUsage() };
      const { perSecond, results } = await runInFlight(one, inFlight, PER_ROUND);
      cpu.peer.push(((await cpuMs(network.peer.pid)) - before.peer) / PER_ROUND);
      cpu.orderer.push(((await cpuMs(network.orderer.pid)) - before.orderer) / PER_ROUND);
      cpu.chaincode.push(((await cpuMsOf(chaincode)) - before.chaincode) / PER_ROUND);
      const client = process.cpuUsage(before.client);
      cpu.client.push((client.user + client.system) / 1000 / PER_ROUND);
      rates.push(perSecond);
      if (inFlight === 50) latencies.push(...results);
    }
    report(`commit_tx_per_s_${String(inFlight)}`, median(rates), 'tx/s');
  }
  report('commit_p50_ms', percentile(latencies, 50), 'ms');
  report('commit_p99_ms', percentile(latencies, 99), 'ms');
  report('commit_peer_cpu_ms', median(cpu.peer), 'ms');
  report('commit_orderer_cpu_ms', median(cpu.orderer), 'ms');
  report('commit_chaincode_cpu_ms', median(cpu.chaincode), 'ms');
  report('commit_client_cpu_ms', median(cpu.client), 'ms');
}

/** Endorses, broadcasts and waits for one transaction writing `key`; resolves the ms from broadcast to seen committed. */
async function commitOne(clients: Clients, key: string): Promise<number> {
  const { signed, txId } = createSignedProposal({
    channelId: CHANNEL,
    chaincodeName: 'counter',
    args: [Buffer.from('getput'), Buffer.from(key)],
    headerType: HeaderType.ENDORSER_TRANSACTION,
    signer: clients.user,
  });
  const response = await clients.endorser.send(signed);
  if (response.getResponse()?.getStatus() !== SUCCESS || response.getEndorsement() === undefined) {
    throw new ClientError('PROPOSAL_FAILED', `${txId} not endorsed: ${response.getResponse()?.getMessage() ?? 'no response'}`);
  }
  const envelope = createTransactionEnvelope(signed, response, clients.user);
  const committed = clients.watch.watch(txId);
  const t0 = performance.now();
  const reply = await clients.broadcaster.send(envelope);
  if (reply.getStatus() !== SUCCESS) throw new ClientError('BROADCAST_REFUSED', `${txId} refused by the orderer: ${String(reply.getStatus())} ${reply.getInfo()}`);
  const status = await committed;
  if (status.validationCodeName !== 'VALID') throw new ClientError('TX_INVALIDATED', `${txId} committed as ${status.validationCodeName} in block ${String(status.blockNumber)}`);
  return performance.now() - t0;
}

/** Full blocks from the peer's Deliver, replaying the chain from its first block to the newest committed. */
async function measureReplay(report: Report, deliver: DeliverClient, height: number): Promise<void> {
  const rates: number[] = [];
  for (let i = 0; i < REPLAYS; i++) {
    const t0 = performance.now();
    let count = 0;
    for await (const block of deliver.blocks({ channelId: CHANNEL, start: 'oldest', stop: height - 1 })) {
      if (block.getHeader()?.getNumber() !== count) throw new ClientError('CALL_FAILED', `block ${String(block.getHeader()?.getNumber())} came where ${String(count)} was due`);
      count++;
    }
    if (count !== height) throw new ClientError('CALL_FAILED', `the replay ended after ${String(count)} of ${String(height)} blocks`);
    rates.push(count / ((performance.now() - t0) / 1000));
  }
  report('deliver_blocks_per_s', median(rates), 'blocks/s');
  report('deliver_replay_blocks', height, 'blocks');
}

export const commitBenchmark: Benchmark = { name: 'commit', run };
