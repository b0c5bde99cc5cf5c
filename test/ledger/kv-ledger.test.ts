import { test } from 'node:test';
import assert from 'node:assert/strict';
import { peer } from '../../src/ledger/protos.js';
import { collect, commitTxs, text, utf8, withChannel } from './ledger-test-kit.js';

const { VALID, MVCC_READ_CONFLICT } = peer.TxValidationCode;

test('committed writes are visible to new simulators, with history', async () => {
  await withChannel(async ({ ledger }) => {
    assert.deepEqual(await commitTxs(ledger, [(s) => s.setState('mycc', 'a', utf8('1'))]), [VALID]);
    assert.deepEqual(await commitTxs(ledger, [(s) => s.setState('mycc', 'a', utf8('2'))]), [VALID]);
    const qe = await ledger.newQueryExecutor();
    assert.equal(text(await qe.getState('mycc', 'a')), '2');
    const history = await collect(await (await ledger.newHistoryQueryExecutor()).getHistoryForKey('mycc', 'a'));
    assert.deepEqual(history.map((h) => text(h.value)), ['2', '1']);
    assert.equal((await ledger.getBlockchainInfo()).getHeight(), 3);
  });
});

test('a stale read is an MVCC_READ_CONFLICT', async () => {
  await withChannel(async ({ ledger }) => {
    await commitTxs(ledger, [(s) => s.setState('mycc', 'a', utf8('1'))]);
    const codes = await commitTxs(ledger, [
      async (s) => {
        await s.getState('mycc', 'a');
        s.setState('mycc', 'a', utf8('2'));
      },
      async (s) => {
        await s.getState('mycc', 'a');
        s.setState('mycc', 'a', utf8('3'));
      },
    ]);
    assert.deepEqual(codes, [VALID, MVCC_READ_CONFLICT]);
  });
});
