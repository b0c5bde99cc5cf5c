import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { credentials, status, type Client, type ClientDuplexStream, type ServerDuplexStream } from '@grpc/grpc-js';
import abPb from '@hyperledger/fabric-protos/lib/orderer/ab_pb.js';
import abGrpc from '@hyperledger/fabric-protos/lib/orderer/ab_grpc_pb.js';
import type { DeliverResponse } from '../../src/common/protos/orderer.js';
import { common, type Envelope } from '../../src/ledger/protos.js';
import { ORDERER_DELIVER_POLICY, type OrdererDeliverChannels } from '../../src/orderer/deliver-service.js';
import { OrdererNode } from '../../src/orderer/orderer-node.js';
import { captureLogging } from '../helpers/capture-logging.js';
import { tempDir } from '../helpers/temp-dir.js';
import { channelBlock, ordererSigner, org1Identities, signedEnvelope } from './orderer-test-kit.js';

type Deliverer = Client & { deliver(): ClientDuplexStream<Envelope, DeliverResponse> };

/** Sends one envelope on a Deliver stream: the responses, or the gRPC error that ended it. */
async function deliverOnce(address: string, envelope: Envelope): Promise<{ responses: DeliverResponse[]; code: number | undefined }> {
  const client = new abGrpc.AtomicBroadcastClient(address, credentials.createInsecure()) as Deliverer;
  try {
    const call = client.deliver();
    const responses: DeliverResponse[] = [];
    return await new Promise((resolve) => {
      call.on('data', (r: DeliverResponse) => responses.push(r));
      call.on('error', (err: { code?: number }) => resolve({ responses, code: err.code }));
      call.on('end', () => resolve({ responses, code: undefined }));
      call.write(envelope);
      call.end();
    });
  } finally {
    client.close();
  }
}

test('without a Deliver handler the orderer answers Deliver with UNIMPLEMENTED', async () => {
  const node = await OrdererNode.start({ listenAddress: '127.0.0.1:0', fileLedgerLocation: join(await tempDir(), 'o'), signer: await ordererSigner(), logging: captureLogging().logging, version: 'test' });
  try {
    const { code } = await deliverOnce(node.address, new common.Envelope());
    assert.equal(code, status.UNIMPLEMENTED);
  } finally {
    await node.stop();
  }
});

test("the Deliver handler the factory makes serves the orderer's stream, over the registrar's chains and their Readers policy", async () => {
  const { admin } = await org1Identities();
  let seen: OrdererDeliverChannels | undefined;
  // A stand-in for src/deliver's handler: it answers a request with the channel's newest block.
  const deliver = (channels: OrdererDeliverChannels) => {
    seen = channels;
    return {
      handle: (call: ServerDuplexStream<Envelope, DeliverResponse>): void => {
        call.on('data', (envelope: Envelope) => {
          void (async () => {
            const payload = common.Payload.deserializeBinary(envelope.getPayload_asU8());
            const channelId = common.ChannelHeader.deserializeBinary(payload.getHeader()?.getChannelHeader_asU8() ?? new Uint8Array(0)).getChannelId();
            const channel = channels.get(channelId);
            assert.ok(channel?.policies.getPolicy(ORDERER_DELIVER_POLICY) !== undefined);
            const reply = new abPb.DeliverResponse();
            reply.setBlock(await channel.reader.getBlockByNumber(channel.reader.height() - 1));
            call.write(reply);
            call.end();
          })();
        });
      },
    };
  };
  const node = await OrdererNode.start({ listenAddress: '127.0.0.1:0', fileLedgerLocation: join(await tempDir(), 'o'), signer: await ordererSigner(), logging: captureLogging().logging, version: 'test', deliver });
  try {
    await node.registrar.joinChannel(await channelBlock('mychannel', {}));
    const { responses, code } = await deliverOnce(node.address, signedEnvelope('mychannel', common.HeaderType.DELIVER_SEEK_INFO, admin));
    assert.equal(code, undefined);
    assert.equal(responses[0]?.getBlock()?.getHeader()?.getNumber(), 0);
    assert.equal(seen?.get('nochannel'), undefined);
    assert.equal(seen?.get('mychannel')?.sequence, 0);
  } finally {
    await node.stop();
  }
});
