import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { KvLedgerProvider } from '../../src/ledger/kv-ledger-provider.js';
import { peer } from '../../src/ledger/protos.js';
import { withCouchDbServer } from '../helpers/couchdb-server.js';
import { CRASH_CHANNEL, crashLedgerOptions, TXS_PER_BLOCK } from './fixtures/commit-loop.js';
import { collect, text, withTempDir } from './ledger-test-kit.js';

const CHILD = fileURLToPath(new URL('./fixtures/commit-loop.js', import.meta.url));
const ROUNDS = 20;
const COUCHDB_ROUNDS = 12;

// Starts the committing child, lets it work for a random moment, then kills it with SIGKILL.
// With `afterReady` the moment is counted from when it has the ledger open; without, from its
// start, so the kill may land while it creates the ledger.
async function runAndKill(root: string, afterReady: boolean, couchDBAddress: string | undefined): Promise<void> {
  const child = spawn(process.execPath, [CHILD, root, ...(couchDBAddress === undefined ? [] : [couchDBAddress])], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  if (afterReady) {
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (d: Buffer) => {
        if (d.toString().includes('ready')) resolve();
      });
      child.on('exit', (code) => reject(new Error(`commit loop exited (${String(code)}) before it was ready: ${stderr}`)));
    });
  }
  await new Promise((r) => setTimeout(r, afterReady ? 20 + Math.random() * 200 : 50 + Math.random() * 250));
  child.kill('SIGKILL');
  await exited;
  assert.equal(stderr, '', 'the commit loop reported an error');
}

test('after kill -9 at random moments of commit, block files, state, private data and history agree on reopen', async () => {
  await killAndReopen(ROUNDS, undefined);
});

test('with the state in CouchDB: after kill -9 at random moments of commit, the ledger and CouchDB agree on reopen', async () => {
  await withCouchDbServer((server) => killAndReopen(COUCHDB_ROUNDS, server.address));
});

async function killAndReopen(rounds: number, couchDBAddress: string | undefined): Promise<void> {
  await withTempDir(async (root) => {
    let lastHeight = 0;
    for (let round = 0; round < rounds; round++) {
      // The first rounds may kill the child while it is still creating the ledger.
      await runAndKill(root, round >= 3, couchDBAddress);
      const provider = await KvLedgerProvider.start(await crashLedgerOptions(root, couchDBAddress));
      try {
        if (!(await provider.exists(CRASH_CHANNEL))) {
          assert.equal(lastHeight, 0, 'a created ledger disappeared');
          assert.deepEqual(await provider.list(), []);
          continue;
        }
        const ledger = await provider.open(CRASH_CHANNEL);
        const height = (await ledger.getBlockchainInfo()).getHeight();
        assert.ok(height >= lastHeight, `height went back from ${lastHeight} to ${height}`);
        lastHeight = height;
        const last = height - 1;
        const qe = await ledger.newQueryExecutor();
        const history = await ledger.newHistoryQueryExecutor();
        for (let j = 0; j < TXS_PER_BLOCK; j++) {
          assert.equal(text(await qe.getState('cc', `key-${j}`)), last === 0 ? undefined : String(last), `key-${j} in round ${round}`);
          // The private value of the last block, with its hash: replayed blocks take it from the transient store.
          assert.equal(text(await qe.getPrivateData('cc', 'pvt', `pvt-${j}`)), last === 0 ? undefined : String(last), `pvt-${j} in round ${round}`);
          const mods = await collect(await history.getHistoryForKey('cc', `key-${j}`));
          assert.equal(mods.length, last, `history of key-${j} in round ${round}`);
          if (last > 0) {
            assert.equal(mods[0]?.txId, `b${last}-t${j}`);
            assert.equal(await qe.getState('cc', `b${last}-${j}`) !== undefined, true);
            const tx = await ledger.getTransactionByID(`b${last}-t${j}`);
            assert.equal(tx.getValidationcode(), peer.TxValidationCode.VALID);
          }
          assert.equal(await qe.getState('cc', `b${height}-${j}`), undefined, 'state holds a write of an uncommitted block');
        }
        // Every block can be read back and chains to the previous one.
        let previous = (await ledger.getBlockByNumber(0)).getHeader();
        for (let n = 1; n < height; n++) {
          const header = (await ledger.getBlockByNumber(n)).getHeader();
          assert.equal(header?.getNumber(), n);
          assert.notEqual(previous, undefined);
          previous = header;
        }
        await assert.rejects(ledger.getBlockByNumber(height), { code: 'BLOCK_NOT_FOUND' });
        qe.done();
      } finally {
        await provider.close();
      }
    }
    assert.ok(lastHeight > 5, `the child committed too little to test anything (height ${lastHeight})`);
  });
}
