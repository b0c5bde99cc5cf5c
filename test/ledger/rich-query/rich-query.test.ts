// Mango queries answered from the LevelDB state: CouchDB's operators, its refusals, sort through
// a chaincode's index, `fields`, `skip` and bookmarks, on a real ledger.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { IndexDefinition, KvLedgerProviderOptions } from '../../../src/ledger/index.js';
import type { PeerLedger, QueryExecutor, RangeQueryOptions } from '../../../src/ledger/ledger.js';
import { collect, commitTxs, text, utf8, withChannel as withLevelChannel, withCouchDbChannel, type Channel } from '../ledger-test-kit.js';

/** A state database the suite runs against, and how it differs where CouchDB's answers are its own. */
interface Backend {
  name: string;
  withChannel<T>(fn: (c: Channel) => Promise<T>, options?: Partial<KvLedgerProviderOptions>): Promise<T>;
  /** The value as the state database returns a whole JSON document. */
  asReturned(value: unknown): string;
}

const LEVELDB: Backend = {
  name: 'LevelDB',
  withChannel: withLevelChannel,
  // LevelDB returns the bytes written.
  asReturned: (value) => JSON.stringify(value),
};

const COUCHDB: Backend = {
  name: 'CouchDB',
  withChannel: withCouchDbChannel,
  // CouchDB returns the document's fields, which Fabric writes out with their names sorted.
  asReturned: (value) => JSON.stringify(sortKeys(value)),
};

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(Object.keys(value).sort().map((k) => [k, sortKeys((value as Record<string, unknown>)[k])]));
}

const ASSETS: Record<string, unknown> = {
  asset1: { docType: 'asset', color: 'blue', size: 5, owner: { name: 'tom', org: 'Org1' }, tags: ['a', 'b'], appraised: 300 },
  asset2: { docType: 'asset', color: 'red', size: 15, owner: { name: 'ann', org: 'Org2' }, tags: ['b'], appraised: 500 },
  asset3: { docType: 'asset', color: 'green', size: 10, owner: { name: 'tom', org: 'Org1' }, tags: [], appraised: 100 },
  asset4: { docType: 'asset', color: 'blue', size: 20, owner: { name: 'bob', org: 'Org2' }, tags: ['c', 'a'] },
  asset5: { docType: 'asset', color: 'Blue', size: 1, owner: { name: 'eve', org: 'Org3' }, parts: [{ name: 'wheel', n: 4 }, { name: 'seat', n: 1 }] },
  car1: { docType: 'car', color: 'blue', size: 7 },
  binary: 'not json at all',
  array: [1, 2, 3],
};

const BY_SIZE: IndexDefinition = { ddoc: 'indexSizeDoc', name: 'indexSize', fields: ['docType', 'size'] };
const BY_OWNER: IndexDefinition = { ddoc: 'indexOwnerDoc', name: 'indexOwner', fields: ['owner.name'] };

async function withAssets(backend: Backend, fn: (ledger: PeerLedger) => Promise<void>, indexes: IndexDefinition[] = [BY_SIZE, BY_OWNER]): Promise<void> {
  await backend.withChannel(
    async ({ ledger }) => {
      await commitTxs(ledger, [
        (s) => {
          for (const [key, value] of Object.entries(ASSETS)) s.setState('mycc', key, utf8(typeof value === 'string' ? value : JSON.stringify(value)));
        },
      ]);
      await fn(ledger);
    },
    { indexes: () => ({ indexes: async (namespace) => (namespace === 'mycc' ? indexes : []) }) },
  );
}

async function keysOf(qe: QueryExecutor, query: unknown, options?: RangeQueryOptions): Promise<string[]> {
  const it = await qe.executeQuery('mycc', typeof query === 'string' ? query : JSON.stringify(query), options);
  return (await collect(it)).map((kv) => kv.key);
}

function richQuerySuite(backend: Backend): void {
  test('CouchDB operators, nested fields and combinations', async () => {
    await withAssets(backend, async (ledger) => {
      const qe = await ledger.newQueryExecutor();
      const cases: Array<[unknown, string[]]> = [
        [{ selector: { color: 'blue' } }, ['asset1', 'asset4', 'car1']],
        [{ selector: { color: { $eq: 'blue' }, docType: 'asset' } }, ['asset1', 'asset4']],
        [{ selector: { size: { $gt: 10 } } }, ['asset2', 'asset4']],
        [{ selector: { size: { $gte: 10 } } }, ['asset2', 'asset3', 'asset4']],
        [{ selector: { size: { $lt: 5 } } }, ['asset5']],
        [{ selector: { size: { $lte: 5 } } }, ['asset1', 'asset5']],
        [{ selector: { appraised: { $gt: 0, $ne: 300 } } }, ['asset2', 'asset3']],
        [{ selector: { color: { $in: ['red', 'green'] } } }, ['asset2', 'asset3']],
        [{ selector: { docType: 'asset', color: { $nin: ['blue', 'Blue'] } } }, ['asset2', 'asset3']],
        // docType and size are both required: CouchDB answers from the [docType, size] index, in its order.
        [{ selector: { $and: [{ docType: 'asset' }, { size: { $gt: 4 } }, { size: { $lt: 16 } }] } }, ['asset1', 'asset3', 'asset2']],
        [{ selector: { $or: [{ color: 'red' }, { size: 1 }] } }, ['asset2', 'asset5']],
        [{ selector: { docType: 'asset', $not: { color: 'blue' } } }, ['asset2', 'asset3', 'asset5']],
        // Documents without the fields match none of the alternatives, so $nor takes them (CouchDB does too).
        [{ selector: { $nor: [{ color: 'blue' }, { docType: 'car' }, { size: { $lt: 11 } }] } }, ['array', 'asset2', 'binary']],
        [{ selector: { color: { $regex: '^[Bb]lu' }, docType: 'asset' } }, ['asset1', 'asset4', 'asset5']],
        [{ selector: { appraised: { $exists: false }, docType: 'asset' } }, ['asset4', 'asset5']],
        [{ selector: { appraised: { $exists: true } } }, ['asset1', 'asset2', 'asset3']],
        [{ selector: { tags: { $elemMatch: { $eq: 'a' } } } }, ['asset1', 'asset4']],
        [{ selector: { parts: { $elemMatch: { name: 'seat', n: { $lt: 2 } } } } }, ['asset5']],
        [{ selector: { tags: { $all: ['a', 'c'] } } }, ['asset4']],
        [{ selector: { tags: { $size: 0 } } }, ['asset3']],
        [{ selector: { size: { $mod: [5, 0] } } }, ['asset1', 'asset2', 'asset3', 'asset4']],
        [{ selector: { appraised: { $type: 'number' } } }, ['asset2', 'asset3', 'asset1'].sort()],
        [{ selector: { 'owner.name': 'tom' } }, ['asset1', 'asset3']],
        [{ selector: { owner: { org: 'Org2' } } }, ['asset2', 'asset4']],
        // _id is the key; a value that is not a JSON object is a document with an id only.
        [{ selector: { _id: { $gt: 'asset4' } } }, ['asset5', 'binary', 'car1'].sort()],
        [{ selector: {} }, Object.keys(ASSETS).sort()],
      ];
      const wrong: string[] = [];
      for (const [query, expected] of cases) {
        const found = await keysOf(qe, query).catch((err: unknown) => [(err as Error).message]);
        if (JSON.stringify(found) !== JSON.stringify(expected)) wrong.push(`${JSON.stringify(query)} gave ${JSON.stringify(found)}, not ${JSON.stringify(expected)}`);
      }
      assert.deepEqual(wrong, []);
      qe.done();
    });
  });

  test('fields returns only the named fields; skip passes over matches; the value is the stored one', async () => {
    await withAssets(backend, async (ledger) => {
      const qe = await ledger.newQueryExecutor();
      const it = await qe.executeQuery('mycc', JSON.stringify({ selector: { docType: 'asset', color: 'blue' }, fields: ['size', 'owner.name', '_id'] }));
      assert.deepEqual(
        (await collect(it)).map((kv) => [kv.key, text(kv.value)]),
        [
          ['asset1', '{"owner":{"name":"tom"},"size":5}'],
          ['asset4', '{"owner":{"name":"bob"},"size":20}'],
        ],
      );
      assert.deepEqual(await keysOf(qe, { selector: { size: { $gte: 1 } }, skip: 2, limit: 1 }), ['asset3', 'asset4', 'asset5', 'car1']);
      const [whole] = await collect(await qe.executeQuery('mycc', '{"selector":{"size":7}}'));
      assert.equal(text(whole?.value), backend.asReturned(ASSETS['car1']));
      qe.done();
    });
  });

  test('sort follows a usable index, in either direction; documents lacking the sort field are left out', async () => {
    await withAssets(backend, async (ledger) => {
      const qe = await ledger.newQueryExecutor();
      assert.deepEqual(await keysOf(qe, { selector: { docType: 'asset', size: { $gte: 0 } }, sort: [{ docType: 'asc' }, { size: 'asc' }] }), ['asset5', 'asset1', 'asset3', 'asset2', 'asset4']);
      assert.deepEqual(await keysOf(qe, { selector: { docType: 'asset', size: { $gte: 0 } }, sort: [{ docType: 'desc' }, { size: 'desc' }] }), ['asset4', 'asset2', 'asset3', 'asset1', 'asset5']);
      assert.deepEqual(
        await keysOf(qe, { selector: { 'owner.name': { $gt: '' } }, sort: ['owner.name'], use_index: ['_design/indexOwnerDoc', 'indexOwner'] }),
        ['asset2', 'asset4', 'asset5', 'asset1', 'asset3'],
      );
      // Without a sort, a usable index still orders the results, as CouchDB answers from it.
      assert.deepEqual(await keysOf(qe, { selector: { docType: 'asset', size: { $gt: 9 } } }), ['asset3', 'asset2', 'asset4']);
      qe.done();
    });
  });

  test('pagination: pages of pageSize, each bookmark resuming after the last result, sorted or not', async () => {
    await withAssets(backend, async (ledger) => {
      for (const query of [{ selector: { docType: 'asset' } }, { selector: { docType: 'asset', size: { $gte: 0 } }, sort: [{ docType: 'desc' }, { size: 'desc' }] }]) {
        const seen: string[][] = [];
        let bookmark = '';
        for (let page = 0; page < 4; page++) {
          const sim = await ledger.newTxSimulator(`page${page}`);
          const it = await sim.executeQuery('mycc', JSON.stringify(query), { pageSize: 2, bookmark });
          seen.push((await collect(it)).map((kv) => kv.key));
          bookmark = await it.getBookmarkAndClose();
          // A transaction that ran a paginated query may not write.
          assert.throws(() => sim.setState('mycc', 'x', utf8('1')), { code: 'PAGINATED_QUERY_AND_WRITES' });
          sim.done();
        }
        const all = await keysOf(await ledger.newQueryExecutor(), query);
        assert.deepEqual(seen, [all.slice(0, 2), all.slice(2, 4), all.slice(4), []], JSON.stringify(query));
      }
    });
  });

  test('the index is kept up to date by every commit once built: changed, deleted and new documents', async () => {
    await withAssets(backend, async (ledger) => {
      const sorted = async (): Promise<string[]> => keysOf(await ledger.newQueryExecutor(), { selector: { docType: 'asset', size: { $gte: 5, $lt: 100 } }, sort: ['docType', 'size'] });
      assert.deepEqual(await sorted(), ['asset1', 'asset3', 'asset2', 'asset4']);
      await commitTxs(ledger, [
        (s) => {
          s.setState('mycc', 'asset1', utf8(JSON.stringify({ docType: 'asset', size: 50 })));
          s.deleteState('mycc', 'asset2');
          s.setState('mycc', 'asset6', utf8(JSON.stringify({ docType: 'asset', size: 12 })));
          s.setState('mycc', 'asset3', utf8('no longer JSON'));
        },
      ]);
      assert.deepEqual(await sorted(), ['asset6', 'asset4', 'asset1']);
      // An equality on the first field and a range on the second.
      assert.deepEqual(await keysOf(await ledger.newQueryExecutor(), { selector: { docType: 'car', size: { $gt: 1 } } }), ['car1']);
    });
  });

  test('a query on private data reads the collection, and its results are not reads of the transaction', async () => {
    await backend.withChannel(
      async ({ ledger }) => {
        await commitTxs(ledger, [
          async (s) => {
            await s.setPrivateData('mycc', 'secret', 'p1', utf8('{"price":10}'));
            await s.setPrivateData('mycc', 'secret', 'p2', utf8('{"price":20}'));
            s.setState('mycc', 'p3', utf8('{"price":30}'));
          },
        ]);
        const sim = await ledger.newTxSimulator('t');
        const it = await sim.executeQueryOnPrivateData('mycc', 'secret', '{"selector":{"price":{"$gte":15}}}');
        assert.deepEqual((await collect(it)).map((kv) => [kv.namespace, kv.key, text(kv.value)]), [['mycc', 'p2', '{"price":20}']]);
        const results = sim.getTxSimulationResults();
        assert.deepEqual(results.namespaces, []);
      },
      {
        collections: {
          collections: async (ns) => (ns === 'mycc' ? new Map([['secret', { name: 'secret', blockToLive: 0, memberOfThisPeer: true }]]) : undefined),
        },
      },
    );
  });

  test('a query CouchDB refuses gets its error in the words Fabric uses; the executor goes on', async () => {
    await withAssets(backend, async (ledger) => {
      const qe = await ledger.newQueryExecutor();
      for (const query of ['{"selector":{"size":{"$foo":1}}}', '{"selector":']) {
        await assert.rejects(qe.executeQuery('mycc', query), (err: Error & { error?: string; reason?: string }) => {
          assert.match(err.message, /^error handling CouchDB request\. Error:\w+, {2}Status Code:400, {2}Reason:./, query);
          assert.equal(err.message, `error handling CouchDB request. Error:${String(err.error)},  Status Code:400,  Reason:${String(err.reason)}`);
          return true;
        });
      }
      await assert.rejects(qe.executeQuery('mycc', '{"selector":{}}', { pageSize: 2, bookmark: 'not-ours' }), { error: 'invalid_bookmark' });
      assert.deepEqual(await keysOf(qe, { selector: { size: 7 } }), ['car1']);
      qe.done();
    });
  });
}

/** What the LevelDB state adds: CouchDB's own checks and choices, made without a CouchDB. */
function couchDbParitySuite(backend: Backend): void {
  test('$ne does not match a document without the field, as in CouchDB', async () => {
    await withAssets(backend, async (ledger) => {
      assert.deepEqual(await keysOf(await ledger.newQueryExecutor(), { selector: { appraised: { $ne: 300 } } }), ['asset2', 'asset3']);
    });
  });

  test('an index is used only when the selector requires all its fields, as CouchDB plans', async () => {
    await withAssets(backend, async (ledger) => {
      const qe = await ledger.newQueryExecutor();
      assert.deepEqual(await keysOf(qe, { selector: { docType: 'asset' }, skip: 2, limit: 1 }), ['asset3', 'asset4', 'asset5']);
      assert.deepEqual(await keysOf(qe, { selector: { docType: 'asset' }, sort: [{ size: 'asc' }] }), ['asset5', 'asset1', 'asset3', 'asset2', 'asset4']);
      qe.done();
    });
  });

  test('invalid queries get the error Apache CouchDB gives, naming what is wrong', async () => {
    await withAssets(backend, async (ledger) => {
      const qe = await ledger.newQueryExecutor();
      const cases: Array<[string, string, string]> = [
        ['{"selector":{"size":{"$foo":1}}}', 'invalid_operator', 'Invalid operator: $foo'],
        ['{"selector":{"size":{"$in":5}}}', 'bad_arg', 'Bad argument for operator $in: must be an array'],
        ['{"selector":{"$or":{"a":1}}}', 'bad_arg', 'Bad argument for operator $or: must be an array of selectors'],
        ['{"selector":{"n":{"$regex":"("}}}', 'bad_arg', 'Bad argument for operator $regex: "(" is not a valid regular expression'],
        ['{"selector":{"n":{"$exists":"yes"}}}', 'bad_arg', 'Bad argument for operator $exists: must be a boolean'],
        ['{"fields":["a"]}', 'missing_required_key', 'Missing required key: selector'],
        ['{"selector":{},"colour":1}', 'invalid_key', 'Invalid key colour for this request.'],
        ['{"selector":{},"fields":"a"}', 'bad_request', 'fields definition must be an array'],
        ['{"selector":{"docType":"asset"},"sort":[{"color":"asc"}]}', 'no_usable_index', 'No index exists for this sort, try indexing by the sort fields.'],
        ['{"selector":{"docType":"asset"},"sort":[{"docType":"asc"},{"size":"desc"}]}', 'unsupported_mixed_sort', 'Sorts currently only support a single direction for all fields.'],
        ['{"selector":{"$text":"tom"}}', 'no_usable_index', 'There is no full text index defined for this query.'],
        ['{"selector":', 'bad_request', 'invalid UTF-8 JSON: '],
      ];
      for (const [query, error, reason] of cases) {
        await assert.rejects(qe.executeQuery('mycc', query), (err: Error & { error?: string; reason?: string }) => {
          assert.equal(err.error, error, query);
          assert.ok(err.reason?.startsWith(reason), `${query}: ${String(err.reason)}`);
          assert.equal(err.message, `error handling CouchDB request. Error:${error},  Status Code:400,  Reason:${String(err.reason)}`);
          return true;
        });
      }
      await assert.rejects(qe.executeQuery('mycc', '{"selector":{}}', { pageSize: 2, bookmark: 'not-ours' }), { error: 'invalid_bookmark' });
      // The executor goes on answering after every refusal.
      assert.deepEqual(await keysOf(qe, { selector: { size: 7 } }), ['car1']);
      qe.done();
    });
  });
}

describe('rich queries on the LevelDB state', () => {
  richQuerySuite(LEVELDB);
  couchDbParitySuite(LEVELDB);
});
describe('rich queries on the CouchDB state', () => richQuerySuite(COUCHDB));
