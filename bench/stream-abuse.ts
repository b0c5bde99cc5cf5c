// Stream abuse benchmark: how much a real `weft` peer process grows under a flood of invalid input
// from a misbehaving client — 100,000 invalid proposals on the Endorser, then 1,000,000 invalid
// messages on chaincode streams — and under a chaincode that writes 400 MB in one transaction
// (refused past chaincode.maxWriteSetBytes, 100 MB), as its resident memory after each minus what
// it was before. A peer that keeps something per refused message grows with the flood; one that
// does not stays flat.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { credentials, type ServiceError } from '@grpc/grpc-js';
import peerGrpc from '@hyperledger/fabric-protos/lib/peer/peer_grpc_pb.js';
import shimGrpc from '@hyperledger/fabric-protos/lib/peer/chaincode_shim_grpc_pb.js';
import { ChaincodeMessage, MessageTypes } from '../src/common/protos/peer.js';
import { SignedProposal } from '../src/common/protos/proposal.js';
import type { Benchmark, Report } from './harness.js';
import { runInFlight } from './harness.js';
import { freePortPeerEnv, runWeftCli, WeftChild } from './weft-child.js';

const FLOOD = 100_000;
const CHAINCODE_FLOOD = 1_000_000;
const HOSTILE = fileURLToPath(new URL('../../test/fixtures/chaincode/hostile', import.meta.url));
const IN_FLIGHT = 64;
// Messages written on each chaincode stream before the next one is opened: the peer may end a
// stream at its first invalid message, so the flood is spread over many.
const PER_STREAM = 100;
const SETTLE_MS = 3000;

async function run(report: Report): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'weft-bench-abuse-'));
  const env = freePortPeerEnv(join(dir, 'data'), {
    // Each refused message would otherwise be a log line; the flood measures the peer, not its log.
    FABRIC_LOGGING_SPEC: 'critical:nodeCmd,comm.grpc.server=info',
    // A plaintext chaincode listener: the flood reaches the handler, the worst case (with TLS it stops at the handshake).
    CORE_CHAINCODE_LAUNCHTLS: 'false',
  });
  const peer = WeftChild.start(['node', 'start', '--join', 'abuse', '--application-capability', 'V1_4_2'], env);
  try {
    const address = await peer.waitFor(/Peer server listening on (\S+)/);
    const chaincodeAddress = await peer.waitFor(/Chaincode server listening on (\S+)/);
    await peer.waitFor(/Started peer/);
    await sleep(SETTLE_MS);
    const idle = await rssMb(peer.pid);

    await floodEndorser(address);
    await sleep(SETTLE_MS);
    const afterEndorser = await rssMb(peer.pid);
    report('stream_abuse_endorser_rss_mb', afterEndorser - idle, 'MB');

    await floodChaincodeStreams(chaincodeAddress);
    await sleep(SETTLE_MS);
    const afterBoth = await rssMb(peer.pid);
    report('stream_abuse_chaincode_rss_mb', afterBoth - afterEndorser, 'MB');
    report('stream_abuse_rss_mb', afterBoth - idle, 'MB');
    report('stream_abuse_idle_rss_mb', idle, 'MB');

    const cli = { ...env, CORE_PEER_ADDRESS: address };
    await runWeftCli(['chaincode', 'install', HOSTILE, '-n', 'hostile', '-v', '1.0', '-l', 'node'], cli);
    await runWeftCli(['chaincode', 'instantiate', '-C', 'abuse', '-n', 'hostile', '-v', '1.0', '-c', '{"Args":[]}'], cli);
    await sleep(SETTLE_MS);
    const beforeWrite = await rssMb(peer.pid);
    // 400 keys of 1 MB: the transaction fails once it passes 100 MB, and the peer lets it all go.
    await runWeftCli(['chaincode', 'query', '-C', 'abuse', '-n', 'hostile', '-c', '{"Args":["putmany","400","1048576"]}'], cli).then(
      () => {
        throw new Error('a 400 MB write set was accepted');
      },
      (err: unknown) => {
        if (!(err instanceof Error && err.message.includes('chaincode.maxWriteSetBytes'))) throw err;
      },
    );
    await sleep(SETTLE_MS);
    report('write_set_400mb_rss_mb', (await rssMb(peer.pid)) - beforeWrite, 'MB');
  } finally {
    await peer.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

/** FLOOD proposals whose bytes are not a Proposal: each is refused with an error response. */
async function floodEndorser(address: string): Promise<void> {
  const client = new peerGrpc.EndorserClient(address, credentials.createInsecure());
  let n = 0;
  const one = (): Promise<void> => {
    const signed = new SignedProposal();
    signed.setProposalBytes(Buffer.from(`not a proposal ${String(n++)}`));
    signed.setSignature(Buffer.alloc(70, 1));
    return new Promise((resolve, reject) => {
      client.processProposal(signed, (err: ServiceError | null) => (err === null ? resolve() : reject(err)));
    });
  };
  try {
    await runInFlight(one, IN_FLIGHT, FLOOD);
  } finally {
    client.close();
  }
}

/** CHAINCODE_FLOOD messages on chaincode streams, none of them a REGISTER the peer can accept. */
async function floodChaincodeStreams(address: string): Promise<void> {
  const client = new shimGrpc.ChaincodeSupportClient(address, credentials.createInsecure());
  const oneStream = (): Promise<void> =>
    new Promise((resolve) => {
      const stream = client.register();
      stream.on('data', () => undefined);
      stream.on('error', () => resolve());
      stream.on('end', () => resolve());
      stream.on('close', () => resolve());
      for (let i = 0; i < PER_STREAM; i++) {
        const msg = new ChaincodeMessage();
        // A REGISTER whose payload is no ChaincodeID, then messages no state allows.
        msg.setType(i === 0 ? MessageTypes.REGISTER : MessageTypes.GET_STATE);
        msg.setPayload(Buffer.from(`garbage ${String(i)}`));
        msg.setTxid(`tx${String(i)}`);
        stream.write(msg);
      }
      stream.end();
    });
  try {
    await runInFlight(oneStream, 16, CHAINCODE_FLOOD / PER_STREAM);
  } finally {
    client.close();
  }
}

/** The process's resident set, in MB, as the kernel counts it. */
async function rssMb(pid: number): Promise<number> {
  const status = await readFile(`/proc/${String(pid)}/status`, 'utf8');
  const kb = Number(/^VmRSS:\s+(\d+) kB$/m.exec(status)?.[1] ?? Number.NaN);
  return kb / 1024;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export const streamAbuseBenchmark: Benchmark = { name: 'stream_abuse', run };
