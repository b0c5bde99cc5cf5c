import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, test } from 'node:test';
import type { CollectionAccess } from '../../src/chaincode/handler.js';
import { SerializedIdentity } from '../../src/common/protos/collection.js';
import {
  DelState,
  GetState,
  GetQueryResult,
  GetStateByRange,
  GetStateMetadata,
  KV,
  MessageTypes as T,
  PutState,
  PutStateMetadata,
  QueryMetadata,
  QueryResponse,
  StateMetadata,
  StateMetadataResult,
} from '../../src/common/protos/peer.js';
import { Header, Proposal, SignatureHeader, SignedProposal } from '../../src/common/protos/proposal.js';
import type { CollectionInfo, CollectionInfoProvider } from '../../src/ledger/index.js';
import { commitTx, errorText, readyHandler, responsePayload, startTx } from '../helpers/handler-session.js';
import { testLedger } from '../helpers/test-ledger.js';

const NS = 'mycc';

const collections: CollectionInfoProvider = {
  async collections(namespace) {
    if (namespace !== NS) return undefined;
    return new Map<string, CollectionInfo>([['secret', { name: 'secret', blockToLive: 0, memberOfThisPeer: true }]]);
  },
};

function getState(key: string, collection = 'secret'): Uint8Array {
  const req = new GetState();
  req.setKey(key);
  req.setCollection(collection);
  return req.serializeBinary();
}

function putState(key: string, value: string, collection = 'secret'): Uint8Array {
  const req = new PutState();
  req.setKey(key);
  req.setValue(Buffer.from(value));
  req.setCollection(collection);
  return req.serializeBinary();
}

function delState(key: string, collection = 'secret'): Uint8Array {
  const req = new DelState();
  req.setKey(key);
  req.setCollection(collection);
  return req.serializeBinary();
}

function range(start: string, end: string, pageSize?: number): Uint8Array {
  const req = new GetStateByRange();
  req.setStartkey(start);
  req.setEndkey(end);
  req.setCollection('secret');
  if (pageSize !== undefined) {
    const md = new QueryMetadata();
    md.setPagesize(pageSize);
    req.setMetadata(md.serializeBinary());
  }
  return req.serializeBinary();
}

/** A proposal whose creator belongs to `mspId`. */
function proposalBy(mspId: string): SignedProposal {
  const id = new SerializedIdentity();
  id.setMspid(mspId);
  const sigHeader = new SignatureHeader();
  sigHeader.setCreator(id.serializeBinary());
  const header = new Header();
  header.setSignatureHeader(sigHeader.serializeBinary());
  const proposal = new Proposal();
  proposal.setHeader(header.serializeBinary());
  const signed = new SignedProposal();
  signed.setProposalBytes(proposal.serializeBinary());
  return signed;
}

const text = (b: Uint8Array) => Buffer.from(b).toString();

describe('Handler: private data', () => {
  test('GET/PUT/DEL_STATE with a collection reach the collection; GET_PRIVATE_DATA_HASH answers the SHA-256 of the value', async () => {
    const { ledger } = await testLedger('testchannel', collections);
    await commitTx(ledger, NS, (sim) => sim.setPrivateData(NS, 'secret', 'k', Buffer.from('hidden')));
    const session = await readyHandler();
    const tx = await startTx(session, { txId: 'tx1', channelId: ledger.channelId, txSimulator: await ledger.newTxSimulator('tx1') });
    assert.equal(text(responsePayload(await tx.call(T.GET_STATE, getState('k')))), 'hidden');
    assert.equal(text(responsePayload(await tx.call(T.GET_STATE, getState('k', '')))), '', 'the public namespace has no such key');
    assert.deepEqual(Buffer.from(responsePayload(await tx.call(T.GET_PRIVATE_DATA_HASH, getState('k')))), createHash('sha256').update('hidden').digest());
    responsePayload(await tx.call(T.PUT_STATE, putState('k2', 'new')));
    responsePayload(await tx.call(T.DEL_STATE, delState('k')));
    await tx.complete();
  });

  test('a range over a collection answers its keys, whatever page was asked for', async () => {
    const { ledger } = await testLedger('testchannel', collections);
    await commitTx(ledger, NS, async (sim) => {
      for (const k of ['a', 'b', 'c']) await sim.setPrivateData(NS, 'secret', k, Buffer.from(k));
    });
    const session = await readyHandler();
    const tx = await startTx(session, { txId: 'tx1', channelId: ledger.channelId, txSimulator: await ledger.newTxSimulator('tx1') });
    const res = QueryResponse.deserializeBinary(responsePayload(await tx.call(T.GET_STATE_BY_RANGE, range('a', 'z', 1))));
    assert.deepEqual(res.getResultsList().map((r) => KV.deserializeBinary(r.getResultbytes_asU8()).getKey()), ['a', 'b', 'c']);
    assert.equal(res.getHasMore(), false);
    await tx.complete();
  });

  test('PUT_STATE_METADATA with a collection keeps the other entries; GET_STATE_METADATA reads them back once committed', async () => {
    const { ledger } = await testLedger('testchannel', collections);
    await commitTx(ledger, NS, async (sim) => {
      await sim.setPrivateData(NS, 'secret', 'k', Buffer.from('v'));
      await sim.setPrivateDataMetadata(NS, 'secret', 'k', new Map([['OTHER', Buffer.from('kept')]]));
    });
    const session = await readyHandler();
    const sim = await ledger.newTxSimulator('tx1');
    const tx = await startTx(session, { txId: 'tx1', channelId: ledger.channelId, txSimulator: sim });
    const put = new PutStateMetadata();
    put.setKey('k');
    put.setCollection('secret');
    const entry = new StateMetadata();
    entry.setMetakey('VALIDATION_PARAMETER');
    entry.setValue(Buffer.from('policy'));
    put.setMetadata(entry);
    responsePayload(await tx.call(T.PUT_STATE_METADATA, put.serializeBinary()));
    await tx.complete();
    const written = sim.getTxSimulationResults().namespaces[0]?.collections?.[0]?.metadataWrites;
    assert.deepEqual(written?.map((m) => m.entries.map((e) => `${e.name}=${text(e.value)}`)), [['OTHER=kept', 'VALIDATION_PARAMETER=policy']]);

    const tx2 = await startTx(session, { txId: 'tx2', channelId: ledger.channelId, txSimulator: await ledger.newTxSimulator('tx2') });
    const get = new GetStateMetadata();
    get.setKey('k');
    get.setCollection('secret');
    const result = StateMetadataResult.deserializeBinary(responsePayload(await tx2.call(T.GET_STATE_METADATA, get.serializeBinary())));
    assert.deepEqual(result.getEntriesList().map((e) => `${e.getMetakey()}=${text(e.getValue_asU8())}`), ['OTHER=kept']);
    await tx2.complete();
  });

  test('in Init, every private data call is refused', async () => {
    const { ledger } = await testLedger('testchannel', collections);
    const session = await readyHandler();
    const tx = await startTx(session, { txId: 'init1', channelId: ledger.channelId, txSimulator: await ledger.newTxSimulator('init1') }, 10_000, T.INIT);
    const refused = 'private data APIs are not allowed in chaincode Init()';
    assert.equal(errorText(await tx.call(T.GET_STATE, getState('k'))), `GET_STATE failed: transaction ID: init1: ${refused}`);
    assert.equal(errorText(await tx.call(T.PUT_STATE, putState('k', 'v'))), `PUT_STATE failed: transaction ID: init1: ${refused}`);
    assert.equal(errorText(await tx.call(T.GET_PRIVATE_DATA_HASH, getState('k'))), `GET_PRIVATE_DATA_HASH failed: transaction ID: init1: ${refused}`);
    assert.equal(errorText(await tx.call(T.PURGE_PRIVATE_DATA, delState('k'))), `PURGE_PRIVATE_DATA failed: transaction ID: init1: ${refused}`);
    assert.equal(errorText(await tx.call(T.GET_STATE_BY_RANGE, range('', ''))), `GET_STATE_BY_RANGE failed: transaction ID: init1: ${refused}`);
    responsePayload(await tx.call(T.PUT_STATE, putState('k', 'v', '')));
    await tx.complete();
  });

  test("memberOnlyRead and memberOnlyWrite refuse a client outside the collection's organisations; the hash stays readable", async () => {
    const { ledger } = await testLedger('testchannel', collections);
    const asked: string[] = [];
    const access: CollectionAccess = {
      async permissions(channelId, namespace, collection, mspId) {
        asked.push(`${channelId}/${namespace}/${collection}/${mspId}`);
        return { read: mspId === 'Org1MSP', write: mspId === 'Org1MSP' };
      },
    };
    const session = await readyHandler({ collectionAccess: access });
    const outsider = { txId: 'tx1', channelId: ledger.channelId, txSimulator: await ledger.newTxSimulator('tx1'), signedProposal: proposalBy('Org2MSP') };
    const tx = await startTx(session, outsider);
    const prefix = 'tx creator does not have';
    const where = 'on privatedata in chaincodeName:mycc collectionName: secret';
    assert.equal(errorText(await tx.call(T.GET_STATE, getState('k'))), `GET_STATE failed: transaction ID: tx1: ${prefix} read access permission ${where}`);
    assert.equal(errorText(await tx.call(T.GET_STATE_BY_RANGE, range('', ''))), `GET_STATE_BY_RANGE failed: transaction ID: tx1: ${prefix} read access permission ${where}`);
    const richQuery = new GetQueryResult();
    richQuery.setCollection('secret');
    richQuery.setQuery('{"selector":{}}');
    assert.equal(errorText(await tx.call(T.GET_QUERY_RESULT, richQuery.serializeBinary())), `GET_QUERY_RESULT failed: transaction ID: tx1: ${prefix} read access permission ${where}`);
    assert.equal(errorText(await tx.call(T.PUT_STATE, putState('k', 'v'))), `PUT_STATE failed: transaction ID: tx1: ${prefix} write access permission ${where}`);
    assert.equal(errorText(await tx.call(T.DEL_STATE, delState('k'))), `DEL_STATE failed: transaction ID: tx1: ${prefix} write access permission ${where}`);
    assert.equal(errorText(await tx.call(T.PURGE_PRIVATE_DATA, delState('k'))), `PURGE_PRIVATE_DATA failed: transaction ID: tx1: ${prefix} write access permission ${where}`);
    assert.equal(responsePayload(await tx.call(T.GET_PRIVATE_DATA_HASH, getState('k'))).length, 0, 'no value yet, and no refusal');
    await tx.complete();
    assert.ok(asked.every((a) => a === 'testchannel/mycc/secret/Org2MSP'));

    const member = { txId: 'tx2', channelId: ledger.channelId, txSimulator: await ledger.newTxSimulator('tx2'), signedProposal: proposalBy('Org1MSP') };
    const tx2 = await startTx(session, member);
    responsePayload(await tx2.call(T.PUT_STATE, putState('k', 'v')));
    responsePayload(await tx2.call(T.GET_STATE, getState('k')));
    await tx2.complete();
  });
});
