import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { credentials, type Client, type ClientDuplexStream } from '@grpc/grpc-js';
import abGrpc from '@hyperledger/fabric-protos/lib/orderer/ab_grpc_pb.js';
import { BroadcastClient } from '../../src/client/broadcast-client.js';
import { BatchSize, ConfigEnvelope, ConsensusType } from '../../src/common/protos/configtx.js';
import type { BroadcastResponse } from '../../src/common/protos/orderer.js';
import { blockDataHash, hashOfBlock } from '../../src/ledger/block-hash.js';
import { common, type Block, type Envelope } from '../../src/ledger/protos.js';
import type { SigningIdentity } from '../../src/msp/signing-identity.js';
import { lastConfigIndexOf } from '../../src/orderer/block-signature.js';
import { OrdererNode } from '../../src/orderer/orderer-node.js';
import { OrderingError } from '../../src/orderer/orderer-error.js';
import { captureLogging } from '../helpers/capture-logging.js';
import { tempDir } from '../helpers/temp-dir.js';
import { channelBlock, ordererSigner, org1Identities, signedEnvelope, signedTx, txIdOf, txIdsOf, verifiedSigner } from './orderer-test-kit.js';

const { HeaderType } = common;

describe('Broadcast over gRPC', () => {
  let node: OrdererNode;
  let client: BroadcastClient;
  let location: string;
  let ids: Awaited<ReturnType<typeof org1Identities>>;
  let orderer: SigningIdentity;
  let lines: string[];
  const configUpdates: string[] = [];
  const genesisOf = new Map<string, Block>();
  /** Held by the next 'slow' config update until released. */
  let slowGate: Promise<void> | undefined;

  before(async () => {
    location = join(await tempDir('weft-orderer-'), 'orderer');
    orderer = await ordererSigner();
    ids = await org1Identities();
    const logs = captureLogging();
    lines = logs.lines;
    genesisOf.set('config', await channelBlock('config', { maxMessageCount: 5 }));
    genesisOf.set('maint', await channelBlock('maint', {}));
    genesisOf.set('race', await channelBlock('race', {}));
    node = await OrdererNode.start({
      listenAddress: '127.0.0.1:0',
      fileLedgerLocation: location,
      signer: orderer,
      logging: logs.logging,
      version: 'test',
      processConfigUpdate: async (channelId, update) => {
        configUpdates.push(channelId);
        const gate = slowGate;
        if (gate !== undefined && dataOf(update) === 'slow') {
          slowGate = undefined;
          await gate;
        }
        const genesis = genesisOf.get(channelId);
        if (genesis === undefined) throw new Error(`no genesis block of ${channelId}`);
        return configEnvelopeOf(channelId, genesis, update, orderer, (node.registrar.get(channelId)?.sequence ?? 0) + 1);
      },
    });
    await node.registrar.joinChannel(await channelBlock('count', { maxMessageCount: 3, absoluteMaxBytes: 20_000 }));
    await node.registrar.joinChannel(await channelBlock('timeout', { maxMessageCount: 100, batchTimeout: '200ms' }));
    await node.registrar.joinChannel(await channelBlock('bytes', { maxMessageCount: 100, preferredMaxBytes: 25_000 }));
    for (const genesis of genesisOf.values()) await node.registrar.joinChannel(genesis);
    client = await BroadcastClient.connect(node.address);
  });

  after(async () => {
    client.close();
    await node.stop();
  });

  const chainOf = (channelId: string) => {
    const chain = node.registrar.get(channelId);
    assert.ok(chain !== undefined, channelId);
    return chain.reader();
  };
  const block = (channelId: string, n: number): Promise<Block> => chainOf(channelId).getBlockByNumber(n);
  const waitFor = (channelId: string, n: number): Promise<void> => chainOf(channelId).waitForBlock(n, AbortSignal.timeout(30_000));

  async function refusal(envelope: Envelope): Promise<{ status: number; info: string }> {
    const reply = await client.send(envelope);
    return { status: reply.getStatus(), info: reply.getInfo() };
  }

  test('a transaction is answered SUCCESS once accepted, and blocks are cut at MaxMessageCount', async () => {
    const sent = Array.from({ length: 7 }, () => signedTx('count', ids.user1));
    for (const envelope of sent) assert.deepEqual(await refusal(envelope), { status: 200, info: '' });
    // Three to a block; the seventh waits in the open batch (the timeout is an hour).
    assert.equal(chainOf('count').height(), 3);
    assert.deepEqual(txIdsOf(await block('count', 1)), sent.slice(0, 3).map(txIdOf));
    assert.deepEqual(txIdsOf(await block('count', 2)), sent.slice(3, 6).map(txIdOf));
  });

  test('the blocks are signed by the orderer, link to each other and name the last config block', async () => {
    const genesis = await block('count', 0);
    let previous = genesis;
    for (const n of [1, 2]) {
      const b = await block('count', n);
      assert.equal(verifiedSigner(b), orderer.certificatePem);
      assert.deepEqual(Buffer.from(b.getHeader()?.getPreviousHash_asU8() ?? []), Buffer.from(hashOfBlock(previous)));
      assert.deepEqual(Buffer.from(b.getHeader()?.getDataHash_asU8() ?? []), Buffer.from(blockDataHash(b.getData()?.getDataList_asU8() ?? [])));
      assert.equal(lastConfigIndexOf(b), 0);
      previous = b;
    }
    assert.ok(lines.some((l) => l.includes('[orderer.consensus.etcdraft]') && l.includes('[channel: count] Wrote block [2] with 3 transaction(s)')));
  });

  test('an open batch is cut when BatchTimeout expires', async () => {
    const sent = [signedTx('timeout', ids.user1), signedTx('timeout', ids.admin)];
    for (const envelope of sent) assert.equal((await refusal(envelope)).status, 200);
    await waitFor('timeout', 1);
    assert.deepEqual(txIdsOf(await block('timeout', 1)), sent.map(txIdOf));
  });

  test('a batch is cut before PreferredMaxBytes is passed, and a larger message goes in a block of its own', async () => {
    const sent = [signedTx('bytes', ids.user1, 10_000), signedTx('bytes', ids.user1, 10_000), signedTx('bytes', ids.user1, 10_000)];
    for (const envelope of sent) assert.equal((await refusal(envelope)).status, 200);
    assert.equal(chainOf('bytes').height(), 2);
    assert.deepEqual(txIdsOf(await block('bytes', 1)), sent.slice(0, 2).map(txIdOf));
    const big = signedTx('bytes', ids.user1, 30_000);
    assert.equal((await refusal(big)).status, 200);
    assert.equal(chainOf('bytes').height(), 4);
    assert.deepEqual(txIdsOf(await block('bytes', 2)), [txIdOf(sent[2] as Envelope)]);
    assert.deepEqual(txIdsOf(await block('bytes', 3)), [txIdOf(big)]);
  });

  test('an empty or unreadable envelope is refused with BAD_REQUEST', async () => {
    assert.deepEqual(await refusal(new common.Envelope()), { status: 400, info: 'could not determine channel ID: header not set' });
    const garbage = new common.Envelope();
    garbage.setPayload(Uint8Array.from([0x0a, 0x05, 0x01]));
    const reply = await refusal(garbage);
    assert.equal(reply.status, 400);
    assert.match(reply.info, /^could not determine channel ID: error unmarshalling Payload: /);
  });

  test('a payload whose headers cannot be read is refused with BAD_REQUEST, naming the part', async () => {
    const withHeaders = (channelHeader: Uint8Array, signatureHeader: Uint8Array): Envelope => {
      const header = new common.Header();
      header.setChannelHeader(channelHeader);
      header.setSignatureHeader(signatureHeader);
      const payload = new common.Payload();
      payload.setHeader(header);
      const envelope = new common.Envelope();
      envelope.setPayload(payload.serializeBinary());
      envelope.setSignature(Uint8Array.of(1));
      return envelope;
    };
    const channelHeader = new common.ChannelHeader();
    channelHeader.setType(HeaderType.ENDORSER_TRANSACTION);
    channelHeader.setChannelId('count');
    // A length-delimited field whose length runs past the end.
    const cut = Uint8Array.of(0x0a, 0x7f, 0x01);
    assert.deepEqual(await refusal(withHeaders(new Uint8Array(0), Uint8Array.of(0x0a, 0x00))), { status: 400, info: 'could not determine channel ID: channel header not set' });
    const badChannelHeader = await refusal(withHeaders(cut, new Uint8Array(0)));
    assert.equal(badChannelHeader.status, 400);
    assert.match(badChannelHeader.info, /^could not determine channel ID: error unmarshalling channel header: /);
    const badSignatureHeader = await refusal(withHeaders(channelHeader.serializeBinary(), cut));
    assert.equal(badSignatureHeader.status, 400);
    assert.match(badSignatureHeader.info, /^could not convert message to signedData: error unmarshalling SignatureHeader: /);
    // Readable headers without a creator: nobody signed it, so no Writer did.
    assert.equal((await refusal(withHeaders(channelHeader.serializeBinary(), new Uint8Array(0)))).status, 403);
  });

  test('an envelope for a channel the orderer does not serve is refused, as Fabric refuses it (BAD_REQUEST)', async () => {
    assert.deepEqual(await refusal(signedTx('nochannel', ids.user1)), { status: 400, info: 'channel does not exist: nochannel' });
  });

  test('a message over AbsoluteMaxBytes is refused with BAD_REQUEST', async () => {
    const big = signedTx('count', ids.user1, 20_000);
    const reply = await refusal(big);
    assert.equal(reply.status, 400);
    assert.match(reply.info, /^message payload is \d+ bytes and exceeds maximum allowed 20000 bytes$/);
  });

  test('a signer who is not a Writer of the channel, and a bad signature, are refused with FORBIDDEN', async () => {
    const byPeer = await refusal(signedTx('count', ids.peer));
    assert.equal(byPeer.status, 403);
    assert.match(byPeer.info, /permission denied$/);
    const forged = signedTx('count', ids.user1);
    forged.setSignature(ids.admin.sign(forged.getPayload_asU8()));
    assert.equal((await refusal(forged)).status, 403);
    assert.ok(lines.some((l) => l.includes('[orderer.common.broadcast]') && /\[channel: count\] Rejecting broadcast of normal message from .* because of error: .*permission denied$/.test(l)));
  });

  test('a creator whose certificate has expired is refused with BAD_REQUEST', async () => {
    assert.deepEqual(await refusal(signedTx('count', ids.expired)), { status: 400, info: 'broadcast client identity expired' });
  });

  test('a CONFIG envelope sent directly is refused', async () => {
    assert.deepEqual(await refusal(signedEnvelope('count', HeaderType.CONFIG, ids.admin)), { status: 400, info: 'message is of type that cannot be processed directly' });
  });

  test('a CONFIG_UPDATE is worked out by processConfigUpdate and written alone in a config block; the new config rules the cutting', async () => {
    const pending = signedTx('config', ids.user1);
    assert.equal((await refusal(pending)).status, 200);
    const update = signedEnvelope('config', HeaderType.CONFIG_UPDATE, ids.admin);
    assert.deepEqual(await refusal(update), { status: 200, info: '' });
    assert.deepEqual(configUpdates, ['config']);
    // The open batch first, then the config block.
    assert.deepEqual(txIdsOf(await block('config', 1)), [txIdOf(pending)]);
    const configBlock = await block('config', 2);
    assert.equal(lastConfigIndexOf(configBlock), 2);
    assert.equal(verifiedSigner(configBlock), orderer.certificatePem);
    assert.equal(node.registrar.get('config')?.sequence, 1);
    // MaxMessageCount is 2 now.
    for (let i = 0; i < 2; i++) assert.equal((await refusal(signedTx('config', ids.user1))).status, 200);
    assert.equal(chainOf('config').height(), 4);
    assert.equal(lastConfigIndexOf(await block('config', 3)), 2);
  });

  test('a config update processConfigUpdate refuses is answered with its status, and nothing is written', async () => {
    const before = chainOf('config').height();
    assert.deepEqual(await refusal(signedEnvelope('config', HeaderType.CONFIG_UPDATE, ids.user1, Buffer.from('forbidden'))), {
      status: 403,
      info: 'the update does not satisfy /Channel/Application/Admins',
    });
    assert.deepEqual(await refusal(signedEnvelope('config', HeaderType.CONFIG_UPDATE, ids.admin, Buffer.from('broken'))), {
      status: 400,
      info: "error applying config update to existing channel 'config': the update is malformed",
    });
    // The update's own signer must be a Writer, before it is worked out.
    assert.equal((await refusal(signedEnvelope('config', HeaderType.CONFIG_UPDATE, ids.peer, Buffer.from('x')))).status, 403);
    assert.equal(chainOf('config').height(), before);
  });

  test('in maintenance mode normal transactions are refused with SERVICE_UNAVAILABLE', async () => {
    assert.equal((await refusal(signedEnvelope('maint', HeaderType.CONFIG_UPDATE, ids.admin, Buffer.from('maintenance')))).status, 200);
    assert.equal(node.registrar.get('maint')?.bundle.config.orderer?.state, 1);
    assert.deepEqual(await refusal(signedTx('maint', ids.user1)), { status: 503, info: 'maintenance mode: normal transactions are rejected' });
  });

  test('a config update worked out against a config replaced meanwhile is worked out again', async () => {
    let release = (): void => undefined;
    slowGate = new Promise<void>((resolve) => (release = resolve));
    const before = configUpdates.length;
    const slow = client.send(signedEnvelope('race', HeaderType.CONFIG_UPDATE, ids.admin, Buffer.from('slow')));
    while (configUpdates.length === before) await new Promise((resolve) => setImmediate(resolve));
    assert.equal((await refusal(signedEnvelope('race', HeaderType.CONFIG_UPDATE, ids.admin, Buffer.from('fast')))).status, 200);
    release();
    assert.equal((await slow).getStatus(), 200);
    // slow, fast, then slow again against the config fast made.
    assert.deepEqual(configUpdates.slice(before), ['race', 'race', 'race']);
    assert.equal(node.registrar.get('race')?.sequence, 2);
    assert.equal(chainOf('race').height(), 3);
  });

  test('one stream carries many envelopes, one answer each in order; a refusal is the last answer of its stream', async () => {
    const grpcClient = new abGrpc.AtomicBroadcastClient(node.address, credentials.createInsecure()) as Client & { broadcast(): ClientDuplexStream<Envelope, BroadcastResponse> };
    try {
      const call = grpcClient.broadcast();
      const answers: number[] = [];
      const ended = new Promise<void>((resolve, reject) => {
        call.on('data', (reply: BroadcastResponse) => answers.push(reply.getStatus()));
        call.on('end', resolve);
        call.on('error', reject);
      });
      call.write(signedTx('timeout', ids.user1));
      call.write(signedTx('timeout', ids.user1));
      call.write(signedTx('nochannel', ids.user1));
      call.write(signedTx('timeout', ids.user1));
      call.end();
      await ended;
      assert.deepEqual(answers, [200, 200, 400]);
    } finally {
      grpcClient.close();
    }
  });

  test('without processConfigUpdate a CONFIG_UPDATE is refused, naming its header type', async () => {
    const { logging } = captureLogging();
    const other = await OrdererNode.start({ listenAddress: '127.0.0.1:0', fileLedgerLocation: join(await tempDir(), 'o'), signer: orderer, logging, version: 'test' });
    const otherClient = await BroadcastClient.connect(other.address);
    try {
      await other.registrar.joinChannel(await channelBlock('plain', {}));
      const reply = await otherClient.send(signedEnvelope('plain', HeaderType.CONFIG_UPDATE, ids.admin));
      assert.equal(reply.getStatus(), 400);
      assert.match(reply.getInfo(), /CONFIG_UPDATE/);
    } finally {
      otherClient.close();
      await other.stop();
    }
  });

  test('joining a channel twice, or with a block that is not a config block, is refused', async () => {
    await assert.rejects(node.registrar.joinChannel(await channelBlock('count', {})), (err: unknown) => err instanceof OrderingError && err.code === 'CHANNEL_EXISTS');
    await assert.rejects(node.registrar.joinChannel(await block('count', 1)), (err: unknown) => err instanceof OrderingError && err.code === 'INVALID_JOIN_BLOCK');
    assert.deepEqual(node.registrar.list().map((c) => c.name), ['bytes', 'config', 'count', 'maint', 'race', 'timeout']);
  });
});

describe('an orderer restarted on its folder', () => {
  test('serves the same channels from the height it had, and numbers new blocks after it; a removed channel is gone', async () => {
    const location = join(await tempDir('weft-orderer-'), 'orderer');
    const orderer = await ordererSigner();
    const { user1 } = await org1Identities();
    const { logging, lines } = captureLogging();
    const start = () => OrdererNode.start({ listenAddress: '127.0.0.1:0', fileLedgerLocation: location, signer: orderer, logging, version: 'test' });
    let node = await start();
    await node.registrar.joinChannel(await channelBlock('mychannel', { maxMessageCount: 2 }));
    await node.registrar.joinChannel(await channelBlock('gone', {}));
    let client = await BroadcastClient.connect(node.address);
    for (let i = 0; i < 4; i++) assert.equal((await client.send(signedTx('mychannel', user1))).getStatus(), 200);
    client.close();
    await node.stop();

    node = await start();
    assert.deepEqual(node.registrar.list(), [
      { name: 'gone', height: 1, consensusRelation: 'consenter', status: 'active' },
      { name: 'mychannel', height: 3, consensusRelation: 'consenter', status: 'active' },
    ]);
    assert.ok(lines.some((l) => l.includes('Starting channel: mychannel at height 3')));
    client = await BroadcastClient.connect(node.address);
    for (let i = 0; i < 2; i++) assert.equal((await client.send(signedTx('mychannel', user1))).getStatus(), 200);
    const chain = node.registrar.get('mychannel')?.reader();
    assert.equal(chain?.height(), 4);
    const b3 = await chain.getBlockByNumber(3);
    assert.deepEqual(Buffer.from(b3.getHeader()?.getPreviousHash_asU8() ?? []), Buffer.from(hashOfBlock(await chain.getBlockByNumber(2))));
    await node.registrar.remove('gone');
    await assert.rejects(node.registrar.remove('gone'), (err: unknown) => err instanceof OrderingError && err.code === 'NOT_FOUND');
    assert.equal((await client.send(signedTx('gone', user1))).getStatus(), 400);
    client.close();
    await node.stop();
    // A join that died before its block was written leaves an empty chain: it is cleared at start.
    await mkdir(join(location, 'chains', 'halfjoined'), { recursive: true });
    node = await start();
    assert.deepEqual(node.registrar.list().map((c) => c.name), ['mychannel']);
    assert.ok(lines.some((l) => l.includes('Removing channel halfjoined: its chain holds no block')));
    await node.registrar.joinChannel(await channelBlock('halfjoined', {}));
    assert.equal(node.registrar.get('halfjoined')?.reader().height(), 1);
    await node.stop();
  });
});

/** A stand-in for the participation helper's processConfigUpdate: the channel's genesis config at `sequence`, changed as the update's data asks (maintenance mode, or MaxMessageCount 2), signed by the orderer; 'forbidden' and 'broken' are refused. */
function configEnvelopeOf(channelId: string, genesis: Block, update: Envelope, signer: SigningIdentity, sequence: number): Envelope {
  const asked = dataOf(update);
  if (asked === 'forbidden') throw new OrderingError('FORBIDDEN', 'the update does not satisfy /Channel/Application/Admins');
  if (asked === 'broken') throw new Error('the update is malformed');
  const next = configOf(genesis).clone();
  next.setSequence(sequence);
  const orderer = next.getChannelGroup()?.getGroupsMap().get('Orderer')?.getValuesMap();
  if (asked === 'maintenance') {
    const consensus = ConsensusType.deserializeBinary(orderer?.get('ConsensusType')?.getValue_asU8() ?? new Uint8Array(0));
    consensus.setState(1);
    orderer?.get('ConsensusType')?.setValue(consensus.serializeBinary());
  } else {
    const batchSize = new BatchSize();
    batchSize.setMaxMessageCount(2);
    batchSize.setAbsoluteMaxBytes(99 * 1024 * 1024);
    batchSize.setPreferredMaxBytes(512 * 1024);
    orderer?.get('BatchSize')?.setValue(batchSize.serializeBinary());
  }
  const configEnvelope = new ConfigEnvelope();
  configEnvelope.setConfig(next);
  configEnvelope.setLastUpdate(update);
  return signedEnvelope(channelId, HeaderType.CONFIG, signer, configEnvelope.serializeBinary());
}

/** The data of an envelope's payload, as text. */
function dataOf(envelope: Envelope): string {
  return Buffer.from(common.Payload.deserializeBinary(envelope.getPayload_asU8()).getData_asU8()).toString();
}

/** The Config of a genesis block. */
function configOf(genesis: Block): NonNullable<ReturnType<InstanceType<typeof ConfigEnvelope>['getConfig']>> {
  const envelope = common.Envelope.deserializeBinary(genesis.getData()?.getDataList_asU8()[0] ?? new Uint8Array(0));
  const config = ConfigEnvelope.deserializeBinary(common.Payload.deserializeBinary(envelope.getPayload_asU8()).getData_asU8()).getConfig();
  if (config === undefined) throw new Error('the genesis block holds no config');
  return config;
}
