// Ordering benchmark: signed endorser transactions broadcast over gRPC to an OrdererNode (one
// channel, MaxMessageCount 500, BatchTimeout 200ms), several streams each sending its next
// envelope once the last is answered; reports the transactions accepted per second and the
// blocks per second written (each signed and fdatasync'd). The envelopes are signed beforehand.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { credentials, type Client, type ClientDuplexStream } from '@grpc/grpc-js';
import abGrpc from '@hyperledger/fabric-protos/lib/orderer/ab_grpc_pb.js';
import type { BroadcastResponse } from '../src/common/protos/orderer.js';
import { Logging } from '../src/common/logging/logging.js';
import type { Envelope } from '../src/ledger/protos.js';
import { OrdererNode } from '../src/orderer/orderer-node.js';
import { channelBlock, ordererSigner, org1Identities, signedTx } from '../test/orderer/orderer-test-kit.js';
import type { Benchmark, Report } from './harness.js';
import { runInFlight } from './harness.js';

const STREAMS = 16;
const TOTAL = 20_000;

type Broadcaster = Client & { broadcast(): ClientDuplexStream<Envelope, BroadcastResponse> };

async function run(report: Report): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'weft-bench-orderer-'));
  const node = await OrdererNode.start({
    listenAddress: '127.0.0.1:0',
    fileLedgerLocation: join(dir, 'orderer'),
    signer: await ordererSigner(),
    logging: new Logging({ spec: 'warning' }),
    version: 'bench',
  });
  const client = new abGrpc.AtomicBroadcastClient(node.address, credentials.createInsecure()) as Broadcaster;
  try {
    await node.registrar.joinChannel(await channelBlock('bench', { maxMessageCount: 500, batchTimeout: '200ms' }));
    const { user1 } = await org1Identities();
    const envelopes = Array.from({ length: TOTAL }, () => signedTx('bench', user1, 1000));
    // One stream per in-flight slot; each resolves its oldest waiter as answers come, in order.
    const streams = Array.from({ length: STREAMS }, () => {
      const call = client.broadcast();
      const waiting: Array<(status: number) => void> = [];
      call.on('data', (reply: BroadcastResponse) => waiting.shift()?.(reply.getStatus()));
      return { call, waiting };
    });
    let next = 0;
    let slot = 0;
    const chain = node.registrar.get('bench')?.reader();
    const heightBefore = chain?.height() ?? 0;
    const { perSecond } = await runInFlight(
      () => {
        const stream = streams[slot++ % STREAMS];
        const envelope = envelopes[next++];
        if (stream === undefined || envelope === undefined) return Promise.reject(new Error('no stream'));
        return new Promise<number>((resolve, reject) => {
          stream.waiting.push((status) => (status === 200 ? resolve(status) : reject(new Error(`status ${String(status)}`))));
          stream.call.write(envelope);
        });
      },
      STREAMS,
      TOTAL,
    );
    report('orderer.broadcast', perSecond, 'tx/s');
    report('orderer.blocks', (chain?.height() ?? 0) - heightBefore, 'blocks');
    for (const { call } of streams) call.end();
  } finally {
    client.close();
    await node.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

export const ordererBenchmark: Benchmark = { name: 'orderer', run };
