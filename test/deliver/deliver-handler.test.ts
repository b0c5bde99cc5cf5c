import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { credentials, type ServerDuplexStream } from '@grpc/grpc-js';
import abGrpc from '@hyperledger/fabric-protos/lib/orderer/ab_grpc_pb.js';
import { ClientError } from '../../src/client/client-error.js';
import { DeliverClient } from '../../src/client/deliver-client.js';
import { createSeekEnvelope, type SeekRequest } from '../../src/client/seek-envelope.js';
import { GrpcListener } from '../../src/comm/grpc-listener.js';
import { Envelope, Payload } from '../../src/common/protos/common.js';
import { SeekInfo, Status, type OrdererDeliverResponse } from '../../src/common/protos/deliver.js';
import { SerializedIdentity } from '../../src/common/protos/msp.js';
import { ChannelHeader, HeaderType, SignatureHeader } from '../../src/common/protos/proposal.js';
import { DeliverHandler } from '../../src/deliver/deliver-handler.js';
import { ordererDeliver } from '../../src/deliver/orderer-deliver.js';
import { defaultUserIdentity } from '../../src/msp/default-identities.js';
import { loadSigningIdentity, type SigningIdentity } from '../../src/msp/signing-identity.js';
import { captureLogging } from '../helpers/capture-logging.js';
import { testCrypto } from '../helpers/channel-block.js';
import { MemoryChain } from './memory-chain.js';

const CHANNEL = 'ordered';

/** The responses of one seek: its blocks' numbers and its final status. */
async function untilStatus(responses: AsyncIterator<OrdererDeliverResponse>): Promise<{ blocks: number[]; status: number | undefined }> {
  const blocks: number[] = [];
  for (;;) {
    const next = await responses.next();
    if (next.done === true) return { blocks, status: undefined };
    const response = next.value;
    if (response.hasStatus()) return { blocks, status: response.getStatus() };
    blocks.push(response.getBlock()?.getHeader()?.getNumber() ?? -1);
  }
}

async function nextBlock(responses: AsyncIterator<OrdererDeliverResponse>): Promise<number | undefined> {
  const next = await responses.next();
  return next.done === true ? undefined : next.value.getBlock()?.getHeader()?.getNumber();
}

/** Rewrites a seek envelope's parts and signs it again. */
function altered(envelope: Envelope, signer: SigningIdentity, change: (parts: { payload: InstanceType<typeof Payload>; channelHeader: InstanceType<typeof ChannelHeader> }) => void): Envelope {
  const payload = Payload.deserializeBinary(envelope.getPayload_asU8());
  const header = payload.getHeader();
  assert.ok(header !== undefined);
  const channelHeader = ChannelHeader.deserializeBinary(header.getChannelHeader_asU8());
  change({ payload, channelHeader });
  header.setChannelHeader(channelHeader.serializeBinary());
  payload.setHeader(header);
  const out = new Envelope();
  const bytes = payload.serializeBinary();
  out.setPayload(bytes);
  out.setSignature(signer.sign(bytes));
  return out;
}

describe('the Deliver handler served as an orderer AtomicBroadcast.Deliver', () => {
  const chain = new MemoryChain(CHANNEL);
  const { logging, lines } = captureLogging('info');
  let listener: GrpcListener;
  let raw: InstanceType<typeof abGrpc.AtomicBroadcastClient>;
  let signer: SigningIdentity;
  let allowed = true;
  let sequence = 0;
  let authorizations = 0;

  before(async () => {
    chain.append(4);
    signer = await loadSigningIdentity(defaultUserIdentity(await testCrypto(), 'User1').mspDir, 'Org1MSP');
    const handler = new DeliverHandler({
      chains: (channelId) => (channelId === CHANNEL ? chain : undefined),
      authorize: (channelId, envelope, kind) => {
        authorizations++;
        const creator = SignatureHeader.deserializeBinary(Payload.deserializeBinary(envelope.getPayload_asU8()).getHeader()?.getSignatureHeader_asU8() ?? new Uint8Array());
        assert.equal(channelId, CHANNEL);
        assert.equal(kind, 'block');
        if (!allowed) throw new Error(`${SerializedIdentity.deserializeBinary(creator.getCreator_asU8()).getMspid()} is not one of /Channel/Readers`);
      },
      configSequence: () => sequence,
      logger: logging.logger('common.deliver'),
    });
    listener = await GrpcListener.start('127.0.0.1:0', (server) => {
      server.addService(abGrpc.AtomicBroadcastService, {
        broadcast: (call: ServerDuplexStream<Envelope, unknown>) => {
          call.end();
        },
        deliver: ordererDeliver(handler, logging.logger('common.deliver')),
      });
    });
    raw = new abGrpc.AtomicBroadcastClient(listener.address, credentials.createInsecure());
  });

  after(async () => {
    raw.close();
    await listener.stop(100);
  });

  const seek = (req: Omit<SeekRequest, 'channelId'> & { channelId?: string }) => createSeekEnvelope({ channelId: CHANNEL, ...req }, signer);

  test('several seeks on one stream, each answered by its blocks and SUCCESS; the stream ends when the client ends it', async () => {
    const call = raw.deliver();
    const responses = call[Symbol.asyncIterator]() as AsyncIterator<OrdererDeliverResponse>;
    call.write(seek({ start: 0, stop: 1 }));
    assert.deepEqual(await untilStatus(responses), { blocks: [0, 1], status: Status.SUCCESS });
    call.write(seek({ start: 'newest', stop: 'newest' }));
    assert.deepEqual(await untilStatus(responses), { blocks: [chain.height() - 1], status: Status.SUCCESS });
    call.write(seek({ start: 'oldest', stop: 'oldest' }));
    assert.deepEqual(await untilStatus(responses), { blocks: [0], status: Status.SUCCESS });
    call.end();
    assert.deepEqual(await untilStatus(responses), { blocks: [], status: undefined });
  });

  async function answer(envelope: Envelope): Promise<{ blocks: number[]; status: number | undefined; endsStream: boolean }> {
    const call = raw.deliver();
    const responses = call[Symbol.asyncIterator]() as AsyncIterator<OrdererDeliverResponse>;
    call.write(envelope);
    const first = await untilStatus(responses);
    // Any status but SUCCESS ends the stream: the server closes it without waiting for the client.
    const rest = await untilStatus(responses);
    call.end();
    return { ...first, endsStream: rest.status === undefined && rest.blocks.length === 0 };
  }

  test('malformed seeks are BAD_REQUEST, and end the stream', async () => {
    const good = seek({ start: 'oldest', stop: 'newest' });
    const cases: Array<[string, Envelope]> = [
      ['not a DELIVER_SEEK_INFO', altered(good, signer, ({ channelHeader }) => channelHeader.setType(HeaderType.ENDORSER_TRANSACTION))],
      ['a timestamp an hour old', altered(good, signer, ({ channelHeader }) => channelHeader.getTimestamp()?.setSeconds(Math.floor(Date.now() / 1000) - 3600))],
      ['no timestamp', altered(good, signer, ({ channelHeader }) => channelHeader.clearTimestamp())],
      ['no stop', altered(good, signer, ({ payload }) => {
        const info = SeekInfo.deserializeBinary(payload.getData_asU8());
        info.clearStop();
        payload.setData(info.serializeBinary());
      })],
      ['a SeekInfo that is not one', altered(good, signer, ({ payload }) => payload.setData(Buffer.from([0xff, 0xff, 0xff])))],
    ];
    for (const [name, envelope] of cases) {
      assert.deepEqual(await answer(envelope), { blocks: [], status: Status.BAD_REQUEST, endsStream: true }, name);
    }
    const noPayload = new Envelope();
    noPayload.setPayload(Buffer.from([0x0a, 0x05, 0x01]));
    assert.equal((await answer(noPayload)).status, Status.BAD_REQUEST, 'an unreadable payload');
    assert.ok(lines.some((l) => l.includes('[common.deliver]') && l.includes('error parsing envelope from') && l.includes('channel header in envelope must contain timestamp')));
  });

  test('a refused reader gets FORBIDDEN; a config change re-checks a running stream and can end it', async () => {
    allowed = false;
    try {
      assert.deepEqual(await answer(seek({ start: 'oldest', stop: 'newest' })), { blocks: [], status: Status.FORBIDDEN, endsStream: true });
    } finally {
      allowed = true;
    }
    const call = raw.deliver();
    const responses = call[Symbol.asyncIterator]() as AsyncIterator<OrdererDeliverResponse>;
    const start = chain.height();
    call.write(seek({ start }));
    chain.append(2);
    assert.deepEqual(await nextBlock(responses), start);
    const checked = authorizations;
    assert.deepEqual(await nextBlock(responses), start + 1);
    assert.equal(authorizations, checked, 'no new check while the config is unchanged');
    allowed = false;
    sequence++;
    try {
      chain.append();
      assert.deepEqual(await untilStatus(responses), { blocks: [], status: Status.FORBIDDEN });
    } finally {
      allowed = true;
      call.end();
    }
    assert.ok(lines.some((l) => l.includes('Client authorization revoked for deliver request from') && l.includes('is not one of /Channel/Readers')));
  });

  test('the Deliver client reads an orderer: full blocks only, statuses as ClientErrors', async () => {
    const client = await DeliverClient.connect(listener.address, { service: 'orderer', signer });
    try {
      const got: number[] = [];
      for await (const block of client.blocks({ channelId: CHANNEL, start: 1, stop: 3 })) got.push(block.getHeader()?.getNumber() ?? -1);
      assert.deepEqual(got, [1, 2, 3]);
      await assert.rejects(client.filteredBlocks({ channelId: CHANNEL, start: 'oldest' }).next(), (err) => err instanceof ClientError && err.code === 'CALL_FAILED');
      await assert.rejects(client.blocks({ channelId: 'nochannel', start: 'oldest' }).next(), (err) => err instanceof ClientError && err.code === 'NOT_FOUND');
    } finally {
      client.close();
    }
  });

  test('the Deliver client: an unreachable orderer is PEER_UNREACHABLE', async () => {
    const stopped = await GrpcListener.start('127.0.0.1:0', () => undefined);
    await stopped.stop(0);
    const client = await DeliverClient.connect(stopped.address, { service: 'orderer', signer });
    try {
      await assert.rejects(client.blocks({ channelId: CHANNEL, start: 'oldest' }).next(), (err) => err instanceof ClientError && err.code === 'PEER_UNREACHABLE');
    } finally {
      client.close();
    }
  });
});
