import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fixtureSource } from '../helpers/chaincode-fixture.js';
import { startCouchDbServer, type CouchDbTestServer } from '../helpers/couchdb-server.js';
import { tempDir } from '../helpers/temp-dir.js';
import { runWeft, startPeerProcess, type WeftProcess } from '../helpers/weft-process.js';

/** How a sort no index gives is refused: in Apache CouchDB's words on LevelDB, in the server's own on CouchDB. */
const NO_INDEX_FOR_SORT = {
  goleveldb: /error handling CouchDB request\. Error:no_usable_index, {2}Status Code:400, {2}Reason:No index exists for this sort, try indexing by the sort fields\./,
  CouchDB: /error handling CouchDB request\. Error:\w+, {2}Status Code:400, {2}Reason:.*sort/,
};

/**
 * Rich queries of an unmodified fabric-contract-api chaincode, deployed with `_lifecycle` from a
 * package whose META-INF declares CouchDB indexes, on either state database: the indexes order
 * its sorted queries, its collection's index its private ones, and pages follow bookmarks.
 */
for (const stateDatabase of ['goleveldb', 'CouchDB'] as const) describe(`rich queries of a deployed chaincode, with the indexes of its package, on ${stateDatabase}`, () => {
  let peer: WeftProcess;
  let env: NodeJS.ProcessEnv;
  let couch: CouchDbTestServer | undefined;

  const ok = async (args: string[]): Promise<string> => {
    const res = await runWeft(args, env);
    assert.equal(res.code, 0, `weft ${args.join(' ')}:\n${res.stderr}\n${res.stdout}`);
    return res.stdout;
  };
  const call = async (kind: 'invoke' | 'query', args: string[]): Promise<string> =>
    ok(['chaincode', kind, '-C', 'mychannel', '-n', 'queries', '-c', JSON.stringify({ Args: args }), ...(kind === 'invoke' ? ['--waitForEvent'] : [])]);
  const query = async (...args: string[]): Promise<unknown> => JSON.parse(await call('query', args)) as unknown;
  const keys = (found: unknown): string[] => (found as Array<{ Key: string }>).map((r) => r.Key);

  before(async () => {
    const dir = await tempDir('weft-rich-query-');
    // As test-network's compose files set a CouchDB peer up.
    let stateEnv: NodeJS.ProcessEnv = {};
    if (stateDatabase === 'CouchDB') {
      couch = await startCouchDbServer();
      stateEnv = {
        CORE_LEDGER_STATE_STATEDATABASE: 'CouchDB',
        CORE_LEDGER_STATE_COUCHDBCONFIG_COUCHDBADDRESS: couch.address,
        CORE_LEDGER_STATE_COUCHDBCONFIG_USERNAME: 'admin',
        CORE_LEDGER_STATE_COUCHDBCONFIG_PASSWORD: 'adminpw',
      };
    }
    ({ peer, client: env } = await startPeerProcess(['--join', 'mychannel'], stateEnv));
    const file = join(dir, 'queries.tar.gz');
    await ok(['lifecycle', 'chaincode', 'package', file, '-p', fixtureSource('asset-queries'), '-l', 'node', '--label', 'queries_1']);
    await ok(['lifecycle', 'chaincode', 'install', file]);
    const packageId = (await ok(['lifecycle', 'chaincode', 'calculatepackageid', file])).trim();
    const collections = join(dir, 'collections.json');
    await writeFile(collections, JSON.stringify([{ name: 'secret', policy: "OR('Org1MSP.member')", requiredPeerCount: 0, maxPeerCount: 0, blockToLive: 0, memberOnlyRead: true }]));
    const definition = ['-C', 'mychannel', '-n', 'queries', '-v', '1', '--sequence', '1', '--collections-config', collections];
    await ok(['lifecycle', 'chaincode', 'approveformyorg', ...definition, '--package-id', packageId]);
    await ok(['lifecycle', 'chaincode', 'commit', ...definition]);
    const assets: Array<[string, string, string, string]> = [
      ['a1', 'blue', '5', 'tom'],
      ['a2', 'red', '15', 'ann'],
      ['a3', 'green', '10', 'tom'],
      ['a4', 'blue', '20', 'bob'],
      ['a5', 'blue', '1', 'eve'],
    ];
    for (const asset of assets) await call('invoke', ['CreateAsset', ...asset]);
    for (const [id, price] of [['p1', '30'], ['p2', '10'], ['p3', '20']] as const) await call('invoke', ['PutPrivateAsset', 'secret', id, price]);
  });

  after(async () => {
    await peer.stop();
    await couch?.close();
  });

  // Before any query: the indexes are there because the chaincode was defined.
  if (stateDatabase === 'CouchDB') {
    test("the package's indexes are created in CouchDB when the chaincode is defined, its collection's in the collection's database", async () => {
      const names = async (db: string): Promise<string[]> => {
        const res = await fetch(`${couch?.url ?? ''}/${encodeURIComponent(db)}/_index`);
        return ((await res.json()) as { indexes: Array<{ ddoc: string | null }> }).indexes.map((i) => i.ddoc ?? '_all_docs').sort();
      };
      assert.deepEqual(await names('mychannel_queries'), ['_all_docs', '_design/indexOwnerDoc', '_design/indexSizeDoc']);
      assert.deepEqual(await names('mychannel_queries$$psecret'), ['_all_docs', '_design/indexPriceDoc']);
    });
  }

  test('selectors on JSON state: equality, ranges, $or, $regex and nested fields', async () => {
    assert.deepEqual(keys(await query('Query', '{"selector":{"color":"blue"}}')), ['a1', 'a4', 'a5']);
    assert.deepEqual(keys(await query('Query', '{"selector":{"owner.name":"tom","size":{"$gte":6}}}')), ['a3']);
    assert.deepEqual(keys(await query('Query', '{"selector":{"$or":[{"color":"red"},{"size":{"$lt":2}}]}}')), ['a2', 'a5']);
    assert.deepEqual(keys(await query('Query', '{"selector":{"owner.name":{"$regex":"^[ab]"}}}')), ['a2', 'a4']);
    const [first] = (await query('Query', '{"selector":{"id":"a1"}}')) as Array<{ Record: unknown }>;
    assert.deepEqual(first?.Record, { docType: 'asset', id: 'a1', color: 'blue', size: 5, owner: { name: 'tom' } });
  });

  test("sort uses the package's index; a sort no index gives is refused with CouchDB's error", async () => {
    assert.deepEqual(keys(await query('Query', '{"selector":{"docType":"asset","size":{"$gte":0}},"sort":[{"docType":"desc"},{"size":"desc"}],"use_index":["_design/indexSizeDoc","indexSize"]}')), ['a4', 'a2', 'a3', 'a1', 'a5']);
    assert.deepEqual(keys(await query('Query', '{"selector":{"owner.name":{"$gt":""}},"sort":["owner.name"]}')), ['a2', 'a4', 'a5', 'a1', 'a3']);
    const refused = await runWeft(['chaincode', 'query', '-C', 'mychannel', '-n', 'queries', '-c', JSON.stringify({ Args: ['Query', '{"selector":{"docType":"asset"},"sort":["color"]}'] })], env);
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, NO_INDEX_FOR_SORT[stateDatabase]);
  });

  test('getQueryResultWithPagination: pages follow the bookmark to the end', async () => {
    const q = '{"selector":{"docType":"asset","size":{"$gte":0}},"sort":[{"docType":"asc"},{"size":"asc"}]}';
    const pages: string[][] = [];
    let bookmark = '';
    for (let i = 0; i < 3; i++) {
      const page = (await query('QueryPage', q, '2', bookmark)) as { records: string[]; fetchedRecordsCount: number; bookmark: string };
      assert.equal(page.fetchedRecordsCount, page.records.length);
      pages.push(page.records);
      bookmark = page.bookmark;
    }
    assert.deepEqual(pages, [['a5', 'a1'], ['a3', 'a2'], ['a4']]);
  });

  test("a private data query reads the collection, and sorts by the collection's own index", async () => {
    assert.deepEqual(keys(await query('QueryPrivate', 'secret', '{"selector":{"price":{"$gt":0}},"sort":["price"]}')), ['p2', 'p3', 'p1']);
    // The collection's index is not the chaincode's: its state has no price to sort by.
    const refused = await runWeft(['chaincode', 'query', '-C', 'mychannel', '-n', 'queries', '-c', JSON.stringify({ Args: ['Query', '{"selector":{"price":{"$gt":0}},"sort":["price"]}'] })], env);
    assert.match(refused.stderr, NO_INDEX_FOR_SORT[stateDatabase]);
  });
});
