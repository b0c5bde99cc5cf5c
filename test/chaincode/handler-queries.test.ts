import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { StateRangeIterator, StateSimulator } from '../../src/chaincode/chaincode-context.js';
import {
  DelState,
  GetHistoryForKey,
  GetQueryResult,
  GetState,
  GetStateByRange,
  GetStateMetadata,
  KeyModification,
  KV,
  MessageTypes as T,
  PutState,
  PutStateMetadata,
  QueryMetadata,
  QueryResponse,
  QueryResponseMetadata,
  QueryStateClose,
  QueryStateNext,
  StateMetadata,
  StateMetadataResult,
} from '../../src/common/protos/peer.js';
import { createCompositeKey, EMPTY_KEY_SUBSTITUTE, MAX_UNICODE_RUNE, type TxSimulator } from '../../src/ledger/index.js';
import { commitTx, errorText, readyHandler, responsePayload, startTx } from '../helpers/handler-session.js';
import { commitWrites, testLedger } from '../helpers/test-ledger.js';

const NS = 'mycc';

/** The QueryMetadata of a paginated query, as fabric-shim sends it. */
function pageMetadata(page: { pageSize: number; bookmark: string }): Uint8Array {
  const md = new QueryMetadata();
  md.setPagesize(page.pageSize);
  md.setBookmark(page.bookmark);
  return md.serializeBinary();
}

function rangeRequest(startKey: string, endKey: string, page?: { pageSize: number; bookmark: string }): Uint8Array {
  const req = new GetStateByRange();
  req.setStartkey(startKey);
  req.setEndkey(endKey);
  if (page !== undefined) req.setMetadata(pageMetadata(page));
  return req.serializeBinary();
}

function nextRequest(id: string): Uint8Array {
  const req = new QueryStateNext();
  req.setId(id);
  return req.serializeBinary();
}

/** A QueryResponse of KVs as fabric-shim decodes it. */
function decodeKVs(payload: Uint8Array) {
  const res = QueryResponse.deserializeBinary(payload);
  const kvs = res.getResultsList().map((r) => KV.deserializeBinary(r.getResultbytes_asU8()));
  const metadataBytes = res.getMetadata_asU8();
  const metadata = metadataBytes.length === 0 ? undefined : QueryResponseMetadata.deserializeBinary(metadataBytes);
  return {
    id: res.getId(),
    hasMore: res.getHasMore(),
    keys: kvs.map((kv) => kv.getKey()),
    kvs,
    metadata: metadata && { fetched: metadata.getFetchedRecordsCount(), bookmark: metadata.getBookmark() },
  };
}

/** A real simulator whose range iterators report whether they were closed. */
function tracking(sim: TxSimulator): { sim: StateSimulator; iterators: Array<{ closed: boolean }> } {
  const iterators: Array<{ closed: boolean }> = [];
  const wrapped: StateSimulator = {
    getState: (ns, key) => sim.getState(ns, key),
    getStateMetadata: (ns, key) => sim.getStateMetadata(ns, key),
    executeQuery: (ns, q, o) => sim.executeQuery(ns, q, o),
    setState: (ns, key, value) => sim.setState(ns, key, value),
    deleteState: (ns, key) => sim.deleteState(ns, key),
    setStateMetadata: (ns, key, md) => sim.setStateMetadata(ns, key, md),
    getPrivateData: (ns, coll, key) => sim.getPrivateData(ns, coll, key),
    getPrivateDataHash: (ns, coll, key) => sim.getPrivateDataHash(ns, coll, key),
    getPrivateDataMetadata: (ns, coll, key) => sim.getPrivateDataMetadata(ns, coll, key),
    getPrivateDataRangeScanIterator: (ns, coll, start, end) => sim.getPrivateDataRangeScanIterator(ns, coll, start, end),
    executeQueryOnPrivateData: (ns, coll, q) => sim.executeQueryOnPrivateData(ns, coll, q),
    setPrivateData: (ns, coll, key, value) => sim.setPrivateData(ns, coll, key, value),
    deletePrivateData: (ns, coll, key) => sim.deletePrivateData(ns, coll, key),
    purgePrivateData: (ns, coll, key) => sim.purgePrivateData(ns, coll, key),
    setPrivateDataMetadata: (ns, coll, key, md) => sim.setPrivateDataMetadata(ns, coll, key, md),
    async getStateRangeScanIterator(ns, start, end, options) {
      const it = await sim.getStateRangeScanIterator(ns, start, end, options);
      const record = { closed: false };
      iterators.push(record);
      const tracked: StateRangeIterator = {
        next: () => it.next(),
        close: () => {
          record.closed = true;
          it.close();
        },
        getBookmarkAndClose: () => {
          record.closed = true;
          return it.getBookmarkAndClose();
        },
      };
      return tracked;
    },
  };
  return { sim: wrapped, iterators };
}

function keys(n: number, prefix = 'k'): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 0; i < n; i++) out[`${prefix}${String(i).padStart(3, '0')}`] = `v${i}`;
  return out;
}

describe('Handler: range queries', () => {
  test('GET_STATE_BY_RANGE answers a QueryResponse of KVs in [start, end), and the exhausted iterator is closed', async () => {
    const { ledger } = await testLedger();
    await commitWrites(ledger, NS, { a: '1', b: '2', c: '3', d: '4', e: '5' });
    await commitWrites(ledger, 'othercc', { b: 'not mine' });
    const session = await readyHandler();
    const { sim, iterators } = tracking(await ledger.newTxSimulator('tx1'));
    const tx = await startTx(session, { txId: 'tx1', channelId: ledger.channelId, txSimulator: sim });
    const reply = await tx.call(T.GET_STATE_BY_RANGE, rangeRequest('b', 'e'));
    assert.equal(reply.getTxid(), 'tx1');
    const res = decodeKVs(responsePayload(reply));
    assert.deepEqual(res.keys, ['b', 'c', 'd']);
    assert.deepEqual(
      res.kvs.map((kv) => [kv.getNamespace(), Buffer.from(kv.getValue_asU8()).toString()]),
      [
        [NS, '2'],
        [NS, '3'],
        [NS, '4'],
      ],
    );
    assert.equal(res.hasMore, false);
    assert.match(res.id, /^[0-9a-f-]{36}$/);
    assert.equal(res.metadata, undefined);
    assert.deepEqual(iterators, [{ closed: true }]);
    await tx.complete();
  });

  test('more than 100 results come in batches of 100 through QUERY_STATE_NEXT; the id is then forgotten', async () => {
    const { ledger } = await testLedger();
    await commitWrites(ledger, NS, keys(250));
    const session = await readyHandler();
    const { sim, iterators } = tracking(await ledger.newTxSimulator('tx1'));
    const tx = await startTx(session, { txId: 'tx1', channelId: ledger.channelId, txSimulator: sim });
    const first = decodeKVs(responsePayload(await tx.call(T.GET_STATE_BY_RANGE, rangeRequest(EMPTY_KEY_SUBSTITUTE, ''))));
    assert.equal(first.keys.length, 100);
    assert.equal(first.keys[0], 'k000');
    assert.equal(first.hasMore, true);
    assert.deepEqual(iterators, [{ closed: false }]);
    const second = decodeKVs(responsePayload(await tx.call(T.QUERY_STATE_NEXT, nextRequest(first.id))));
    assert.deepEqual([second.keys.length, second.keys[0], second.hasMore, second.id], [100, 'k100', true, first.id]);
    const third = decodeKVs(responsePayload(await tx.call(T.QUERY_STATE_NEXT, nextRequest(first.id))));
    assert.deepEqual([third.keys.length, third.keys[0], third.keys.at(-1), third.hasMore], [50, 'k200', 'k249', false]);
    assert.deepEqual(iterators, [{ closed: true }]);
    const after = await tx.call(T.QUERY_STATE_NEXT, nextRequest(first.id));
    assert.equal(errorText(after), 'QUERY_STATE_NEXT failed: transaction ID: tx1: query iterator not found');
    await tx.complete();
  });

  test('exactly 100 results come in one response without has_more', async () => {
    const { ledger } = await testLedger();
    await commitWrites(ledger, NS, keys(100));
    const session = await readyHandler();
    const tx = await startTx(session, { txId: 'tx1', channelId: ledger.channelId, txSimulator: await ledger.newTxSimulator('tx1') });
    const res = decodeKVs(responsePayload(await tx.call(T.GET_STATE_BY_RANGE, rangeRequest('', ''))));
    assert.deepEqual([res.keys.length, res.hasMore], [100, false]);
    await tx.complete();
  });

  test('a page: pageSize results, the fetched count and the bookmark of the next page, until the bookmark is empty', async () => {
    const { ledger } = await testLedger();
    await commitWrites(ledger, NS, keys(7));
    const session = await readyHandler();
    const { sim, iterators } = tracking(await ledger.newTxSimulator('tx1'));
    const tx = await startTx(session, { txId: 'tx1', channelId: ledger.channelId, txSimulator: sim });
    const page1 = decodeKVs(responsePayload(await tx.call(T.GET_STATE_BY_RANGE, rangeRequest('k000', 'k999', { pageSize: 3, bookmark: '' }))));
    assert.deepEqual(page1.keys, ['k000', 'k001', 'k002']);
    assert.equal(page1.hasMore, false);
    assert.deepEqual(page1.metadata, { fetched: 3, bookmark: 'k003' });
    const page2 = decodeKVs(responsePayload(await tx.call(T.GET_STATE_BY_RANGE, rangeRequest('k000', 'k999', { pageSize: 3, bookmark: 'k003' }))));
    assert.deepEqual(page2.keys, ['k003', 'k004', 'k005']);
    assert.deepEqual(page2.metadata, { fetched: 3, bookmark: 'k006' });
    const page3 = decodeKVs(responsePayload(await tx.call(T.GET_STATE_BY_RANGE, rangeRequest('k000', 'k999', { pageSize: 3, bookmark: 'k006' }))));
    assert.deepEqual(page3.keys, ['k006']);
    assert.deepEqual(page3.metadata, { fetched: 1, bookmark: '' });
    assert.deepEqual(iterators, [{ closed: true }, { closed: true }, { closed: true }]);
    // The ledger's rule: a transaction that ran a paginated query may not write.
    const put = new PutState();
    put.setKey('x');
    put.setValue(Buffer.from('y'));
    assert.match(errorText(await tx.call(T.PUT_STATE, put.serializeBinary())), /^PUT_STATE failed: transaction ID: tx1: txid \[tx1\]: Transaction has already performed a paginated query/);
    await tx.complete();
  });

  test('pages of more than 100 results are not batched: one response holds the page', async () => {
    const { ledger } = await testLedger();
    await commitWrites(ledger, NS, keys(160));
    const session = await readyHandler();
    const tx = await startTx(session, { txId: 'tx1', channelId: ledger.channelId, txSimulator: await ledger.newTxSimulator('tx1') });
    const page = decodeKVs(responsePayload(await tx.call(T.GET_STATE_BY_RANGE, rangeRequest('', '', { pageSize: 150, bookmark: '' }))));
    assert.deepEqual([page.keys.length, page.hasMore], [150, false]);
    assert.deepEqual(page.metadata, { fetched: 150, bookmark: 'k150' });
    await tx.complete();
  });

  test('QUERY_STATE_CLOSE closes the iterator and answers has_more false with the id; the id is then unknown', async () => {
    const { ledger } = await testLedger();
    await commitWrites(ledger, NS, keys(150));
    const session = await readyHandler();
    const { sim, iterators } = tracking(await ledger.newTxSimulator('tx1'));
    const tx = await startTx(session, { txId: 'tx1', channelId: ledger.channelId, txSimulator: sim });
    const first = decodeKVs(responsePayload(await tx.call(T.GET_STATE_BY_RANGE, rangeRequest('', ''))));
    assert.equal(first.hasMore, true);
    const close = new QueryStateClose();
    close.setId(first.id);
    const closed = QueryResponse.deserializeBinary(responsePayload(await tx.call(T.QUERY_STATE_CLOSE, close.serializeBinary())));
    assert.deepEqual([closed.getHasMore(), closed.getId(), closed.getResultsList().length], [false, first.id, 0]);
    assert.deepEqual(iterators, [{ closed: true }]);
    assert.equal(errorText(await tx.call(T.QUERY_STATE_NEXT, nextRequest(first.id))), 'QUERY_STATE_NEXT failed: transaction ID: tx1: query iterator not found');
    await tx.complete();
  });

  test('a partial composite key query (startKey beginning with U+0000) scans only that prefix; a simple range skips composite keys', async () => {
    const { ledger } = await testLedger();
    await commitWrites(ledger, NS, {
      [createCompositeKey('color~name', ['blue', 'sky'])]: '1',
      [createCompositeKey('color~name', ['blue', 'sea'])]: '2',
      [createCompositeKey('color~name', ['red', 'rose'])]: '3',
      [createCompositeKey('size~name', ['big', 'whale'])]: '4',
      plain: '5',
    });
    const session = await readyHandler();
    const tx = await startTx(session, { txId: 'tx1', channelId: ledger.channelId, txSimulator: await ledger.newTxSimulator('tx1') });
    // What fabric-shim's getStateByPartialCompositeKey('color~name', ['blue']) sends.
    const prefix = createCompositeKey('color~name', ['blue']);
    const blue = decodeKVs(responsePayload(await tx.call(T.GET_STATE_BY_RANGE, rangeRequest(prefix, prefix + MAX_UNICODE_RUNE))));
    assert.deepEqual(blue.keys, [createCompositeKey('color~name', ['blue', 'sea']), createCompositeKey('color~name', ['blue', 'sky'])]);
    // What its getStateByRange('', '') sends: the empty start key becomes U+0001.
    const simple = decodeKVs(responsePayload(await tx.call(T.GET_STATE_BY_RANGE, rangeRequest(EMPTY_KEY_SUBSTITUTE, ''))));
    assert.deepEqual(simple.keys, ['plain']);
    await tx.complete();
  });

  test('GET_QUERY_RESULT: matching JSON values, a page at a time with an opaque bookmark', async () => {
    const { ledger } = await testLedger();
    const docs: Record<string, string> = {};
    for (let i = 0; i < 7; i++) docs[`a${i}`] = JSON.stringify({ color: i % 2 === 0 ? 'blue' : 'red', n: i });
    docs['bin'] = 'not json';
    await commitWrites(ledger, NS, docs);
    const session = await readyHandler();
    const tx = await startTx(session, { txId: 'tx1', channelId: ledger.channelId, txSimulator: await ledger.newTxSimulator('tx1') });
    const request = (page?: { pageSize: number; bookmark: string }): Uint8Array => {
      const req = new GetQueryResult();
      req.setQuery('{"selector":{"color":"blue"}}');
      if (page !== undefined) req.setMetadata(pageMetadata(page));
      return req.serializeBinary();
    };
    const all = decodeKVs(responsePayload(await tx.call(T.GET_QUERY_RESULT, request())));
    assert.deepEqual(all.keys, ['a0', 'a2', 'a4', 'a6']);
    assert.equal(Buffer.from(all.kvs[1]?.getValue_asU8() ?? []).toString(), '{"color":"blue","n":2}');
    const page1 = decodeKVs(responsePayload(await tx.call(T.GET_QUERY_RESULT, request({ pageSize: 3, bookmark: '' }))));
    assert.deepEqual([page1.keys, page1.metadata?.fetched], [['a0', 'a2', 'a4'], 3]);
    const page2 = decodeKVs(responsePayload(await tx.call(T.GET_QUERY_RESULT, request({ pageSize: 3, bookmark: page1.metadata?.bookmark ?? '' }))));
    assert.deepEqual([page2.keys, page2.metadata?.fetched], [['a6'], 1]);
    const page3 = decodeKVs(responsePayload(await tx.call(T.GET_QUERY_RESULT, request({ pageSize: 3, bookmark: page2.metadata?.bookmark ?? '' }))));
    assert.deepEqual([page3.keys, page3.metadata?.fetched], [[], 0]);
    await tx.complete();
  });

  test('GET_QUERY_RESULT with a bad query gets CouchDB\'s refusal as an ERROR, and the handler goes on', async () => {
    const { ledger } = await testLedger();
    await commitWrites(ledger, NS, { a: '{"n":1}' });
    const session = await readyHandler();
    const tx = await startTx(session, { txId: 'tx1', channelId: ledger.channelId, txSimulator: await ledger.newTxSimulator('tx1') });
    const req = new GetQueryResult();
    req.setQuery('{"selector":{"n":{"$near":1}}}');
    assert.equal(
      errorText(await tx.call(T.GET_QUERY_RESULT, req.serializeBinary())),
      'GET_QUERY_RESULT failed: transaction ID: tx1: error handling CouchDB request. Error:invalid_operator,  Status Code:400,  Reason:Invalid operator: $near',
    );
    req.setQuery('{"selector":{"n":1}}');
    assert.deepEqual(decodeKVs(responsePayload(await tx.call(T.GET_QUERY_RESULT, req.serializeBinary()))).keys, ['a']);
    await tx.complete();
  });

  test('open iterators are closed when the transaction times out', async () => {
    const { ledger } = await testLedger();
    await commitWrites(ledger, NS, keys(150));
    const session = await readyHandler();
    const { sim, iterators } = tracking(await ledger.newTxSimulator('tx1'));
    const tx = await startTx(session, { txId: 'tx1', channelId: ledger.channelId, txSimulator: sim }, 300);
    assert.equal(decodeKVs(responsePayload(await tx.call(T.GET_STATE_BY_RANGE, rangeRequest('', '')))).hasMore, true);
    await assert.rejects(tx.running, /timeout expired while executing transaction/);
    assert.deepEqual(iterators, [{ closed: true }]);
  });

  test('open iterators are closed when the transaction completes, and when the stream ends under a transaction', async () => {
    const { ledger } = await testLedger();
    await commitWrites(ledger, NS, keys(150));
    const session = await readyHandler();
    const first = tracking(await ledger.newTxSimulator('tx1'));
    const tx1 = await startTx(session, { txId: 'tx1', channelId: ledger.channelId, txSimulator: first.sim });
    assert.equal(decodeKVs(responsePayload(await tx1.call(T.GET_STATE_BY_RANGE, rangeRequest('', '')))).hasMore, true);
    assert.equal(decodeKVs(responsePayload(await tx1.call(T.GET_STATE_BY_RANGE, rangeRequest('k010', '')))).hasMore, true);
    assert.deepEqual(first.iterators, [{ closed: false }, { closed: false }]);
    await tx1.complete();
    assert.deepEqual(first.iterators, [{ closed: true }, { closed: true }]);

    const second = tracking(await ledger.newTxSimulator('tx2'));
    const tx2 = await startTx(session, { txId: 'tx2', channelId: ledger.channelId, txSimulator: second.sim });
    assert.equal(decodeKVs(responsePayload(await tx2.call(T.GET_STATE_BY_RANGE, rangeRequest('', '')))).hasMore, true);
    session.cc.stream.closeSend();
    await assert.rejects(tx2.running, /ended its stream before completing the transaction/);
    await session.served;
    assert.deepEqual(second.iterators, [{ closed: true }]);
  });
});

describe('Handler: history', () => {
  test('GET_HISTORY_FOR_KEY answers KeyModifications newest first: txid, value, timestamp, is_delete', async () => {
    const { ledger } = await testLedger();
    const tx1 = await commitTx(ledger, NS, (sim) => sim.setState(NS, 'k', Buffer.from('v1')));
    const tx2 = await commitTx(ledger, NS, (sim) => sim.setState(NS, 'k', Buffer.from('v2')));
    const tx3 = await commitTx(ledger, NS, (sim) => sim.deleteState(NS, 'k'));
    await commitTx(ledger, NS, (sim) => sim.setState(NS, 'other', Buffer.from('x')));
    const session = await readyHandler();
    const tx = await startTx(session, {
      txId: 'tx1',
      channelId: ledger.channelId,
      txSimulator: await ledger.newTxSimulator('tx1'),
      historyQueryExecutor: await ledger.newHistoryQueryExecutor(),
    });
    const req = new GetHistoryForKey();
    req.setKey('k');
    const res = QueryResponse.deserializeBinary(responsePayload(await tx.call(T.GET_HISTORY_FOR_KEY, req.serializeBinary())));
    assert.equal(res.getHasMore(), false);
    const mods = res.getResultsList().map((r) => KeyModification.deserializeBinary(r.getResultbytes_asU8()));
    assert.deepEqual(
      mods.map((m) => [m.getTxId(), Buffer.from(m.getValue_asU8()).toString(), m.getIsDelete()]),
      [
        [tx3, '', true],
        [tx2, 'v2', false],
        [tx1, 'v1', false],
      ],
    );
    for (const m of mods) assert.ok((m.getTimestamp()?.getSeconds() ?? 0) > 1_700_000_000);
    await tx.complete();
  });

  test('without a history executor GET_HISTORY_FOR_KEY is refused as Fabric refuses it', async () => {
    const { ledger } = await testLedger();
    const session = await readyHandler();
    const tx = await startTx(session, { txId: 'tx1', channelId: ledger.channelId, txSimulator: await ledger.newTxSimulator('tx1') });
    const req = new GetHistoryForKey();
    req.setKey('k');
    assert.equal(errorText(await tx.call(T.GET_HISTORY_FOR_KEY, req.serializeBinary())), 'GET_HISTORY_FOR_KEY failed: transaction ID: tx1: history database is not enabled');
    await tx.complete();
  });
});

describe('Handler: state metadata', () => {
  function putMetadata(key: string, metakey: string, value: string): Uint8Array {
    const entry = new StateMetadata();
    entry.setMetakey(metakey);
    entry.setValue(Buffer.from(value));
    const req = new PutStateMetadata();
    req.setKey(key);
    req.setMetadata(entry);
    return req.serializeBinary();
  }

  function getMetadata(key: string): Uint8Array {
    const req = new GetStateMetadata();
    req.setKey(key);
    return req.serializeBinary();
  }

  function entries(payload: Uint8Array): Record<string, string> {
    const out: Record<string, string> = {};
    for (const e of StateMetadataResult.deserializeBinary(payload).getEntriesList()) out[e.getMetakey()] = Buffer.from(e.getValue_asU8()).toString();
    return out;
  }

  test('PUT_STATE_METADATA merges the one entry into the key\'s metadata; once committed GET_STATE_METADATA returns them all', async () => {
    const { ledger } = await testLedger();
    await commitTx(ledger, NS, (sim) => {
      sim.setState(NS, 'k', Buffer.from('v'));
      sim.setStateMetadata(NS, 'k', new Map([['OTHER', Buffer.from('kept')]]));
    });
    const session = await readyHandler();
    const sim1 = await ledger.newTxSimulator('tx1');
    const tx1 = await startTx(session, { txId: 'tx1', channelId: ledger.channelId, txSimulator: sim1 });
    assert.deepEqual(entries(responsePayload(await tx1.call(T.GET_STATE_METADATA, getMetadata('k')))), { OTHER: 'kept' });
    const put = await tx1.call(T.PUT_STATE_METADATA, putMetadata('k', 'VALIDATION_PARAMETER', 'policy-bytes'));
    assert.equal(responsePayload(put).length, 0);
    await tx1.complete();
    const results = sim1.getTxSimulationResults();
    const written = results.namespaces.find((n) => n.namespace === NS)?.metadataWrites;
    assert.deepEqual(
      written?.map((w) => ({ key: w.key, entries: w.entries.map((e) => [e.name, Buffer.from(e.value).toString()]) })),
      [{ key: 'k', entries: [['OTHER', 'kept'], ['VALIDATION_PARAMETER', 'policy-bytes']] }],
    );

    await commitTx(ledger, NS, (sim) => sim.setStateMetadata(NS, 'k', new Map(written[0]?.entries.map((e) => [e.name, e.value]))));
    const tx2 = await startTx(session, { txId: 'tx2', channelId: ledger.channelId, txSimulator: await ledger.newTxSimulator('tx2') });
    assert.deepEqual(entries(responsePayload(await tx2.call(T.GET_STATE_METADATA, getMetadata('k')))), { OTHER: 'kept', VALIDATION_PARAMETER: 'policy-bytes' });
    assert.deepEqual(entries(responsePayload(await tx2.call(T.GET_STATE_METADATA, getMetadata('nokey')))), {});
    await tx2.complete();
  });
});

describe('Handler: collections and read-only contexts', () => {
  test('a chaincode without a collection configuration: each private data call says so, naming the chaincode', async () => {
    const { ledger } = await testLedger();
    const session = await readyHandler();
    const tx = await startTx(session, { txId: 'tx1', channelId: ledger.channelId, txSimulator: await ledger.newTxSimulator('tx1') });
    const notFound = 'collection config not defined for chaincode [mycc], pass the collection configuration upon chaincode definition/instantiation';
    const get = new GetState();
    get.setKey('k');
    get.setCollection('secret');
    assert.equal(errorText(await tx.call(T.GET_STATE, get.serializeBinary())), `GET_STATE failed: transaction ID: tx1: ${notFound}`);
    assert.equal(errorText(await tx.call(T.GET_PRIVATE_DATA_HASH, get.serializeBinary())), `GET_PRIVATE_DATA_HASH failed: transaction ID: tx1: ${notFound}`);
    const put = new PutState();
    put.setKey('k');
    put.setValue(Buffer.from('v'));
    put.setCollection('secret');
    assert.equal(errorText(await tx.call(T.PUT_STATE, put.serializeBinary())), `PUT_STATE failed: transaction ID: tx1: ${notFound}`);
    const del = new DelState();
    del.setKey('k');
    del.setCollection('secret');
    assert.equal(errorText(await tx.call(T.DEL_STATE, del.serializeBinary())), `DEL_STATE failed: transaction ID: tx1: ${notFound}`);
    assert.equal(errorText(await tx.call(T.PURGE_PRIVATE_DATA, del.serializeBinary())), `PURGE_PRIVATE_DATA failed: transaction ID: tx1: ${notFound}`);
    del.setCollection('');
    assert.equal(errorText(await tx.call(T.PURGE_PRIVATE_DATA, del.serializeBinary())), 'PURGE_PRIVATE_DATA failed: transaction ID: tx1: only applicable for private data');
    get.setCollection('');
    assert.equal(errorText(await tx.call(T.GET_PRIVATE_DATA_HASH, get.serializeBinary())), 'GET_PRIVATE_DATA_HASH failed: transaction ID: tx1: only applicable for private data');
    const range = GetStateByRange.deserializeBinary(rangeRequest('a', 'z'));
    range.setCollection('secret');
    assert.equal(errorText(await tx.call(T.GET_STATE_BY_RANGE, range.serializeBinary())), `GET_STATE_BY_RANGE failed: transaction ID: tx1: ${notFound}`);
    const md = new GetStateMetadata();
    md.setKey('k');
    md.setCollection('secret');
    assert.equal(errorText(await tx.call(T.GET_STATE_METADATA, md.serializeBinary())), `GET_STATE_METADATA failed: transaction ID: tx1: ${notFound}`);
    await tx.complete();
  });

  test('on a read-only context (a query executor) reads are served and PUT_STATE, DEL_STATE, PUT_STATE_METADATA are refused', async () => {
    const { ledger } = await testLedger();
    await commitWrites(ledger, NS, { k: 'committed' });
    const session = await readyHandler();
    const qe = await ledger.newQueryExecutor();
    const tx = await startTx(session, { txId: 'tx1', channelId: ledger.channelId, txSimulator: qe });
    const get = new GetState();
    get.setKey('k');
    assert.equal(Buffer.from(responsePayload(await tx.call(T.GET_STATE, get.serializeBinary()))).toString(), 'committed');
    const readOnly = 'chaincode mycc runs read-only on channel testchannel (called from another channel, only its response is returned)';
    const put = new PutState();
    put.setKey('k');
    put.setValue(Buffer.from('v'));
    assert.equal(errorText(await tx.call(T.PUT_STATE, put.serializeBinary())), `PUT_STATE failed: transaction ID: tx1: PUT_STATE is not allowed: ${readOnly}`);
    const del = new DelState();
    del.setKey('k');
    assert.equal(errorText(await tx.call(T.DEL_STATE, del.serializeBinary())), `DEL_STATE failed: transaction ID: tx1: DEL_STATE is not allowed: ${readOnly}`);
    const entry = new StateMetadata();
    entry.setMetakey('VALIDATION_PARAMETER');
    const putMd = new PutStateMetadata();
    putMd.setKey('k');
    putMd.setMetadata(entry);
    assert.equal(
      errorText(await tx.call(T.PUT_STATE_METADATA, putMd.serializeBinary())),
      `PUT_STATE_METADATA failed: transaction ID: tx1: PUT_STATE_METADATA is not allowed: ${readOnly}`,
    );
    await tx.complete();
    qe.done();
  });
});

describe('Handler: keepalive', () => {
  test('with keepaliveMs set, a registered handler sends KEEPALIVE; the stream ending stops it', async () => {
    // The handler's timer is unref'd (it must not keep a peer alive): this one keeps the test alive.
    const hold = setInterval(() => undefined, 1000);
    const session = await readyHandler({ keepaliveMs: 5 });
    const msg = await session.cc.next();
    clearInterval(hold);
    assert.equal(msg.type, 'KEEPALIVE');
    assert.equal(msg.txId, '');
    session.cc.stream.closeSend();
    await session.served;
  });
});
