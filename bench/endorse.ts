// Endorsement benchmark: ProcessProposal over gRPC to a real `weft` peer process, as a client
// application makes it — each proposal built and signed by the client with its own key (User1 of
// the peer's default crypto), checked by the peer (creator, signature, txid, ACL), simulated on a
// one-get-one-put fabric-shim chaincode, and signed by the peer. Once with TLS off, once on.
// With WEFT_BENCH_PROF=<folder> (TLS off only) the peer writes a CPU profile there as it stops.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { EndorserClient, type ClientTls } from '../src/client/endorser-client.js';
import { createSignedProposal } from '../src/client/signed-proposal.js';
import { HeaderType } from '../src/common/protos/proposal.js';
import { defaultCryptoDir, defaultUserIdentity } from '../src/msp/default-identities.js';
import { loadSigningIdentity, type SigningIdentity } from '../src/msp/signing-identity.js';
import type { Benchmark, Report } from './harness.js';
import { median, percentile, runInFlight } from './harness.js';
import { cpuMs, runWeftCli, WeftChild } from './weft-child.js';

const COUNTER = fileURLToPath(new URL('../../test/fixtures/chaincode/counter', import.meta.url));
const CHANNEL = 'benchchannel';
const ROUNDS = 3;
const PER_ROUND = 3000;

async function run(report: Report): Promise<void> {
  await endorse(report, '', false);
  if (process.env.WEFT_BENCH_PROF === undefined) await endorse(report, '_tls', true);
}

async function endorse(report: Report, suffix: string, tlsOn: boolean): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'weft-bench-endorse-'));
  const data = join(dir, 'data');
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    CORE_PEER_FILESYSTEMPATH: data,
    CORE_PEER_LISTENADDRESS: '127.0.0.1:0',
    CORE_PEER_CHAINCODELISTENADDRESS: '127.0.0.1:0',
    CORE_PEER_TLS_ENABLED: String(tlsOn),
    // Off means off on the chaincode's connection too (launched chaincodes have TLS by default).
    CORE_CHAINCODE_LAUNCHTLS: String(tlsOn),
    FABRIC_LOGGING_SPEC: 'warning:nodeCmd,comm.grpc.server=info',
  };
  const peer = WeftChild.start(['node', 'start', '--join', CHANNEL, '--application-capability', 'V1_4_2'], env, process.env.WEFT_BENCH_PROF === undefined ? [] : ['--cpu-prof', `--cpu-prof-dir=${process.env.WEFT_BENCH_PROF}`]);
  try {
    const address = await peer.waitFor(/Peer server listening on (\S+)/);
    await peer.waitFor(/Started peer/);
    const cryptoDir = defaultCryptoDir(data);
    const clientEnv = { ...env, CORE_PEER_ADDRESS: address };
    await runWeftCli(['chaincode', 'install', COUNTER, '-n', 'counter', '-v', '1.0', '-l', 'node'], clientEnv);
    await runWeftCli(['chaincode', 'instantiate', '-C', CHANNEL, '-n', 'counter', '-v', '1.0', '-c', '{"Args":["init","0"]}'], clientEnv);

    const user = await loadSigningIdentity(defaultUserIdentity(cryptoDir, 'User1').mspDir, 'Org1MSP');
    const tls: ClientTls | undefined = tlsOn ? { rootCertPem: await readFile(join(defaultUserIdentity(cryptoDir, 'User1').tlsDir, 'ca.crt')) } : undefined;
    const client = await EndorserClient.connect(address, tls);
    try {
      await measure(report, suffix, client, user, peer.pid);
    } finally {
      client.close();
    }
  } finally {
    await peer.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

async function measure(report: Report, suffix: string, client: EndorserClient, user: SigningIdentity, pid: number): Promise<void> {
  let n = 0;
  const one = async (): Promise<number> => {
    const t0 = performance.now();
    const { signed } = createSignedProposal({
      channelId: CHANNEL,
      chaincodeName: 'counter',
      args: [Buffer.from('getput'), Buffer.from(`key${n++ % 100}`)],
      headerType: HeaderType.ENDORSER_TRANSACTION,
      signer: user,
    });
    const reply = await client.send(signed);
    if (reply.getResponse()?.getStatus() !== 200 || reply.getEndorsement() === undefined) {
      throw new Error(`not endorsed: ${reply.getResponse()?.getMessage() ?? 'no response'}`);
    }
    return performance.now() - t0;
  };
  await runInFlight(one, 32, 2000); // warm-up
  const serial: number[] = [];
  const parallel: number[] = [];
  const latencies: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    serial.push((await runInFlight(one, 1, PER_ROUND / 3)).perSecond);
    const cpu0 = await cpuMs(pid);
    const r = await runInFlight(one, 32, PER_ROUND);
    cpu.push(((await cpuMs(pid)) - cpu0) / PER_ROUND);
    parallel.push(r.perSecond);
    latencies.push(...r.results);
  }
  report(`endorse${suffix}_per_s_1`, median(serial), 'endorsements/s');
  report(`endorse${suffix}_per_s_32`, median(parallel), 'endorsements/s');
  report(`endorse${suffix}_p50_ms`, percentile(latencies, 50), 'ms');
  report(`endorse${suffix}_p99_ms`, percentile(latencies, 99), 'ms');
  report(`endorse${suffix}_peer_cpu_ms`, median(cpu), 'ms');
}

export const endorseBenchmark: Benchmark = { name: 'endorse', run };
