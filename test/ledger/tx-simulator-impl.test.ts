import { test } from 'node:test';
import assert from 'node:assert/strict';
import { kvrwset, rwset } from '../../src/ledger/protos.js';
import { commitTxs, text, utf8, withChannel } from './ledger-test-kit.js';

test('no read-your-own-writes: a read after a write sees committed state', async () => {
  await withChannel(async ({ ledger }) => {
    await commitTxs(ledger, [(s) => s.setState('cc', 'k', utf8('committed'))]);
    const sim = await ledger.newTxSimulator('t1');
    sim.setState('cc', 'k', utf8('mine'));
    sim.setState('cc', 'new', utf8('mine'));
    assert.equal(text(await sim.getState('cc', 'k')), 'committed');
    assert.equal(await sim.getState('cc', 'new'), undefined);
  });
});

test('simulation results are the TxReadWriteSet protobuf, sorted as Fabric sorts them', async () => {
  await withChannel(async ({ ledger }) => {
    await commitTxs(ledger, [(s) => s.setState('cc', 'r1', utf8('v'))]);
    const sim = await ledger.newTxSimulator('t1');
    await sim.getState('zz', 'b');
    await sim.getState('cc', 'r1');
    await sim.getState('cc', 'missing');
    const it = await sim.getStateRangeScanIterator('cc', 'a', 'z');
    assert.equal((await it.next())?.key, 'r1');
    sim.setState('cc', 'w2', utf8('2'));
    sim.deleteState('cc', 'w1');
    sim.setStateMetadata('cc', 'w2', new Map([['VALIDATION_PARAMETER', utf8('p')], ['A', utf8('a')]]));
    const results = sim.getTxSimulationResults();

    const decoded = rwset.TxReadWriteSet.deserializeBinary(results.pubSimulationBytes);
    assert.equal(decoded.getDataModel(), rwset.TxReadWriteSet.DataModel.KV);
    assert.deepEqual(decoded.getNsRwsetList().map((ns) => ns.getNamespace()), ['cc', 'zz']);
    const cc = kvrwset.KVRWSet.deserializeBinary(decoded.getNsRwsetList()[0]?.getRwset_asU8() ?? new Uint8Array(0));
    assert.deepEqual(cc.getReadsList().map((r) => [r.getKey(), r.getVersion()?.getBlockNum(), r.getVersion()?.getTxNum()]), [
      ['missing', undefined, undefined],
      ['r1', 1, 0],
    ]);
    assert.deepEqual(cc.getWritesList().map((w) => [w.getKey(), w.getIsDelete(), text(w.getValue_asU8())]), [
      ['w1', true, ''],
      ['w2', false, '2'],
    ]);
    assert.deepEqual(cc.getMetadataWritesList()[0]?.getEntriesList().map((e) => e.getName()), ['A', 'VALIDATION_PARAMETER']);
    const range = cc.getRangeQueriesInfoList()[0];
    // The scan was closed after one result: it covers up to the last key returned, not exhausted.
    assert.deepEqual([range?.getStartKey(), range?.getEndKey(), range?.getItrExhausted()], ['a', 'r1', false]);
    assert.deepEqual(range?.getRawReads()?.getKvReadsList().map((r) => r.getKey()), ['r1']);
    assert.equal(results.namespaces[0]?.namespace, 'cc');
  });
});

test('an exhausted range scan records its requested end key', async () => {
  await withChannel(async ({ ledger }) => {
    await commitTxs(ledger, [(s) => s.setState('cc', 'b', utf8('v'))]);
    const sim = await ledger.newTxSimulator('t1');
    const it = await sim.getStateRangeScanIterator('cc', 'a', 'c');
    while ((await it.next()) !== undefined);
    const rq = sim.getTxSimulationResults().namespaces[0]?.rangeQueries[0];
    assert.deepEqual(rq, { startKey: 'a', endKey: 'c', itrExhausted: true, reads: [{ key: 'b', version: { blockNum: 1, txNum: 0 } }] });
  });
});

test('a simulator refuses use after done, and getTxSimulationResults ends it', async () => {
  await withChannel(async ({ ledger }) => {
    const sim = await ledger.newTxSimulator('t9');
    sim.getTxSimulationResults();
    await assert.rejects(sim.getState('cc', 'k'), { code: 'SIMULATOR_DONE', message: /txid \[t9\].*done\(\)/ });
    assert.throws(() => sim.setState('cc', 'k', utf8('v')), { code: 'SIMULATOR_DONE' });
  });
});

test('paginated queries and writes exclude each other in one transaction', async () => {
  await withChannel(async ({ ledger }) => {
    const writer = await ledger.newTxSimulator('w');
    writer.setState('cc', 'k', utf8('v'));
    await assert.rejects(writer.getStateRangeScanIterator('cc', '', '', { pageSize: 10 }), {
      code: 'PAGINATED_QUERY_AND_WRITES',
      message: 'txid [w]: Transaction has already performed write(s). Paginated queries are not allowed',
    });
    const reader = await ledger.newTxSimulator('r');
    await reader.getStateRangeScanIterator('cc', '', '', { pageSize: 10 });
    assert.throws(() => reader.deleteState('cc', 'k'), {
      code: 'PAGINATED_QUERY_AND_WRITES',
      message: 'txid [r]: Transaction has already performed a paginated query. Writes are not allowed',
    });
  });
});

test('a key that is not valid UTF-8 is refused', async () => {
  await withChannel(async ({ ledger }) => {
    const sim = await ledger.newTxSimulator('t');
    assert.throws(() => sim.setState('cc', 'bad\uD800', utf8('v')), { code: 'INVALID_KEY', message: /must be a UTF-8 string/ });
  });
});

test('a rich query records each result as a read, as a GetState would', async () => {
  await withChannel(async ({ ledger }) => {
    await commitTxs(ledger, [(s) => s.setState('cc', 'a', utf8('{"n":1}')), (s) => s.setState('cc', 'b', utf8('{"n":2}'))]);
    const sim = await ledger.newTxSimulator('t');
    const it = await sim.executeQuery('cc', '{"selector":{"n":{"$gt":1}}}');
    while ((await it.next()) !== undefined);
    assert.deepEqual(sim.getTxSimulationResults().namespaces[0]?.reads, [{ key: 'b', version: { blockNum: 1, txNum: 1 } }]);
  });
});
