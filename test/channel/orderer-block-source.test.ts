import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { ServerDuplexStream } from '@grpc/grpc-js';
import abGrpc from '@hyperledger/fabric-protos/lib/orderer/ab_grpc_pb.js';
import { BlockSourceError } from '../../src/channel/block-source-error.js';
import { OrdererBlockSource, retryDelayMs } from '../../src/channel/orderer-block-source.js';
import { GrpcListener } from '../../src/comm/grpc-listener.js';
import type { Block, Envelope } from '../../src/common/protos/common.js';
import { DeliverHandler } from '../../src/deliver/deliver-handler.js';
import { ordererDeliver } from '../../src/deliver/orderer-deliver.js';
import { defaultUserIdentity } from '../../src/msp/default-identities.js';
import { loadSigningIdentity, type SigningIdentity } from '../../src/msp/signing-identity.js';
import { captureLogging } from '../helpers/capture-logging.js';
import { testCrypto } from '../helpers/channel-block.js';
import { MemoryChain } from '../deliver/memory-chain.js';

const CHANNEL = 'pulled';

describe("the committer's block source over an ordering service's Deliver", () => {
  const chain = new MemoryChain(CHANNEL);
  const { logging, lines } = captureLogging('info');
  const handler = new DeliverHandler({
    chains: (channelId) => (channelId === CHANNEL ? chain : undefined),
    authorize: () => undefined,
    logger: logging.logger('common.deliver'),
  });
  let signer: SigningIdentity;
  const servers = new Set<GrpcListener>();

  /** An AtomicBroadcast server of the chain on `address` (127.0.0.1:0 picks a port). */
  async function startOrderer(address = '127.0.0.1:0'): Promise<GrpcListener> {
    const listener = await GrpcListener.start(address, (server) => {
      server.addService(abGrpc.AtomicBroadcastService, {
        broadcast: (call: ServerDuplexStream<Envelope, unknown>) => {
          call.end();
        },
        deliver: ordererDeliver(handler, logging.logger('common.deliver')),
      });
    });
    servers.add(listener);
    return listener;
  }

  async function kill(listener: GrpcListener): Promise<void> {
    servers.delete(listener);
    await listener.stop(0);
  }

  const numberOf = (r: IteratorResult<Block, unknown>) => (r.done === true ? undefined : r.value.getHeader()?.getNumber());

  before(async () => {
    chain.append(4);
    signer = await loadSigningIdentity(defaultUserIdentity(await testCrypto(), 'User1').mspDir, 'Org1MSP');
  });

  after(async () => {
    for (const listener of servers) await listener.stop(0);
  });

  test("Fabric's retry schedule: 100 ms, 1.2 times longer each failure, capped at the threshold", () => {
    assert.deepEqual([1, 2, 3, 4].map((n) => retryDelayMs(n)), [100, 120, 144, 173]);
    assert.equal(retryDelayMs(200), 3600_000);
    assert.equal(retryDelayMs(30, { initialRetryDelayMs: 10, reconnectBackoffThresholdMs: 50 }), 50);
  });

  test('blocks from the start asked for, then new ones as they are cut; a killed orderer is reconnected to and the stream resumes after the last block', async () => {
    const first = await startOrderer();
    const source = new OrdererBlockSource({ channelId: CHANNEL, endpoints: [{ address: first.address }], signer, initialRetryDelayMs: 10, logger: logging.logger('deliveryClient') });
    const abort = new AbortController();
    const blocks = source.blocks(2, abort.signal);
    assert.deepEqual([numberOf(await blocks.next()), numberOf(await blocks.next()), numberOf(await blocks.next())], [2, 3, 4]);
    const waiting = blocks.next();
    while (chain.waiting === 0) await new Promise((r) => setImmediate(r));
    chain.append();
    assert.equal(numberOf(await waiting), 5);

    // The orderer dies mid-stream; blocks are cut meanwhile; it comes back on the same address.
    const pending = blocks.next();
    await kill(first);
    chain.append(2);
    while (!lines.some((l) => l.includes('Disconnected from ordering service. Attempt to re-connect in'))) await new Promise((r) => setImmediate(r));
    await startOrderer(first.address);
    assert.deepEqual([numberOf(await pending), numberOf(await blocks.next())], [6, 7], 'no block lost, none twice');
    const later = blocks.next();
    while (chain.waiting === 0) await new Promise((r) => setImmediate(r));
    chain.append();
    assert.equal(numberOf(await later), 8);
    abort.abort();
    assert.equal((await blocks.next()).done, true, 'aborting ends the blocks');
  });

  test('a restarted committer resumes from its height; an unreachable endpoint is passed over for the next', async () => {
    const dead = await startOrderer();
    await kill(dead);
    const live = await startOrderer();
    const source = new OrdererBlockSource({
      channelId: CHANNEL,
      endpoints: [{ address: dead.address }, { address: live.address }],
      signer,
      initialRetryDelayMs: 10,
      logger: logging.logger('deliveryClient'),
    });
    const abort = new AbortController();
    const got: number[] = [];
    const height = chain.height();
    for await (const block of source.blocks(height - 2, abort.signal)) {
      got.push(block.getHeader()?.getNumber() ?? -1);
      if (got.length === 2) abort.abort();
    }
    assert.deepEqual(got, [height - 2, height - 1]);
    assert.ok(lines.some((l) => l.includes(`Got error from ${dead.address}`)));
  });

  test('without endpoints the source fails at once; past reconnectTotalTimeThreshold it gives up', async () => {
    const none = new OrdererBlockSource({ channelId: CHANNEL, endpoints: [], signer, logger: logging.logger('deliveryClient') });
    await assert.rejects(none.blocks(0, new AbortController().signal).next(), (err) => err instanceof BlockSourceError && err.code === 'NO_ENDPOINTS');
    const dead = await startOrderer();
    await kill(dead);
    const hopeless = new OrdererBlockSource({
      channelId: CHANNEL,
      endpoints: [{ address: dead.address }],
      signer,
      initialRetryDelayMs: 5,
      reconnectTotalTimeThresholdMs: 20,
      logger: logging.logger('deliveryClient'),
    });
    await assert.rejects(hopeless.blocks(0, new AbortController().signal).next(), (err) => err instanceof BlockSourceError && err.code === 'GAVE_UP');
  });
});
