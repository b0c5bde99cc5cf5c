import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { ClientError } from '../../src/client/client-error.js';
import type { DeliverClient } from '../../src/client/deliver-client.js';
import type { Block } from '../../src/common/protos/common.js';
import { ChaincodeEvent } from '../../src/common/protos/peer.js';
import { TxValidationCode } from '../../src/common/protos/orderer.js';
import { HeaderType } from '../../src/common/protos/proposal.js';
import { signingIdentity, loadSigningIdentity, type SigningIdentity } from '../../src/msp/signing-identity.js';
import { OpensslCa, writeMspFolder } from '../helpers/openssl-ca.js';
import { CHANNEL, collect, issueOrg1Client, opensslDate, startDeliverFixture, type DeliverFixture } from './deliver-fixture.js';

const numbers = (blocks: Array<{ getHeader(): { getNumber(): number } | undefined }>) => blocks.map((b) => b.getHeader()?.getNumber());
const numberOf = (r: IteratorResult<Block, void>) => (r.done === true ? -1 : (r.value.getHeader()?.getNumber() ?? -1));
const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

async function refusal(promise: Promise<unknown>): Promise<ClientError> {
  try {
    await promise;
  } catch (err) {
    assert.ok(err instanceof ClientError, `a ClientError, not ${String(err)}`);
    return err;
  }
  assert.fail('the seek was not refused');
}

describe('the peer Deliver service over a real ledger, real gRPC and signed seeks', () => {
  let fx: DeliverFixture;
  let client: DeliverClient;

  before(async () => {
    fx = await startDeliverFixture();
    for (let i = 0; i < 4; i++) await fx.commit();
    client = await fx.connect(fx.member);
  });
  after(() => fx.close());

  test('oldest to newest: every block on the ledger, then the stream ends', async () => {
    const height = fx.reader.height();
    assert.deepEqual(numbers(await collect(client.blocks({ channelId: CHANNEL, start: 'oldest', stop: 'newest' }))), range(0, height - 1));
  });

  test('newest to newest: the last block only; oldest to oldest: the genesis block', async () => {
    const last = fx.reader.height() - 1;
    assert.deepEqual(numbers(await collect(client.blocks({ channelId: CHANNEL, start: 'newest', stop: 'newest' }))), [last]);
    const genesis = await collect(client.blocks({ channelId: CHANNEL, start: 'oldest', stop: 'oldest' }));
    assert.deepEqual(numbers(genesis), [0]);
    assert.equal(genesis[0]?.serializeBinary().length, (await fx.ledger.getBlockByNumber(0)).serializeBinary().length);
  });

  test('specified start and stop: that range, inclusive', async () => {
    assert.deepEqual(numbers(await collect(client.blocks({ channelId: CHANNEL, start: 1, stop: 3 }))), [1, 2, 3]);
    assert.deepEqual(numbers(await collect(client.blocks({ channelId: CHANNEL, start: 2, stop: 2 }))), [2]);
  });

  test('next commit: the stream waits for the next block and delivers it as it is committed', async () => {
    const next = fx.reader.height();
    const stream = client.blocks({ channelId: CHANNEL, start: 'next-commit', stop: next });
    const first = stream.next();
    // The seek is waiting once the service holds a wait for the block.
    while (fx.reader.waiting === 0) await new Promise((r) => setImmediate(r));
    const { number } = await fx.commit();
    assert.equal(number, next);
    assert.equal(numberOf(await first), next);
    assert.equal((await stream.next()).done, true);
  });

  test('a stream outlives 50 blocks committed while it waits', async () => {
    const start = fx.reader.height();
    const got: number[] = [];
    const stream = client.blocks({ channelId: CHANNEL, start, stop: start + 49 });
    for (let i = 0; i < 50; i++) {
      const next = stream.next();
      // Each block is committed once the stream waits for it.
      while (fx.reader.waiting === 0) await new Promise((r) => setImmediate(r));
      await fx.commit();
      got.push(numberOf(await next));
    }
    assert.equal((await stream.next()).done, true);
    assert.deepEqual(got, range(start, start + 49));
  });

  test('FAIL_IF_NOT_READY: the blocks there are, then NOT_FOUND at the first one past the end', async () => {
    const height = fx.reader.height();
    const got: number[] = [];
    const err = await refusal(
      (async () => {
        for await (const block of client.blocks({ channelId: CHANNEL, start: height - 2, stop: height + 5, failIfNotReady: true })) got.push(block.getHeader()?.getNumber() ?? -1);
      })(),
    );
    assert.deepEqual(got, [height - 2, height - 1]);
    assert.equal(err.code, 'NOT_FOUND');
    assert.match(err.message, /status NOT_FOUND/);
    assert.equal((await refusal(collect(client.blocks({ channelId: CHANNEL, start: 'next-commit', failIfNotReady: true })))).code, 'NOT_FOUND');
    assert.ok(fx.lines.some((l) => l.includes(`[channel: ${CHANNEL}] Block ${height} not found, block number greater than chain length bounds`)));
  });

  test('a start past the height and an unknown channel are NOT_FOUND; a stop before the start is BAD_REQUEST', async () => {
    const height = fx.reader.height();
    assert.equal((await refusal(collect(client.blocks({ channelId: CHANNEL, start: height + 1 })))).code, 'NOT_FOUND');
    assert.equal((await refusal(collect(client.blocks({ channelId: 'nosuchchannel', start: 'oldest' })))).code, 'NOT_FOUND');
    const bad = await refusal(collect(client.blocks({ channelId: CHANNEL, start: 3, stop: 2 })));
    assert.equal(bad.code, 'BAD_REQUEST');
    assert.ok(fx.lines.some((l) => l.includes('start number 3 greater than stop number 2')));
  });

  test('a client of an organisation not in the channel is refused with FORBIDDEN', async () => {
    const foreignCa = await OpensslCa.create(join(fx.root, 'org9-ca'), '/O=org9.example.com/CN=ca.org9.example.com');
    const cert = await foreignCa.issue('user', '/O=org9.example.com/OU=client/CN=User1@org9.example.com');
    const outsider = await loadSigningIdentity(await writeMspFolder(join(fx.root, 'msp-org9'), cert), 'Org9MSP');
    const outsiderClient = await fx.connect(outsider);
    const err = await refusal(collect(outsiderClient.blocks({ channelId: CHANNEL, start: 'oldest', stop: 'newest' })));
    assert.equal(err.code, 'ACCESS_DENIED');
    assert.match(err.message, /status FORBIDDEN/);
    assert.ok(fx.lines.some((l) => l.includes(`[channel: ${CHANNEL}] Client `) && l.includes('is not authorized')));
    // Filtered blocks are guarded too (event/FilteredBlock).
    assert.equal((await refusal(collect(outsiderClient.filteredBlocks({ channelId: CHANNEL, start: 'oldest', stop: 'newest' })))).code, 'ACCESS_DENIED');
  });

  test("a seek whose signature is not the creator's is refused with FORBIDDEN", async () => {
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const impostor: SigningIdentity = signingIdentity('Org1MSP', fx.member.certificatePem, privateKey);
    const err = await refusal(collect((await fx.connect(impostor)).blocks({ channelId: CHANNEL, start: 'oldest', stop: 'newest' })));
    assert.equal(err.code, 'ACCESS_DENIED');
  });

  test('an already expired certificate is refused', async () => {
    const expired = await issueOrg1Client(fx, 'expired', { start: '20200101000000Z', end: '20210101000000Z' });
    assert.equal((await refusal(collect((await fx.connect(expired)).blocks({ channelId: CHANNEL, start: 'oldest', stop: 'newest' })))).code, 'ACCESS_DENIED');
  });

  test("a waiting stream ends with FORBIDDEN when its creator's certificate expires", async () => {
    const now = Date.now();
    const shortLived = await issueOrg1Client(fx, 'shortlived', { start: opensslDate(new Date(now - 60_000)), end: opensslDate(new Date(now + 6_000)) });
    const got: number[] = [];
    const err = await refusal(
      (async () => {
        for await (const block of (await fx.connect(shortLived)).blocks({ channelId: CHANNEL, start: 'newest' })) got.push(block.getHeader()?.getNumber() ?? -1);
      })(),
    );
    assert.deepEqual(got, [fx.reader.height() - 1], 'served while the certificate was valid');
    assert.equal(err.code, 'ACCESS_DENIED');
    assert.ok(fx.lines.some((l) => l.includes('Client authorization revoked') && l.includes('deliver client identity expired')), fx.lines.join('\n'));
  });

  test('a client that goes away while its stream waits leaves no wait behind', async () => {
    const abort = new AbortController();
    const stream = client.blocks({ channelId: CHANNEL, start: 'next-commit' }, abort.signal);
    const first = stream.next();
    while (fx.reader.waiting === 0) await new Promise((r) => setImmediate(r));
    abort.abort(new Error('the client gave up'));
    await assert.rejects(first, /the client gave up/);
    while (fx.reader.waiting > 0) await new Promise((r) => setImmediate(r));
    assert.equal(fx.reader.waiting, 0);
  });

  test('filtered blocks: transaction ids, header types, validation codes, and chaincode events without their payloads', async () => {
    await fx.commit([{ key: 'shared' }]);
    const { number, codes, txIds } = await fx.commit([
      { key: 'shared', event: { name: 'Moved', payload: 'secret payload' } },
      { key: 'other', readVersionOf: 'shared' },
    ]);
    assert.deepEqual(codes, [TxValidationCode.VALID, TxValidationCode.MVCC_READ_CONFLICT]);
    const [filtered, ...rest] = await collect(client.filteredBlocks({ channelId: CHANNEL, start: number, stop: number }));
    assert.equal(rest.length, 0);
    assert.ok(filtered !== undefined);
    assert.equal(filtered.getChannelId(), CHANNEL);
    assert.equal(filtered.getNumber(), number);
    const txs = filtered.getFilteredTransactionsList();
    assert.deepEqual(
      txs.map((t) => [t.getTxid(), t.getType(), t.getTxValidationCode()]),
      [
        [txIds[0], HeaderType.ENDORSER_TRANSACTION, TxValidationCode.VALID],
        [txIds[1], HeaderType.ENDORSER_TRANSACTION, TxValidationCode.MVCC_READ_CONFLICT],
      ],
    );
    const events = txs[0]?.getTransactionActions()?.getChaincodeActionsList().map((a) => a.getChaincodeEvent()) ?? [];
    assert.equal(events.length, 1);
    const event = events[0] as ChaincodeEvent;
    assert.deepEqual([event.getChaincodeId(), event.getTxId(), event.getEventName(), event.getPayload_asU8().length], ['cc', txIds[0], 'Moved', 0]);
    assert.deepEqual(txs[1]?.getTransactionActions()?.getChaincodeActionsList(), []);
    // The genesis config block: a CONFIG transaction, without actions.
    const [genesis] = await collect(client.filteredBlocks({ channelId: CHANNEL, start: 'oldest', stop: 'oldest' }));
    assert.equal(genesis?.getFilteredTransactionsList()[0]?.getType(), HeaderType.CONFIG);
  });

  test('DeliverWithPrivateData serves the blocks, with the private data map', async () => {
    const [withData] = await collect(client.blocksWithPrivateData({ channelId: CHANNEL, start: 'newest', stop: 'newest' }));
    assert.equal(withData?.getBlock()?.getHeader()?.getNumber(), fx.reader.height() - 1);
    assert.equal(withData.getPrivateDataMapMap().getLength(), 0);
  });
});
