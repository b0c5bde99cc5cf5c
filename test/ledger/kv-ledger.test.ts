import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { hashOfBlock } from '../../src/ledger/block-hash.js';
import { newBlock } from '../../src/ledger/block-builder.js';
import { KvLedgerProvider } from '../../src/ledger/kv-ledger-provider.js';
import { common, peer } from '../../src/ledger/protos.js';
import { createEndorserTxEnvelope } from '../../src/ledger/tx-envelope.js';
import { commitTxs, nextBlock, simulate, text, utf8, withChannel, withCouchDbChannel } from './ledger-test-kit.js';

const C = peer.TxValidationCode;

async function blockFilesSize(root: string): Promise<number> {
  const dir = join(root, 'ledgersData', 'chains', 'chains', 'mychannel');
  let size = 0;
  for (const f of await readdir(dir)) size += (await stat(join(dir, f))).size;
  return size;
}

// Validation and commit read the committed state through the state database: the same rules hold whichever keeps it.
for (const [name, withStateDb] of [
  ['LevelDB', withChannel],
  ['CouchDB', withCouchDbChannel],
] as const) {
  test(`${name}: committed writes are visible to new simulators, with versions`, async () => {
    await withStateDb(async ({ ledger }) => {
      assert.deepEqual(await commitTxs(ledger, [(s) => s.setState('mycc', 'a', utf8('1'))]), [C.VALID]);
      assert.deepEqual(await commitTxs(ledger, [(s) => s.setState('mycc', 'a', utf8('2')), (s) => s.deleteState('mycc', 'gone')]), [C.VALID, C.VALID]);
      const sim = await ledger.newTxSimulator('t');
      assert.equal(text(await sim.getState('mycc', 'a')), '2');
      assert.deepEqual(sim.getTxSimulationResults().namespaces[0]?.reads, [{ key: 'a', version: { blockNum: 2, txNum: 0 } }]);
      assert.equal((await ledger.getBlockchainInfo()).getHeight(), 3);
    });
  });

  test(`${name}: a read of a key changed since simulation is an MVCC_READ_CONFLICT, also within a block`, async () => {
    await withStateDb(async ({ ledger }) => {
      await commitTxs(ledger, [(s) => s.setState('mycc', 'a', utf8('1'))]);
      const readAndWrite = (v: string) => async (s: Parameters<Parameters<typeof commitTxs>[1][number]>[0]) => {
        await s.getState('mycc', 'a');
        s.setState('mycc', 'a', utf8(v));
      };
      // Both simulated against the same state: the second conflicts with the first of the block.
      assert.deepEqual(await commitTxs(ledger, [readAndWrite('2'), readAndWrite('3')]), [C.VALID, C.MVCC_READ_CONFLICT]);
      // Simulated now, committed after another block changed the key.
      const stale = await simulate(ledger, [readAndWrite('4')]);
      await commitTxs(ledger, [(s) => s.setState('mycc', 'a', utf8('5'))]);
      assert.deepEqual(await ledger.commit(await nextBlock(ledger, stale)), [C.MVCC_READ_CONFLICT]);
      // A read of a missing key conflicts once the key exists.
      const missing = await simulate(ledger, [
        async (s) => {
          await s.getState('mycc', 'new');
        },
      ]);
      await commitTxs(ledger, [(s) => s.setState('mycc', 'new', utf8('x'))]);
      assert.deepEqual(await ledger.commit(await nextBlock(ledger, missing)), [C.MVCC_READ_CONFLICT]);
      assert.equal(text(await (await ledger.newQueryExecutor()).getState('mycc', 'a')), '5');
    });
  });

  test(`${name}: a range that gained, lost or changed a key is a PHANTOM_READ_CONFLICT`, async () => {
    await withStateDb(async ({ ledger }) => {
      await commitTxs(ledger, [(s) => ['k1', 'k3', 'k5'].forEach((k) => s.setState('cc', k, utf8(k)))]);
      const scanAll = async (s: Parameters<Parameters<typeof commitTxs>[1][number]>[0]): Promise<void> => {
        const it = await s.getStateRangeScanIterator('cc', 'k0', 'k9');
        while ((await it.next()) !== undefined);
        s.setState('cc', 'out', utf8('x'));
      };
      // Insert into the range by an earlier transaction of the same block.
      assert.deepEqual(await commitTxs(ledger, [(s) => s.setState('cc', 'k2', utf8('new')), scanAll]), [C.VALID, C.PHANTOM_READ_CONFLICT]);
      for (const change of [
        (s: Parameters<typeof scanAll>[0]) => s.deleteState('cc', 'k3'),
        (s: Parameters<typeof scanAll>[0]) => s.setState('cc', 'k5', utf8('changed')),
        (s: Parameters<typeof scanAll>[0]) => s.setState('cc', 'k8', utf8('appended')),
      ]) {
        const scan = await simulate(ledger, [scanAll]);
        await commitTxs(ledger, [change]);
        assert.deepEqual(await ledger.commit(await nextBlock(ledger, scan)), [C.PHANTOM_READ_CONFLICT]);
      }
      // Outside the range, or beyond where a caller stopped reading, changes do not matter.
      const partial = await simulate(ledger, [
        async (s) => {
          const it = await s.getStateRangeScanIterator('cc', 'k0', 'k9');
          await it.next();
          it.close();
          s.setState('cc', 'out', utf8('y'));
        },
      ]);
      await commitTxs(ledger, [(s) => s.setState('cc', 'k7', utf8('late')), (s) => s.setState('cc', 'z', utf8('outside'))]);
      assert.deepEqual(await ledger.commit(await nextBlock(ledger, partial)), [C.VALID]);
      // As in Fabric, a scan opened but never read covers its whole range, end key included.
      const unread = await simulate(ledger, [
        async (s) => {
          await s.getStateRangeScanIterator('cc', 'm0', 'm9');
        },
      ]);
      await commitTxs(ledger, [(s) => s.setState('cc', 'm9', utf8('end key'))]);
      assert.deepEqual(await ledger.commit(await nextBlock(ledger, unread)), [C.PHANTOM_READ_CONFLICT]);
    });
  });
}

test('a txid already committed, or repeated in a block, is a DUPLICATE_TXID', async () => {
  await withChannel(async ({ ledger }) => {
    const sim = await ledger.newTxSimulator('same-id');
    sim.setState('cc', 'k', utf8('1'));
    const env = createEndorserTxEnvelope({ channelId: 'mychannel', txId: 'same-id', results: sim.getTxSimulationResults(), chaincodeName: 'cc' });
    assert.deepEqual(await ledger.commit(await nextBlock(ledger, [env.serializeBinary(), env.serializeBinary()])), [C.VALID, C.DUPLICATE_TXID]);
    assert.deepEqual(await ledger.commit(await nextBlock(ledger, [env.serializeBinary()])), [C.DUPLICATE_TXID]);
    assert.equal(await ledger.getTxValidationCodeByTxID('same-id'), C.VALID);
    assert.equal((await ledger.getBlockByTxID('same-id')).getHeader()?.getNumber(), 1);
  });
});

test('validation codes are stored in the TRANSACTIONS_FILTER metadata; codes set before commit are kept', async () => {
  await withChannel(async ({ ledger }) => {
    const envelopes = await simulate(ledger, [(s) => s.setState('cc', 'a', utf8('1')), (s) => s.setState('cc', 'b', utf8('1'))]);
    const block = await nextBlock(ledger, envelopes);
    const metadata = block.getMetadata()?.getMetadataList_asU8() ?? [];
    metadata[common.BlockMetadataIndex.TRANSACTIONS_FILTER] = Uint8Array.of(C.VALID, C.ENDORSEMENT_POLICY_FAILURE);
    block.getMetadata()?.setMetadataList(metadata);
    assert.deepEqual(await ledger.commit(block), [C.VALID, C.ENDORSEMENT_POLICY_FAILURE]);
    const stored = await ledger.getBlockByNumber(1);
    assert.deepEqual([...(stored.getMetadata()?.getMetadataList_asU8()[2] ?? [])], [C.VALID, C.ENDORSEMENT_POLICY_FAILURE]);
    assert.equal(stored.getMetadata()?.getMetadataList_asU8().length, 5);
    const qe = await ledger.newQueryExecutor();
    assert.equal(text(await qe.getState('cc', 'a')), '1');
    assert.equal(await qe.getState('cc', 'b'), undefined, 'an invalid transaction changed state');
  });
});

test('malformed and foreign transactions get invalid codes and the block still commits', async () => {
  await withChannel(async ({ ledger }) => {
    const [good] = await simulate(ledger, [(s) => s.setState('cc', 'a', utf8('1'))]);
    const sim = await ledger.newTxSimulator('other-channel-tx');
    sim.setState('cc', 'b', utf8('1'));
    const foreign = createEndorserTxEnvelope({ channelId: 'otherchannel', txId: 'other-channel-tx', results: sim.getTxSimulationResults(), chaincodeName: 'cc' });
    const codes = await ledger.commit(await nextBlock(ledger, [good as Uint8Array, new Uint8Array(0), Buffer.from('garbage!'), foreign.serializeBinary()]));
    assert.equal(codes[0], C.VALID);
    assert.equal(codes[1], C.NIL_ENVELOPE);
    assert.notEqual(codes[2], C.VALID);
    assert.equal(codes[3], C.TARGET_CHAIN_NOT_FOUND);
    assert.equal((await ledger.getBlockchainInfo()).getHeight(), 2);
  });
});

test('writing a value keeps the key metadata; metadata writes replace or delete it', async () => {
  await withChannel(async ({ ledger }) => {
    const policy = new Map([['VALIDATION_PARAMETER', utf8('p1')]]);
    await commitTxs(ledger, [(s) => { s.setState('cc', 'k', utf8('v1')); s.setStateMetadata('cc', 'k', policy); }]);
    await commitTxs(ledger, [(s) => s.setState('cc', 'k', utf8('v2'))]);
    const qe = await ledger.newQueryExecutor();
    assert.equal(text((await qe.getStateMetadata('cc', 'k'))?.get('VALIDATION_PARAMETER')), 'p1');
    await commitTxs(ledger, [(s) => s.setStateMetadata('cc', 'k', new Map([['VALIDATION_PARAMETER', utf8('p2')]]))]);
    assert.equal(text((await qe.getStateMetadata('cc', 'k'))?.get('VALIDATION_PARAMETER')), 'p2');
    assert.equal(text(await qe.getState('cc', 'k')), 'v2', 'a metadata write changed the value');
    // A metadata write changes the key's version, so a reader of the old version conflicts.
    const sim = await ledger.newTxSimulator('v');
    await sim.getState('cc', 'k');
    assert.deepEqual(sim.getTxSimulationResults().namespaces[0]?.reads[0]?.version, { blockNum: 3, txNum: 0 });
    await commitTxs(ledger, [(s) => s.deleteStateMetadata('cc', 'k')]);
    assert.equal(await qe.getStateMetadata('cc', 'k'), undefined);
    // Metadata for a key that does not exist is dropped.
    await commitTxs(ledger, [(s) => s.setStateMetadata('cc', 'nokey', policy)]);
    assert.equal(await qe.getState('cc', 'nokey'), undefined);
  });
});

test('a block with the wrong number, previous hash or data hash is refused and nothing is written', async () => {
  await withChannel(async ({ root, ledger }) => {
    const envelopes = await simulate(ledger, [(s) => s.setState('cc', 'a', utf8('1'))]);
    const info = await ledger.getBlockchainInfo();
    const sizeBefore = await blockFilesSize(root);
    const prev = info.getCurrentblockhash_asU8();
    await assert.rejects(ledger.commit(newBlock({ number: 5, previousHash: prev, envelopes })), {
      code: 'BLOCK_OUT_OF_ORDER',
      message: 'channel [mychannel]: block number should have been 1 but was 5',
    });
    await assert.rejects(ledger.commit(newBlock({ number: 1, previousHash: Buffer.alloc(32, 9), envelopes })), {
      code: 'BLOCK_HASH_MISMATCH',
      message: new RegExp(`expected \\[${Buffer.from(prev).toString('hex')}\\], got \\[${'09'.repeat(32)}\\]`),
    });
    const tampered = newBlock({ number: 1, previousHash: prev, envelopes });
    tampered.getData()?.setDataList([Buffer.from('swapped')]);
    await assert.rejects(ledger.commit(tampered), { code: 'BLOCK_HASH_MISMATCH', message: /data hash of block 1/ });
    await assert.rejects(ledger.commit(new common.Block()), { code: 'BLOCK_MALFORMED' });
    assert.equal((await ledger.getBlockchainInfo()).getHeight(), 1);
    assert.equal(await blockFilesSize(root), sizeBefore);
    assert.equal(await (await ledger.newQueryExecutor()).getState('cc', 'a'), undefined);
    // The ledger still takes the right block.
    assert.deepEqual(await ledger.commit(newBlock({ number: 1, previousHash: prev, envelopes })), [C.VALID]);
  });
});

test('blockchain info and block and transaction look-ups', async () => {
  await withChannel(async ({ ledger }) => {
    const genesis = await ledger.getBlockByNumber(0);
    const envelopes = await simulate(ledger, [(s) => s.setState('cc', 'a', utf8('1'))]);
    const block = await nextBlock(ledger, envelopes);
    await ledger.commit(block);
    const info = await ledger.getBlockchainInfo();
    assert.equal(info.getHeight(), 2);
    assert.deepEqual(Buffer.from(info.getCurrentblockhash_asU8()), Buffer.from(hashOfBlock(block)));
    assert.deepEqual(Buffer.from(info.getPreviousblockhash_asU8()), Buffer.from(hashOfBlock(genesis)));
    assert.equal((await ledger.getBlockByHash(hashOfBlock(block))).getHeader()?.getNumber(), 1);

    const txId = common.ChannelHeader.deserializeBinary(
      common.Payload.deserializeBinary(common.Envelope.deserializeBinary(envelopes[0] as Uint8Array).getPayload_asU8()).getHeader()?.getChannelHeader_asU8() ?? new Uint8Array(0),
    ).getTxId();
    const processed = await ledger.getTransactionByID(txId);
    assert.equal(processed.getValidationcode(), C.VALID);
    assert.deepEqual(Buffer.from(processed.getTransactionenvelope()?.serializeBinary() ?? []), Buffer.from(envelopes[0] as Uint8Array));
    assert.equal((await ledger.getBlockByTxID(txId)).getHeader()?.getNumber(), 1);

    await assert.rejects(ledger.getBlockByNumber(2), { code: 'BLOCK_NOT_FOUND', message: 'no such block number [2] in index' });
    await assert.rejects(ledger.getBlockByHash(Buffer.alloc(32, 1)), { code: 'BLOCK_NOT_FOUND', message: `no such block hash [${'01'.repeat(32)}] in index` });
    await assert.rejects(ledger.getTransactionByID('nope'), { code: 'TX_NOT_FOUND', message: 'no such transaction ID [nope] in index' });
    await assert.rejects(ledger.getBlockByTxID('nope'), { code: 'TX_NOT_FOUND', message: 'no such transaction ID [nope] in index' });
  });
});

test('a closed ledger refuses to work', async () => {
  await withChannel(async ({ ledger }) => {
    await ledger.close();
    await assert.rejects(ledger.newTxSimulator('t'), { code: 'LEDGER_CLOSED', message: 'ledger [mychannel] is closed' });
    await assert.rejects(ledger.getBlockchainInfo(), { code: 'LEDGER_CLOSED' });
  });
});

test('the newest block, which Deliver streams ask for as it commits, is served as the block files hold it', async () => {
  await withChannel(async ({ root, provider, ledger }) => {
    await commitTxs(ledger, [(s) => s.setState('cc', 'a', utf8('1'))]);
    const envelopes = await simulate(ledger, [(s) => s.setState('cc', 'a', utf8('2')), (s) => s.setState('cc', 'b', utf8('2'))]);
    const block = await nextBlock(ledger, envelopes);
    assert.deepEqual(await ledger.commit(block), [C.VALID, C.VALID]);
    const newest = await ledger.getBlockByNumber(2);
    const older = await ledger.getBlockByNumber(1);
    // Each call gets a block of its own: changing one changes no other reader's.
    (await ledger.getBlockByNumber(2)).getHeader()?.setNumber(99);
    assert.equal((await ledger.getBlockByNumber(2)).getHeader()?.getNumber(), 2);
    await provider.close();
    const reopened = await KvLedgerProvider.start({ rootPath: root, sync: false });
    try {
      const fromFiles = await reopened.open('mychannel');
      assert.deepEqual(Buffer.from(newest.serializeBinary()), Buffer.from((await fromFiles.getBlockByNumber(2)).serializeBinary()));
      assert.deepEqual(Buffer.from(older.serializeBinary()), Buffer.from((await fromFiles.getBlockByNumber(1)).serializeBinary()));
      assert.deepEqual([...(newest.getMetadata()?.getMetadataList_asU8()[common.BlockMetadataIndex.TRANSACTIONS_FILTER] ?? [])], [C.VALID, C.VALID]);
    } finally {
      await reopened.close();
    }
  });
});

test('the largest uint64 block number asks for the last block, as in Fabric', async () => {
  await withChannel(async ({ ledger }) => {
    await commitTxs(ledger, [(s) => s.setState('cc', 'a', utf8('1'))]);
    assert.equal((await ledger.getBlockByNumber(Number('18446744073709551615'))).getHeader()?.getNumber(), 1);
  });
});
