import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import * as grpc from '@grpc/grpc-js';
import abGrpc from '@hyperledger/fabric-protos/lib/orderer/ab_grpc_pb.js';
import { withDeliverResponseCodec } from '../../src/comm/deliver-response-codec.js';
import { GrpcListener } from '../../src/comm/grpc-listener.js';
import { zeroCopy, zeroCopyClient } from '../../src/comm/zero-copy.js';
import { Envelope, type Block } from '../../src/common/protos/common.js';
import { OrdererDeliverResponse } from '../../src/common/protos/deliver.js';
import { BroadcastResponse } from '../../src/common/protos/orderer.js';
import { newBlock } from '../../src/ledger/block-builder.js';

const listeners: GrpcListener[] = [];
after(async () => {
  for (const l of listeners) await l.stop(0);
});

test('messages read in place over real gRPC arrive whole, both ways, a large block included', async () => {
  const received: Array<{ payload: string; signature: string }> = [];
  const big = newBlock({ number: 9, previousHash: Buffer.alloc(32, 3), envelopes: [Buffer.alloc(200_000, 4), Buffer.from('small')] });
  const listener = await GrpcListener.start('127.0.0.1:0', (server) => {
    server.addService(withDeliverResponseCodec(zeroCopy(abGrpc.AtomicBroadcastService), 'deliver'), {
      broadcast: (call: grpc.ServerDuplexStream<Envelope, BroadcastResponse>) => {
        call.on('data', (e: Envelope) => {
          received.push({ payload: Buffer.from(e.getPayload_asU8()).toString(), signature: Buffer.from(e.getSignature_asU8()).toString() });
          const r = new BroadcastResponse();
          r.setStatus(200);
          r.setInfo(`got ${received.length}`);
          call.write(r);
        });
        call.on('end', () => call.end());
      },
      deliver: (call: grpc.ServerDuplexStream<Envelope, OrdererDeliverResponse>) => {
        call.once('data', () => {
          const r = new OrdererDeliverResponse();
          r.setBlock(big);
          call.write(r);
          call.end();
        });
      },
    });
  });
  listeners.push(listener);
  const Client = zeroCopyClient(grpc, abGrpc.AtomicBroadcastService, abGrpc.AtomicBroadcastClient);
  const client = new Client(listener.address, grpc.credentials.createInsecure());
  try {
    const call = client.broadcast();
    const answers: string[] = [];
    const done = new Promise<void>((resolve, reject) => {
      call.on('data', (r: BroadcastResponse) => answers.push(`${r.getStatus()} ${r.getInfo()}`));
      call.on('end', resolve);
      call.on('error', reject);
    });
    for (const [payload, signature] of [['first', 'sig1'], ['second, a little longer', 'sig2']] as const) {
      const e = new Envelope();
      e.setPayload(Buffer.from(payload));
      e.setSignature(Buffer.from(signature));
      call.write(e);
    }
    call.end();
    await done;
    assert.deepEqual(received, [{ payload: 'first', signature: 'sig1' }, { payload: 'second, a little longer', signature: 'sig2' }]);
    assert.deepEqual(answers, ['200 got 1', '200 got 2']);

    const deliver = client.deliver();
    const blocks: Block[] = [];
    const delivered = new Promise<void>((resolve, reject) => {
      deliver.on('data', (r: OrdererDeliverResponse) => {
        const block = r.getBlock();
        if (block !== undefined) blocks.push(block);
      });
      deliver.on('end', resolve);
      deliver.on('error', reject);
    });
    deliver.write(new Envelope());
    await delivered;
    assert.equal(blocks.length, 1);
    assert.equal(Buffer.from(blocks[0]?.serializeBinary() ?? []).equals(Buffer.from(big.serializeBinary())), true);
  } finally {
    client.close();
  }
});
