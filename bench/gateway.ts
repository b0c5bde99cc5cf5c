// Gateway benchmark: an application on the unmodified @hyperledger/fabric-gateway client against a
// one-orderer, one-peer network of real `weft` processes (commit-network.ts) with TLS on and
// test-network's batching (MaxMessageCount 10, BatchTimeout 2s). Each submit is a one-get-one-put
// transaction of a fabric-contract-api chaincode on its own key: endorsed through the peer's
// Gateway, signed by the client, submitted, and waited for until its commit status says VALID.
// Reports submits per second with 32 and 200 in flight, their latency, evaluates per second and
// their latency, and the CPU time each process spends per transaction: the client's too, since on
// two cores the client's own work bounds what any peer can show. The figures are of the warmed
// network (V8's optimising compiler works for a few thousand transactions in each process first);
// `gateway_submit_cold_tx_per_s_32` is the first round after start, for comparison.
import { createPrivateKey } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as grpc from '@grpc/grpc-js';
import { connect, hash, signers, type Contract } from '@hyperledger/fabric-gateway';
import { CommitNetwork } from './commit-network.js';
import type { Benchmark, Report } from './harness.js';
import { median, percentile, runInFlight } from './harness.js';
import { cpuMs, cpuMsOf, descendants } from './weft-child.js';

const ASSETS = fileURLToPath(new URL('../../test/fixtures/chaincode/asset-contract', import.meta.url));
const CHANNEL = 'benchchannel';
const ROUNDS = 3;
// A multiple of MaxMessageCount: each round's last block is cut full, not by the 2s BatchTimeout.
const PER_ROUND = 500;
const EVALUATES_PER_ROUND = 2000;
// Calls after the cold round before any is measured: enough for the compiler to settle.
const WARM_UP = 3000;

async function firstFile(dir: string): Promise<Buffer> {
  const [file] = (await readdir(dir)).sort();
  if (file === undefined) throw new Error(`${dir} is empty`);
  return readFile(join(dir, file));
}

async function run(report: Report): Promise<void> {
  const network = await CommitNetwork.start({
    channelId: CHANNEL,
    chaincode: { path: ASSETS, name: 'assets', version: '1.0', initArgs: [] },
    tls: true,
    cpuProfileDir: process.env.WEFT_BENCH_CPU_PROF,
  });
  const tlsRoot = await readFile(network.peerTlsRoot ?? '');
  const client = new grpc.Client(network.peerAddress, grpc.credentials.createSsl(tlsRoot));
  const gateway = connect({
    client,
    identity: { mspId: 'Org1MSP', credentials: await firstFile(join(network.userMsp, 'signcerts')) },
    signer: signers.newPrivateKeySigner(createPrivateKey(await firstFile(join(network.userMsp, 'keystore')))),
    hash: hash.sha256,
  });
  try {
    const contract = gateway.getNetwork(CHANNEL).getContract('assets');
    await measureSubmits(report, contract, network);
    await measureEvaluates(report, contract, network);
  } finally {
    gateway.close();
    client.close();
    await network.stop();
  }
}

/** CPU milliseconds of the peer, its chaincode, the orderer and this client, per call over one run of `calls`. */
async function cpuPerCall(network: CommitNetwork, chaincode: number[], calls: number, work: () => Promise<void>): Promise<{ peer: number; chaincode: number; orderer: number; client: number }> {
  const before = { peer: await cpuMs(network.peer.pid), orderer: await cpuMs(network.orderer.pid), chaincode: await cpuMsOf(chaincode), client: process.cpuUsage() };
  await work();
  const client = process.cpuUsage(before.client);
  return {
    peer: ((await cpuMs(network.peer.pid)) - before.peer) / calls,
    chaincode: ((await cpuMsOf(chaincode)) - before.chaincode) / calls,
    orderer: ((await cpuMs(network.orderer.pid)) - before.orderer) / calls,
    client: (client.user + client.system) / 1000 / calls,
  };
}

async function measureSubmits(report: Report, contract: Contract, network: CommitNetwork): Promise<void> {
  let n = 0;
  // Resolves the milliseconds from the endorsement request to the commit status.
  const one = async (): Promise<number> => {
    const t0 = performance.now();
    await contract.submitTransaction('GetPut', `key${String(n++)}`);
    return performance.now() - t0;
  };
  report('gateway_submit_cold_tx_per_s_32', (await runInFlight(one, 32, PER_ROUND)).perSecond, 'tx/s');
  await runInFlight(one, 32, WARM_UP);
  const chaincode = await descendants(network.peer.pid);
  const cpu = { peer: [] as number[], orderer: [] as number[], chaincode: [] as number[], client: [] as number[] };
  const latencies: number[] = [];
  for (const inFlight of [32, 200]) {
    const rates: number[] = [];
    for (let i = 0; i < ROUNDS; i++) {
      const used = await cpuPerCall(network, chaincode, PER_ROUND, async () => {
        const { perSecond, results } = await runInFlight(one, inFlight, PER_ROUND);
        rates.push(perSecond);
        if (inFlight === 32) latencies.push(...results);
      });
      if (inFlight === 32) {
        cpu.peer.push(used.peer);
        cpu.orderer.push(used.orderer);
        cpu.chaincode.push(used.chaincode);
        cpu.client.push(used.client);
      }
    }
    report(`gateway_submit_tx_per_s_${String(inFlight)}`, median(rates), 'tx/s');
  }
  report('gateway_submit_p50_ms', percentile(latencies, 50), 'ms');
  report('gateway_submit_p99_ms', percentile(latencies, 99), 'ms');
  report('gateway_peer_cpu_ms', median(cpu.peer), 'ms');
  report('gateway_orderer_cpu_ms', median(cpu.orderer), 'ms');
  report('gateway_chaincode_cpu_ms', median(cpu.chaincode), 'ms');
  report('gateway_client_cpu_ms', median(cpu.client), 'ms');
}

async function measureEvaluates(report: Report, contract: Contract, network: CommitNetwork): Promise<void> {
  const one = async (): Promise<number> => {
    const t0 = performance.now();
    await contract.evaluateTransaction('GetPut', 'key0');
    return performance.now() - t0;
  };
  await runInFlight(one, 32, WARM_UP);
  const chaincode = await descendants(network.peer.pid);
  const rates: number[] = [];
  const latencies: number[] = [];
  const cpu = { peer: [] as number[], client: [] as number[] };
  for (let i = 0; i < ROUNDS; i++) {
    const used = await cpuPerCall(network, chaincode, EVALUATES_PER_ROUND, async () => {
      const { perSecond, results } = await runInFlight(one, 32, EVALUATES_PER_ROUND);
      rates.push(perSecond);
      latencies.push(...results);
    });
    cpu.peer.push(used.peer);
    cpu.client.push(used.client);
  }
  report('gateway_evaluate_per_s_32', median(rates), 'calls/s');
  report('gateway_evaluate_p50_ms', percentile(latencies, 50), 'ms');
  report('gateway_evaluate_peer_cpu_ms', median(cpu.peer), 'ms');
  report('gateway_evaluate_client_cpu_ms', median(cpu.client), 'ms');
}

export const gatewayBenchmark: Benchmark = { name: 'gateway', run };
