import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createCompositeKey } from '../../src/ledger/composite-key.js';
import { peer } from '../../src/ledger/protos.js';
import { collect, commitTxs, text, utf8, withChannel } from './ledger-test-kit.js';

test('history lists every committed write of a key, newest first, deletes included', async () => {
  await withChannel(async ({ ledger }) => {
    const before = Math.floor(Date.now() / 1000);
    await commitTxs(ledger, [(s) => s.setState('cc', 'k', utf8('1'))]);
    await commitTxs(ledger, [(s) => s.setState('cc', 'k', utf8('2')), (s) => s.setState('cc', 'other', utf8('x'))]);
    await commitTxs(ledger, [(s) => s.deleteState('cc', 'k')]);
    await commitTxs(ledger, [(s) => s.setState('cc', 'k', utf8('3'))]);
    const history = await ledger.newHistoryQueryExecutor();
    const mods = await collect(await history.getHistoryForKey('cc', 'k'));
    assert.deepEqual(mods.map((m) => [text(m.value), m.isDelete]), [['3', false], ['', true], ['2', false], ['1', false]]);
    const txIds = mods.map((m) => m.txId);
    assert.equal(new Set(txIds).size, 4);
    assert.deepEqual(await ledger.getTxValidationCodeByTxID(txIds[0] as string), peer.TxValidationCode.VALID);
    assert.ok((mods[0]?.timestamp?.seconds ?? 0) >= before);
    assert.deepEqual(await collect(await history.getHistoryForKey('cc', 'never')), []);
    assert.deepEqual(await collect(await history.getHistoryForKey('othercc', 'k')), []);
  });
});

test('invalid transactions leave no history', async () => {
  await withChannel(async ({ ledger }) => {
    await commitTxs(ledger, [(s) => s.setState('cc', 'k', utf8('1'))]);
    const read = async (s: Parameters<Parameters<typeof commitTxs>[1][number]>[0], v: string): Promise<void> => {
      await s.getState('cc', 'k');
      s.setState('cc', 'k', utf8(v));
    };
    const codes = await commitTxs(ledger, [(s) => read(s, '2'), (s) => read(s, 'lost')]);
    assert.deepEqual(codes, [peer.TxValidationCode.VALID, peer.TxValidationCode.MVCC_READ_CONFLICT]);
    const mods = await collect(await (await ledger.newHistoryQueryExecutor()).getHistoryForKey('cc', 'k'));
    assert.deepEqual(mods.map((m) => text(m.value)), ['2', '1']);
  });
});

test('a key is never confused with a longer key that starts with it', async () => {
  await withChannel(async ({ ledger }) => {
    const composite = createCompositeKey('a', ['b']);
    const prefix = createCompositeKey('a', []);
    await commitTxs(ledger, [(s) => { s.setState('cc', prefix, utf8('p')); s.setState('cc', composite, utf8('c')); s.setState('cc', 'a', utf8('x')); }]);
    await commitTxs(ledger, [(s) => s.setState('cc', composite, utf8('c2'))]);
    const history = await ledger.newHistoryQueryExecutor();
    assert.deepEqual((await collect(await history.getHistoryForKey('cc', prefix))).map((m) => text(m.value)), ['p']);
    assert.deepEqual((await collect(await history.getHistoryForKey('cc', composite))).map((m) => text(m.value)), ['c2', 'c']);
    assert.deepEqual((await collect(await history.getHistoryForKey('cc', 'a'))).map((m) => text(m.value)), ['x']);
  });
});

test('the history iterator can be read with next() and closed early', async () => {
  await withChannel(async ({ ledger }) => {
    for (let i = 0; i < 3; i++) await commitTxs(ledger, [(s) => s.setState('cc', 'k', utf8(String(i)))]);
    const it = await (await ledger.newHistoryQueryExecutor()).getHistoryForKey('cc', 'k');
    assert.equal(text((await it.next())?.value), '2');
    it.close();
    assert.equal(await it.next(), undefined);
  });
});
