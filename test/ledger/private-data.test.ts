import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, test } from 'node:test';
import type { CollectionInfo, CollectionInfoProvider } from '../../src/ledger/collection-info.js';
import { KvLedgerProvider } from '../../src/ledger/kv-ledger-provider.js';
import type { PeerLedger } from '../../src/ledger/ledger.js';
import { kvrwset, peer, rwset } from '../../src/ledger/protos.js';
import { createEndorserTxEnvelope } from '../../src/ledger/tx-envelope.js';
import { captureLogging } from '../helpers/capture-logging.js';
import { collect, commitTxs, nextBlock, simulate, text, utf8, withChannel, withCouchDbChannel } from './ledger-test-kit.js';

const { VALID, MVCC_READ_CONFLICT } = peer.TxValidationCode;

/** Collections of chaincode `mycc`: this peer is a member of `mine` and `brief` (blockToLive 2), not of `theirs`. */
class StaticCollections implements CollectionInfoProvider {
  readonly asked: string[] = [];

  async collections(namespace: string): Promise<ReadonlyMap<string, CollectionInfo> | undefined> {
    this.asked.push(namespace);
    if (namespace !== 'mycc') return undefined;
    return new Map([
      ['mine', { name: 'mine', blockToLive: 0, memberOfThisPeer: true }],
      ['brief', { name: 'brief', blockToLive: 2, memberOfThisPeer: true }],
      ['theirs', { name: 'theirs', blockToLive: 0, memberOfThisPeer: false }],
    ]);
  }
}

const sha256 = (s: string) => createHash('sha256').update(s).digest();
type WithChannel = typeof withChannel;

async function readPrivate(ledger: PeerLedger, collection: string, key: string): Promise<string | undefined> {
  const qe = await ledger.newQueryExecutor();
  try {
    return text(await qe.getPrivateData('mycc', collection, key));
  } finally {
    qe.done();
  }
}

async function readHash(ledger: PeerLedger, collection: string, key: string): Promise<Uint8Array | undefined> {
  const qe = await ledger.newQueryExecutor();
  try {
    return await qe.getPrivateDataHash('mycc', collection, key);
  } finally {
    qe.done();
  }
}

/** The private data rules, on a state database that `withStateDb` gives the channel. */
function privateDataSuite(stateDb: string, withStateDb: WithChannel): void {
  const withCollections = <T>(fn: (c: { ledger: PeerLedger; provider: KvLedgerProvider; root: string }) => Promise<T>) =>
    withStateDb(fn, { collections: new StaticCollections() });

  test('a private write commits its value (from the transient store) and its hash; the public results carry only hashes', async () => {
    await withCollections(async ({ ledger }) => {
      const sim = await ledger.newTxSimulator('t1');
      await sim.setPrivateData('mycc', 'mine', 'k1', utf8('secret-value'));
      sim.setState('mycc', 'pub', utf8('public'));
      const results = sim.getTxSimulationResults();
      assert.equal(Buffer.from(results.pubSimulationBytes).includes('secret-value'), false);
      assert.equal(Buffer.from(results.pubSimulationBytes).includes('k1'), false, 'the key is hashed too');

      const pub = rwset.TxReadWriteSet.deserializeBinary(results.pubSimulationBytes);
      const hashedSet = pub.getNsRwsetList()[0]?.getCollectionHashedRwsetList()[0];
      assert.equal(hashedSet?.getCollectionName(), 'mine');
      const hashed = kvrwset.HashedRWSet.deserializeBinary(hashedSet.getHashedRwset_asU8());
      const write = hashed.getHashedWritesList()[0];
      assert.deepEqual(Buffer.from(write?.getKeyHash_asU8() ?? []), sha256('k1'));
      assert.deepEqual(Buffer.from(write?.getValueHash_asU8() ?? []), sha256('secret-value'));

      const pvt = rwset.TxPvtReadWriteSet.deserializeBinary(results.pvtSimulationBytes ?? new Uint8Array());
      const pvtSet = pvt.getNsPvtRwsetList()[0]?.getCollectionPvtRwsetList()[0];
      assert.deepEqual(Buffer.from(hashedSet.getPvtRwsetHash_asU8()), createHash('sha256').update(pvtSet?.getRwset_asU8() ?? new Uint8Array()).digest());
      assert.equal(kvrwset.KVRWSet.deserializeBinary(pvtSet?.getRwset_asU8() ?? new Uint8Array()).getWritesList()[0]?.getKey(), 'k1');

      await ledger.storeTransientPrivateData('t1', results.pvtSimulationBytes ?? new Uint8Array());
      const envelope = createEndorserTxEnvelope({ channelId: ledger.channelId, txId: 't1', results, chaincodeName: 'mycc' });
      assert.deepEqual(await ledger.commit(await nextBlock(ledger, [envelope.serializeBinary()])), [VALID]);
      assert.equal(await readPrivate(ledger, 'mine', 'k1'), 'secret-value');
      assert.deepEqual(Buffer.from((await readHash(ledger, 'mine', 'k1')) ?? []), sha256('secret-value'));
    });
  });

  test('without its private data in the transient store, a transaction commits its hashes; reading the value says what is missing', async () => {
    await withCollections(async ({ ledger }) => {
      const sim = await ledger.newTxSimulator('t1');
      await sim.setPrivateData('mycc', 'mine', 'k1', utf8('lost'));
      const results = sim.getTxSimulationResults();
      const envelope = createEndorserTxEnvelope({ channelId: ledger.channelId, txId: 't1', results, chaincodeName: 'mycc' });
      assert.deepEqual(await ledger.commit(await nextBlock(ledger, [envelope.serializeBinary()])), [VALID]);
      assert.deepEqual(Buffer.from((await readHash(ledger, 'mine', 'k1')) ?? []), sha256('lost'));
      await assert.rejects(readPrivate(ledger, 'mine', 'k1'), {
        code: 'PVT_DATA_NOT_AVAILABLE',
        message: 'private data matching public hash version is not available. Public hash version = {BlockNum: 1, TxNum: 0}, Private data version = <nil>',
      });
    });
  });

  test("a collection this peer's organisation is not a member of: only the hash is kept", async () => {
    await withCollections(async ({ ledger }) => {
      assert.deepEqual(await commitTxs(ledger, [(s) => s.setPrivateData('mycc', 'theirs', 'k', utf8('not for us'))]), [VALID]);
      assert.deepEqual(Buffer.from((await readHash(ledger, 'theirs', 'k')) ?? []), sha256('not for us'));
      await assert.rejects(readPrivate(ledger, 'theirs', 'k'), { code: 'PVT_DATA_NOT_AVAILABLE' });
    });
  });

  test('a private read is checked at commit against its hash version: a key written since is an MVCC conflict', async () => {
    await withCollections(async ({ ledger }) => {
      await commitTxs(ledger, [(s) => s.setPrivateData('mycc', 'mine', 'k', utf8('v1'))]);
      const [reader] = await simulate(ledger, [
        async (s) => {
          assert.equal(text(await s.getPrivateData('mycc', 'mine', 'k')), 'v1');
          s.setState('mycc', 'derived', utf8('from v1'));
        },
      ]);
      await commitTxs(ledger, [(s) => s.setPrivateData('mycc', 'mine', 'k', utf8('v2'))]);
      assert.deepEqual(await ledger.commit(await nextBlock(ledger, [reader as Uint8Array])), [MVCC_READ_CONFLICT]);
      const qe = await ledger.newQueryExecutor();
      assert.equal(await qe.getState('mycc', 'derived'), undefined);
      qe.done();

      // Reading only the hash records the same read.
      const [hashReader] = await simulate(ledger, [
        async (s) => {
          await s.getPrivateDataHash('mycc', 'mine', 'k');
        },
      ]);
      await commitTxs(ledger, [(s) => s.deletePrivateData('mycc', 'mine', 'k')]);
      assert.deepEqual(await ledger.commit(await nextBlock(ledger, [hashReader as Uint8Array])), [MVCC_READ_CONFLICT]);
    });
  });

  test('unknown collections and chaincodes without collections are named', async () => {
    await withCollections(async ({ ledger }) => {
      const sim = await ledger.newTxSimulator('t1');
      await assert.rejects(sim.getPrivateData('mycc', 'nosuch', 'k'), {
        code: 'INVALID_COLLECTION',
        message: 'collection [nosuch] not defined in the collection config for chaincode [mycc]',
      });
      await assert.rejects(sim.setPrivateData('other', 'mine', 'k', utf8('v')), {
        code: 'COLLECTION_CONFIG_NOT_DEFINED',
        message: 'collection config not defined for chaincode [other], pass the collection configuration upon chaincode definition/instantiation',
      });
      sim.done();
    });
  });

  test('range scans of a collection: in key order, in a read-only transaction only', async () => {
    await withCollections(async ({ ledger }) => {
      await commitTxs(ledger, [
        async (s) => {
          for (const k of ['b', 'a', 'c', 'd']) await s.setPrivateData('mycc', 'mine', k, utf8(k.toUpperCase()));
          s.setState('mycc', 'b', utf8('public b'));
        },
      ]);
      const sim = await ledger.newTxSimulator('t1');
      const it = await sim.getPrivateDataRangeScanIterator('mycc', 'mine', 'b', 'd');
      assert.deepEqual(
        (await collect(it)).map((kv) => [kv.namespace, kv.key, text(kv.value)]),
        [
          ['mycc', 'b', 'B'],
          ['mycc', 'c', 'C'],
        ],
      );
      await assert.rejects(sim.setPrivateData('mycc', 'mine', 'x', utf8('x')), {
        code: 'PVT_QUERY_AND_WRITES',
        message: 'txid [t1]: Transaction has already performed queries on private data. Writes are not allowed',
      });
      assert.throws(() => sim.setState('mycc', 'x', utf8('x')), { code: 'PVT_QUERY_AND_WRITES' });
      sim.done();

      const writer = await ledger.newTxSimulator('t2');
      writer.setState('mycc', 'x', utf8('x'));
      await assert.rejects(writer.getPrivateDataRangeScanIterator('mycc', 'mine', '', ''), {
        code: 'PVT_QUERY_AND_WRITES',
        message: 'txid [t2]: Transaction has already performed write(s). Queries on private data are allowed in a read-only transaction only',
      });
      await assert.rejects(writer.executeQueryOnPrivateData('mycc', 'mine', '{"selector":{}}'), { code: 'PVT_QUERY_AND_WRITES' });
      writer.done();
    });
  });

  test('purge removes the value and the hash; private metadata is kept with the hash', async () => {
    await withCollections(async ({ ledger }) => {
      await commitTxs(ledger, [
        async (s) => {
          await s.setPrivateData('mycc', 'mine', 'k', utf8('v'));
          await s.setPrivateData('mycc', 'mine', 'keep', utf8('kept'));
        },
      ]);
      await commitTxs(ledger, [(s) => s.setPrivateDataMetadata('mycc', 'mine', 'keep', new Map([['VALIDATION_PARAMETER', utf8('policy')]]))]);
      await commitTxs(ledger, [(s) => s.purgePrivateData('mycc', 'mine', 'k')]);
      assert.equal(await readPrivate(ledger, 'mine', 'k'), undefined);
      assert.equal(await readHash(ledger, 'mine', 'k'), undefined);
      assert.equal(await readPrivate(ledger, 'mine', 'keep'), 'kept');
      const qe = await ledger.newQueryExecutor();
      assert.equal(text((await qe.getPrivateDataMetadata('mycc', 'mine', 'keep'))?.get('VALIDATION_PARAMETER')), 'policy');
      qe.done();
    });
  });

  test('blockToLive: a value and its hash are purged when the block blockToLive + 1 after their write commits; a newer write lives on', async () => {
    await withCollections(async ({ ledger }) => {
      const put = (key: string, value: string) => commitTxs(ledger, [(s) => s.setPrivateData('mycc', 'brief', key, utf8(value))]);
      const tick = () => commitTxs(ledger, [(s) => s.setState('mycc', 'tick', utf8(String(Math.random())))]);
      await put('a', 'first'); // block 1: purged at block 4
      await put('b', 'second'); // block 2: purged at block 5
      await tick(); // block 3
      assert.equal(await readPrivate(ledger, 'brief', 'a'), 'first');
      await put('b', 'rewritten'); // block 4: a is purged; b now lives to block 7
      assert.equal(await readPrivate(ledger, 'brief', 'a'), undefined);
      assert.equal(await readHash(ledger, 'brief', 'a'), undefined);
      await tick(); // block 5: b's first expiry passes, but it was written again
      assert.equal(await readPrivate(ledger, 'brief', 'b'), 'rewritten');
      await tick(); // block 6
      await tick(); // block 7
      assert.equal(await readPrivate(ledger, 'brief', 'b'), undefined);
    });
  });

  // Reopens the ledger from its folder alone: the LevelDB state's case.
  if (stateDb === 'LevelDB') test('expiries survive a restart of the ledger', async () => {
    await withCollections(async ({ root, provider, ledger }) => {
      await commitTxs(ledger, [(s) => s.setPrivateData('mycc', 'brief', 'a', utf8('v'))]); // block 1: purged at block 4
      await provider.close();
      const reopened = await KvLedgerProvider.start({ rootPath: root, sync: false, collections: new StaticCollections() });
      try {
        const again = await reopened.open('mychannel');
        for (let i = 0; i < 2; i++) await commitTxs(again, [(s) => s.setState('mycc', `t${i}`, utf8('x'))]);
        assert.equal(await readPrivate(again, 'brief', 'a'), 'v');
        await commitTxs(again, [(s) => s.setState('mycc', 't2', utf8('x'))]);
        assert.equal(await readPrivate(again, 'brief', 'a'), undefined);
      } finally {
        await reopened.close();
      }
    });
  });

  test('private data whose transaction has not committed within transientstoreMaxBlockRetention blocks is dropped from the transient store', async () => {
    const { logging, lines } = captureLogging();
    const options = { collections: new StaticCollections(), transientRetentionBlocks: 2, logger: logging.logger('kvledger') };
    await withStateDb(async ({ ledger }) => {
      const endorse = async (txId: string, value: string): Promise<Uint8Array> => {
        const sim = await ledger.newTxSimulator(txId);
        await sim.setPrivateData('mycc', 'mine', txId, utf8(value));
        const results = sim.getTxSimulationResults();
        await ledger.storeTransientPrivateData(txId, results.pvtSimulationBytes ?? new Uint8Array());
        return createEndorserTxEnvelope({ channelId: ledger.channelId, txId, results, chaincodeName: 'mycc' }).serializeBinary();
      };
      const late = await endorse('late', 'too late'); // endorsed at height 1
      const tick = () => commitTxs(ledger, [(s) => s.setState('mycc', 'tick', utf8(String(Math.random())))]);
      await tick(); // block 1
      const inTime = await endorse('in-time', 'in time'); // endorsed at height 2
      await tick(); // block 2: sweeps what was endorsed below height 0
      await ledger.commit(await nextBlock(ledger, [inTime])); // block 3
      assert.equal(await readPrivate(ledger, 'mine', 'in-time'), 'in time');
      await tick(); // block 4: sweeps what was endorsed below height 2
      assert.deepEqual(await ledger.commit(await nextBlock(ledger, [late])), [VALID]);
      await assert.rejects(readPrivate(ledger, 'mine', 'late'), { code: 'PVT_DATA_NOT_AVAILABLE' });
      assert.ok(
        lines.some((l) => l.includes('[mychannel] block [5] transaction [late] collection [mycc:mine]: private data missing from the transient store; only its hashes are committed')),
        lines.join('\n'),
      );
    }, options);
  });

  test('private writes stay out of key history', async () => {
    await withCollections(async ({ ledger }) => {
      await commitTxs(ledger, [(s) => s.setPrivateData('mycc', 'mine', 'k', utf8('v'))]);
      const history = await ledger.newHistoryQueryExecutor();
      assert.deepEqual(await collect(await history.getHistoryForKey('mycc', 'k')), []);
    });
  });
}

describe('private data in the ledger, state in LevelDB', () => privateDataSuite('LevelDB', withChannel));
describe('private data in the ledger, state in CouchDB', () => privateDataSuite('CouchDB', withCouchDbChannel));
