import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Envelope, Payload } from '../../src/common/protos/common.js';
import { ChannelHeader, Header, HeaderType } from '../../src/common/protos/proposal.js';
import { createEndorserTxEnvelope, newBlock, type PeerLedger } from '../../src/ledger/index.js';
import { OrdererError, SoloOrderer } from '../../src/orderer/solo-orderer.js';
import { captureLogging } from '../helpers/capture-logging.js';
import { commitWrites, testLedger } from '../helpers/test-ledger.js';

/** A transaction that reads `key` as it is now and writes `value` to it. */
async function readWriteTx(ledger: PeerLedger, txId: string, key: string, value: string) {
  const sim = await ledger.newTxSimulator(txId);
  await sim.getState('mycc', key);
  sim.setState('mycc', key, Buffer.from(value));
  const results = sim.getTxSimulationResults();
  sim.done();
  return createEndorserTxEnvelope({ channelId: ledger.channelId, txId, results, chaincodeName: 'mycc' });
}

function ordererFor(ledger: PeerLedger) {
  const { logging, lines } = captureLogging();
  const orderer = new SoloOrderer({ ledgers: { getLedger: (id) => (id === ledger.channelId ? ledger : undefined) }, newBlock, authorize: () => undefined, logger: logging.logger('orderer') });
  return { orderer, lines };
}

describe('SoloOrderer', () => {
  test('orders broadcast transactions into blocks and commits them; a stale read is invalidated, not lost', async () => {
    const { ledger } = await testLedger('ordered');
    await commitWrites(ledger, 'mycc', { k: 'v0' });
    const { orderer, lines } = ordererFor(ledger);
    const first = await readWriteTx(ledger, 'tx-a', 'k', 'a');
    const second = await readWriteTx(ledger, 'tx-b', 'k', 'b');
    const [a, b] = await Promise.all([orderer.broadcast(first), orderer.broadcast(second)]);
    assert.equal(a.validationCode, 'VALID');
    assert.equal(b.validationCode, 'MVCC_READ_CONFLICT');
    const qe = await ledger.newQueryExecutor();
    assert.equal(Buffer.from((await qe.getState('mycc', 'k')) ?? []).toString(), 'a');
    qe.done();
    assert.equal((await ledger.getBlockchainInfo()).getHeight(), Math.max(a.blockNumber, b.blockNumber) + 1);
    assert.ok(lines.some((l) => l.includes(`[channel: ordered] Committed block [${a.blockNumber}]`)));
  });

  test('refuses an envelope it cannot read, one that is not an endorser transaction, and an unknown channel', async () => {
    const { ledger } = await testLedger('ordered');
    const { orderer } = ordererFor(ledger);
    const junk = new Envelope();
    junk.setPayload(Buffer.from([0xff, 0xff, 0xff]));
    await assert.rejects(orderer.broadcast(junk), (err: unknown) => err instanceof OrdererError && err.code === 'BAD_REQUEST' && /cannot be read/.test(err.message));

    const config = envelopeOfType(HeaderType.CONFIG_UPDATE, 'ordered');
    await assert.rejects(orderer.broadcast(config), /orders endorser transactions only, not header type 2/);
    const elsewhere = envelopeOfType(HeaderType.ENDORSER_TRANSACTION, 'nochannel');
    await assert.rejects(orderer.broadcast(elsewhere), (err: unknown) => err instanceof OrdererError && err.code === 'NOT_FOUND' && err.message === 'channel nochannel not found');
  });
});

function envelopeOfType(type: number, channelId: string) {
  const ch = new ChannelHeader();
  ch.setType(type);
  ch.setChannelId(channelId);
  ch.setTxId('t');
  const header = new Header();
  header.setChannelHeader(ch.serializeBinary());
  const payload = new Payload();
  payload.setHeader(header);
  const envelope = new Envelope();
  envelope.setPayload(payload.serializeBinary());
  return envelope;
}
