import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ChaincodeEvent } from '../../src/common/protos/peer.js';
import { toFilteredBlock } from '../../src/deliver/filtered-block.js';
import { createEndorserTxEnvelope, newBlock } from '../../src/ledger/index.js';
import { common, peer, type Block } from '../../src/ledger/protos.js';
import { readFixtureBlocks, readFixtureConfigBlock } from '../helpers/fabric-fixture.js';

const { HeaderType } = common;
const TRANSACTIONS_FILTER = common.BlockMetadataIndex.TRANSACTIONS_FILTER;

/** What a filtered block must hold, worked out with the generated message classes: [txid, type, code, events as [chaincode, txid, name]]. */
function expectedOf(block: Block): Array<[string, number, number, string[][]]> {
  const flags = block.getMetadata()?.getMetadataList_asU8()[TRANSACTIONS_FILTER] ?? new Uint8Array(0);
  return (block.getData()?.getDataList_asU8() ?? []).map((bytes, i) => {
    const payload = common.Payload.deserializeBinary(common.Envelope.deserializeBinary(bytes).getPayload_asU8());
    const channelHeader = common.ChannelHeader.deserializeBinary(payload.getHeader()?.getChannelHeader_asU8() ?? new Uint8Array(0));
    const events: string[][] = [];
    if (channelHeader.getType() === HeaderType.ENDORSER_TRANSACTION) {
      for (const action of peer.Transaction.deserializeBinary(payload.getData_asU8()).getActionsList()) {
        const endorsed = peer.ChaincodeActionPayload.deserializeBinary(action.getPayload_asU8()).getAction();
        const extension = peer.ProposalResponsePayload.deserializeBinary(endorsed?.getProposalResponsePayload_asU8() ?? new Uint8Array(0)).getExtension_asU8();
        const event = ChaincodeEvent.deserializeBinary(peer.ChaincodeAction.deserializeBinary(extension).getEvents_asU8());
        if (event.getChaincodeId() !== '') events.push([event.getChaincodeId(), event.getTxId(), event.getEventName()]);
      }
    }
    return [channelHeader.getTxId(), channelHeader.getType(), flags[i] ?? peer.TxValidationCode.NOT_VALIDATED, events];
  });
}

function actualOf(block: Block): Array<[string, number, number, string[][]]> {
  return toFilteredBlock(block)
    .getFilteredTransactionsList()
    .map((tx) => [
      tx.getTxid(),
      tx.getType(),
      tx.getTxValidationCode(),
      (tx.getTransactionActions()?.getChaincodeActionsList() ?? []).map((a) => {
        const event = a.getChaincodeEvent();
        assert.ok(event !== undefined);
        assert.equal(event.getPayload_asU8().length, 0, 'a filtered event carries no payload');
        return [event.getChaincodeId(), event.getTxId(), event.getEventName()];
      }),
    ]);
}

describe('toFilteredBlock', () => {
  test("a real Fabric 2.4.9 chain's blocks: each transaction's id, type and code, as the generated classes read them", async () => {
    const blocks = [await readFixtureConfigBlock(), ...(await readFixtureBlocks())];
    let endorser = 0;
    for (const block of blocks) {
      const filtered = toFilteredBlock(block);
      assert.equal(filtered.getNumber(), block.getHeader()?.getNumber());
      assert.equal(filtered.getChannelId(), 'mychannel');
      const expected = expectedOf(block);
      assert.deepEqual(actualOf(block), expected);
      endorser += expected.filter(([, type]) => type === HeaderType.ENDORSER_TRANSACTION).length;
    }
    assert.ok(endorser > 100, `endorser transactions seen: ${endorser}`);
  });

  test('chaincode events without payloads; an entry that is not an envelope is left out; an unreadable channel header is a BAD_REQUEST', () => {
    const event = new ChaincodeEvent();
    event.setChaincodeId('cc');
    event.setTxId('tx1');
    event.setEventName('Moved');
    event.setPayload(Buffer.from('secret'));
    const withEvent = createEndorserTxEnvelope({ channelId: 'ch', txId: 'tx1', results: new Uint8Array(0), chaincodeName: 'cc', events: event.serializeBinary() });
    const plain = createEndorserTxEnvelope({ channelId: 'ch', txId: 'tx2', results: new Uint8Array(0), chaincodeName: 'cc' });
    const block = newBlock({ number: 7, previousHash: new Uint8Array(32), envelopes: [withEvent, plain] });
    block.getData()?.addData(Uint8Array.of(0x0a, 0x7f));
    const flags = Uint8Array.of(peer.TxValidationCode.VALID, peer.TxValidationCode.MVCC_READ_CONFLICT, peer.TxValidationCode.VALID);
    const metadata = block.getMetadata()?.getMetadataList_asU8() ?? [];
    metadata[TRANSACTIONS_FILTER] = flags;
    block.getMetadata()?.setMetadataList(metadata);
    assert.deepEqual(actualOf(block), [
      ['tx1', HeaderType.ENDORSER_TRANSACTION, peer.TxValidationCode.VALID, [['cc', 'tx1', 'Moved']]],
      ['tx2', HeaderType.ENDORSER_TRANSACTION, peer.TxValidationCode.MVCC_READ_CONFLICT, []],
    ]);

    const header = new common.Header();
    header.setChannelHeader(Uint8Array.of(0x22, 0x7f, 0x01));
    const payload = new common.Payload();
    payload.setHeader(header);
    const broken = new common.Envelope();
    broken.setPayload(payload.serializeBinary());
    const bad = newBlock({ number: 8, previousHash: new Uint8Array(32), envelopes: [broken] });
    assert.throws(() => toFilteredBlock(bad), { code: 'BAD_REQUEST', message: /^error unmarshalling the channel header for a filtered block: / });
  });
});
