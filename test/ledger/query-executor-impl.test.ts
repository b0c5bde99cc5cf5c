import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createCompositeKey } from '../../src/ledger/composite-key.js';
import type { PeerLedger, StateIterator } from '../../src/ledger/ledger.js';
import { collect, commitTxs, text, utf8, withChannel } from './ledger-test-kit.js';

async function keysOf(it: StateIterator): Promise<string[]> {
  return (await collect(it)).map((kv) => kv.key);
}

async function seed(ledger: PeerLedger, keys: string[]): Promise<void> {
  await commitTxs(ledger, [(s) => keys.forEach((k) => s.setState('cc', k, utf8(`v-${k}`)))]);
}

test('range scans: start inclusive, end exclusive, empty end to the last key', async () => {
  await withChannel(async ({ ledger }) => {
    await seed(ledger, ['a', 'b', 'c', 'd']);
    await commitTxs(ledger, [(s) => s.setState('other', 'b2', utf8('x'))]);
    const qe = await ledger.newQueryExecutor();
    assert.deepEqual(await keysOf(await qe.getStateRangeScanIterator('cc', 'b', 'd')), ['b', 'c']);
    assert.deepEqual(await keysOf(await qe.getStateRangeScanIterator('cc', 'b', '')), ['b', 'c', 'd']);
    assert.deepEqual(await keysOf(await qe.getStateRangeScanIterator('cc', '', '')), ['a', 'b', 'c', 'd']);
    const first = await (await qe.getStateRangeScanIterator('cc', 'c', '')).next();
    assert.deepEqual(first && { ...first, value: text(first.value) }, { namespace: 'cc', key: 'c', value: 'v-c' });
  });
});

test('pagination returns pages with fetched count and the next bookmark', async () => {
  await withChannel(async ({ ledger }) => {
    await seed(ledger, ['k1', 'k2', 'k3', 'k4', 'k5']);
    const qe = await ledger.newQueryExecutor();
    const pages: string[][] = [];
    let bookmark = '';
    do {
      const it = await qe.getStateRangeScanIterator('cc', 'k1', '', { pageSize: 2, bookmark });
      const page: string[] = [];
      for (let kv = await it.next(); kv !== undefined; kv = await it.next()) page.push(kv.key);
      assert.equal(it.fetchedRecordsCount, page.length);
      bookmark = await it.getBookmarkAndClose();
      pages.push(page);
    } while (bookmark !== '');
    assert.deepEqual(pages, [['k1', 'k2'], ['k3', 'k4'], ['k5']]);
  });
});

test('simple-key scans never return composite keys, and composite scans only their own', async () => {
  await withChannel(async ({ ledger }) => {
    const c1 = createCompositeKey('color~name', ['blue', 'car1']);
    const c2 = createCompositeKey('color~name', ['blue', 'car2']);
    const c3 = createCompositeKey('color~name', ['red', 'car3']);
    const other = createCompositeKey('colorx', ['blue']);
    await seed(ledger, ['apple', 'zebra', c1, c2, c3, other]);
    const qe = await ledger.newQueryExecutor();
    assert.deepEqual(await keysOf(await qe.getStateByRange('cc', '', '')), ['apple', 'zebra']);
    assert.deepEqual(await keysOf(await qe.getStateByPartialCompositeKey('cc', 'color~name', ['blue'])), [c1, c2]);
    assert.deepEqual(await keysOf(await qe.getStateByPartialCompositeKey('cc', 'color~name', [])), [c1, c2, c3]);
    await assert.rejects(qe.getStateByRange('cc', c1, ''), { code: 'INVALID_KEY' });
    // The raw ledger scan, as Fabric's ledger does, sees everything.
    assert.equal((await keysOf(await qe.getStateRangeScanIterator('cc', '', ''))).length, 6);
  });
});

test('totalQueryLimit caps a scan; internalQueryLimit only sizes the database reads', async () => {
  const keys = Array.from({ length: 25 }, (_, i) => `k${String(i).padStart(2, '0')}`);
  await withChannel(
    async ({ ledger }) => {
      await seed(ledger, keys);
      const qe = await ledger.newQueryExecutor();
      const it = await qe.getStateRangeScanIterator('cc', '', '');
      assert.deepEqual(await keysOf(it), keys.slice(0, 20));
      const paged = await qe.getStateRangeScanIterator('cc', '', '', { pageSize: 50 });
      assert.equal((await keysOf(paged)).length, 20);
    },
    { totalQueryLimit: 20, internalQueryLimit: 3 },
  );
});

test('getStateMultipleKeys and getStateMetadata read committed values', async () => {
  await withChannel(async ({ ledger }) => {
    await commitTxs(ledger, [
      (s) => {
        s.setState('cc', 'a', utf8('A'));
        s.setState('cc', 'b', utf8('B'));
        s.setStateMetadata('cc', 'b', new Map([['VALIDATION_PARAMETER', utf8('policy')]]));
      },
    ]);
    const qe = await ledger.newQueryExecutor();
    assert.deepEqual((await qe.getStateMultipleKeys('cc', ['a', 'x', 'b'])).map(text), ['A', undefined, 'B']);
    assert.equal(text((await qe.getStateMetadata('cc', 'b'))?.get('VALIDATION_PARAMETER')), 'policy');
    assert.equal(await qe.getStateMetadata('cc', 'a'), undefined);
    qe.done();
    await assert.rejects(qe.getState('cc', 'a'), { code: 'SIMULATOR_DONE' });
  });
});

test('a scan over values larger than one database read returns every key', async () => {
  // LevelDB reads stop at a byte budget, so one batch may hold fewer entries than asked for.
  const keys = Array.from({ length: 300 }, (_, i) => `big${String(i).padStart(3, '0')}`);
  await withChannel(async ({ ledger }) => {
    await commitTxs(ledger, [(s) => keys.forEach((k) => s.setState('cc', k, Buffer.alloc(8 * 1024, 1)))]);
    const qe = await ledger.newQueryExecutor();
    assert.deepEqual(await keysOf(await qe.getStateRangeScanIterator('cc', '', '')), keys);
  });
});
