// The CouchDB state database against a CouchDB-compatible server: the databases and documents a
// Fabric peer writes, what CouchDB cannot hold, batched reads, and what happens when CouchDB is
// gone at start or in the middle of a commit.
import { createHash } from 'node:crypto';
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createGenesisBlock, CouchStateDbProvider, KvLedgerProvider, type KvLedgerProviderOptions } from '../../../src/ledger/index.js';
import type { PeerLedger } from '../../../src/ledger/ledger.js';
import { decodeVersionField } from '../../../src/ledger/statecouchdb/couch-doc.js';
import { couchDbConfigOf, withCouchDbServer, type CouchDbTestServer } from '../../helpers/couchdb-server.js';
import { collect, commitTxs, nextBlock, simulate, text, utf8, withCouchDbChannel, withTempDir } from '../ledger-test-kit.js';

const SECRET = {
  collections: async (ns: string) => (ns === 'mycc' ? new Map([['secret', { name: 'secret', blockToLive: 0, memberOfThisPeer: true }]]) : undefined),
};

async function couchOptions(server: CouchDbTestServer, root: string, limits: Partial<KvLedgerProviderOptions> = {}): Promise<KvLedgerProviderOptions> {
  const couch = await CouchStateDbProvider.start(couchDbConfigOf(server, { internalQueryLimit: limits.internalQueryLimit ?? 1000 }));
  return { rootPath: root, sync: false, collections: SECRET, ...limits, openState: (channelId, height) => couch.open(channelId, height) };
}

/** A channel whose state is in a CouchDB test server of its own. */
async function withCouchChannel(fn: (ledger: PeerLedger, server: CouchDbTestServer) => Promise<void>, limits: Partial<KvLedgerProviderOptions> = {}): Promise<void> {
  await withCouchDbChannel(({ ledger, server }) => fn(ledger, server), { collections: SECRET, ...limits });
}

async function couchGet(server: CouchDbTestServer, path: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(`${server.url}${path}`);
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

describe('the CouchDB state database', () => {
  test('databases and documents are those a Fabric peer writes', async () => {
    await withCouchChannel(async (ledger, server) => {
      await commitTxs(ledger, [
        async (s) => {
          s.setState('mycc', 'json', utf8('{"b":1, "a":"<x&y>", "nested":{"z":true,"y":null}}'));
          s.setState('mycc', 'bytes', Buffer.from([0, 1, 2, 255]));
          s.setState('mycc', 'array', utf8('[1,2]'));
          s.setStateMetadata('mycc', 'json', new Map([['VALIDATION_PARAMETER', utf8('policy')]]));
          s.setState('Marbles', 'm1', utf8('{"size":1}'));
          await s.setPrivateData('mycc', 'secret', 'p1', utf8('{"price":10}'));
        },
      ]);
      const dbs = (await (await fetch(`${server.url}/_all_dbs`)).json()) as string[];
      for (const db of ['mychannel_', 'mychannel_mycc', 'mychannel_mycc$$psecret', 'mychannel_mycc$$hsecret', 'mychannel_$marbles', 'fabric__internal']) {
        assert.ok(dbs.includes(db), `${db} in ${dbs.join(', ')}`);
      }
      const json = (await couchGet(server, '/mychannel_mycc/json')).body;
      assert.deepEqual([json['a'], json['b'], json['nested']], ['<x&y>', 1, { z: true, y: null }]);
      const version = decodeVersionField(json['~version'] as string);
      assert.deepEqual(version.version, { blockNum: 1, txNum: 0 });
      assert.equal(text(version.metadata?.get('VALIDATION_PARAMETER')), 'policy');
      // A value that is not a JSON object is an attachment.
      const bytes = (await couchGet(server, '/mychannel_mycc/bytes?attachments=true')).body;
      const attachment = (bytes['_attachments'] as Record<string, { content_type: string; data: string }>)['valueBytes'] ?? { content_type: '', data: '' };
      assert.equal(attachment.content_type, 'application/octet-stream');
      assert.deepEqual([...Buffer.from(attachment.data, 'base64')], [0, 1, 2, 255]);
      assert.equal((await couchGet(server, '/mychannel_mycc/array?attachments=true')).body['_attachments'] !== undefined, true);
      // A collection's hashes are keyed by the key's hash in base64, as Fabric writes them.
      const hashId = createHash('sha256').update('p1').digest('base64');
      const hashed = await couchGet(server, `/${encodeURIComponent('mychannel_mycc$$hsecret')}/${encodeURIComponent(hashId)}?attachments=true`);
      assert.equal(hashed.status, 200);
      const hashedValue = (hashed.body['_attachments'] as Record<string, { data: string }>)['valueBytes']?.data ?? '';
      assert.equal(hashedValue, createHash('sha256').update('{"price":10}').digest('base64'));
      assert.deepEqual((await couchGet(server, '/mychannel_/statedb_savepoint')).body['BlockNum'], 1);
      const metadata = (await couchGet(server, '/mychannel_/channel_metadata')).body;
      assert.equal(metadata['ChannelName'], 'mychannel');
      assert.deepEqual((metadata['NamespaceDBsInfo'] as Record<string, unknown>)['mycc$$psecret'], { Namespace: 'mycc$$psecret', DBName: 'mychannel_mycc$$psecret' });
      assert.deepEqual((await couchGet(server, '/fabric__internal/dataformatVersion')).body['Version'], '2.0');

      // Read back as a Fabric peer on CouchDB returns them: JSON rewritten by Go's encoder, bytes as they were.
      const qe = await ledger.newQueryExecutor();
      assert.equal(text(await qe.getState('mycc', 'json')), '{"a":"\\u003cx\\u0026y\\u003e","b":1,"nested":{"y":null,"z":true}}');
      assert.deepEqual([...((await qe.getState('mycc', 'bytes')) ?? [])], [0, 1, 2, 255]);
      assert.equal(text(await qe.getState('mycc', 'array')), '[1,2]');
      assert.equal(text((await qe.getStateMetadata('mycc', 'json'))?.get('VALIDATION_PARAMETER')), 'policy');
      // From a rich query too: CouchDB's _find lists an attachment without its data, which is read again.
      const found = await collect(await qe.executeQuery('mycc', '{"selector":{"_id":{"$in":["array","bytes"]}}}'));
      assert.deepEqual(
        found.map((kv) => [kv.key, Buffer.from(kv.value).toString('hex')]),
        [
          ['array', Buffer.from('[1,2]').toString('hex')],
          ['bytes', '000102ff'],
        ],
      );
      assert.equal(text(await qe.getPrivateData('mycc', 'secret', 'p1')), '{"price":10}');
      qe.done();

      await commitTxs(ledger, [(s) => s.deleteState('mycc', 'json')]);
      assert.equal((await couchGet(server, '/mychannel_mycc/json')).status, 404);
      const after = await ledger.newQueryExecutor();
      assert.equal(await after.getState('mycc', 'json'), undefined);
      after.done();
    });
  });

  test('keys and fields CouchDB cannot hold are refused when the chaincode writes them', async () => {
    await withCouchChannel(async (ledger) => {
      const sim = await ledger.newTxSimulator('refused');
      assert.throws(() => sim.setState('mycc', '_design', utf8('1')), { message: 'invalid key [_design], cannot begin with "_"' });
      assert.throws(() => sim.setState('mycc', '', utf8('1')), { message: 'invalid key. Empty string is not supported as a key by couchdb' });
      assert.throws(() => sim.setState('mycc', 'k', utf8('{"_id":"other"}')), { message: 'field [_id] is not valid for the CouchDB state database' });
      assert.throws(() => sim.setState('mycc', 'k', utf8('{"~version":"x"}')), { message: 'field [~version] is not valid for the CouchDB state database' });
      await assert.rejects(sim.setPrivateData('mycc', 'secret', '_p', utf8('1')), { message: 'invalid key [_p], cannot begin with "_"' });
      // A field starting with "_" deeper down is the value's own business.
      sim.setState('mycc', 'k', utf8('{"inner":{"_id":1}}'));
      sim.done();
    });
  });

  test('ranges, pages and rich queries read batch after batch of internalQueryLimit, past design documents', async () => {
    await withCouchChannel(
      async (ledger) => {
        await commitTxs(ledger, [
          (s) => {
            for (let i = 0; i < 10; i++) s.setState('mycc', `k${i}`, utf8(JSON.stringify({ docType: 'thing', n: i })));
            s.setState('mycc', '\x00thing\x00a\x00', utf8('{"composite":true}'));
          },
        ]);
        const qe = await ledger.newQueryExecutor();
        const found = await collect(await qe.executeQuery('mycc', '{"selector":{"docType":"thing","n":{"$gte":3}}}'));
        assert.deepEqual(
          found.map((kv) => kv.key),
          ['k3', 'k4', 'k5', 'k6', 'k7', 'k8', 'k9'],
        );
        // totalQueryLimit caps a range.
        assert.deepEqual(
          (await collect(await qe.getStateByRange('mycc', '', ''))).map((kv) => kv.key),
          ['k0', 'k1', 'k2', 'k3', 'k4', 'k5', 'k6', 'k7'],
        );
        assert.deepEqual((await collect(await qe.getStateByRange('mycc', 'k2', 'k5'))).map((kv) => kv.key), ['k2', 'k3', 'k4']);
        assert.deepEqual((await collect(await qe.getStateByPartialCompositeKey('mycc', 'thing', []))).map((kv) => kv.key), ['\x00thing\x00a\x00']);
        qe.done();
        const pages: string[][] = [];
        let bookmark = '';
        for (let page = 0; page < 3; page++) {
          const sim = await ledger.newTxSimulator(`page-${page}`);
          const it = await sim.getStateByRange('mycc', 'k1', '', { pageSize: 4, bookmark });
          const keys: string[] = [];
          for (let kv = await it.next(); kv !== undefined; kv = await it.next()) keys.push(kv.key);
          pages.push(keys);
          bookmark = await it.getBookmarkAndClose();
          sim.done();
        }
        assert.deepEqual(pages, [['k1', 'k2', 'k3', 'k4'], ['k5', 'k6', 'k7', 'k8'], ['k9']]);
      },
      { internalQueryLimit: 3, totalQueryLimit: 8 },
    );
  });

  test('unreachable at start: the error names the address', async () => {
    const server = await withCouchDbServer(async (s) => s);
    await assert.rejects(CouchStateDbProvider.start(couchDbConfigOf(server, { maxRetriesOnStartup: 1 })), (err: Error & { code?: string }) => {
      assert.equal(err.code, 'STORE_UNAVAILABLE');
      assert.match(err.message, new RegExp(`^unable to connect to CouchDB at ${server.address} \\(ledger\\.state\\.couchDBConfig\\.couchDBAddress\\), check the hostname and port: http error calling couchdb`));
      return true;
    });
  });

  test("the operations service's couchdb health check fails while CouchDB is gone", async () => {
    await withCouchDbServer(async (server) => {
      const couch = await CouchStateDbProvider.start(couchDbConfigOf(server));
      await couch.healthCheck();
      await server.pause();
      await assert.rejects(couch.healthCheck(), { code: 'STORE_UNAVAILABLE', message: /^failed to connect to couch db \[http error calling couchdb: HEAD http:\/\/127\.0\.0\.1:\d+\/: fetch failed/ });
      await server.resume();
      await couch.healthCheck();
    });
  });

  test('gone while a block is validated: the commit fails, nothing is written, and the next try commits', async () => {
    await withCouchChannel(async (ledger, server) => {
      await commitTxs(ledger, [(s) => s.setState('mycc', 'a', utf8('{"v":1}'))]);
      const envelopes = await simulate(ledger, [(s) => s.setState('mycc', 'b', utf8('{"v":2}'))]);
      const block = await nextBlock(ledger, envelopes);
      await server.pause();
      await assert.rejects(ledger.commit(block), (err: Error & { code?: string }) => {
        assert.equal(err.code, 'COUCHDB_UNREACHABLE');
        assert.match(err.message, new RegExp(`^http error calling couchdb: POST http://${server.address}/mychannel_mycc/_all_docs: fetch failed \\(connect ECONNREFUSED`));
        return true;
      });
      await server.resume();
      assert.equal((await ledger.getBlockchainInfo()).getHeight(), 2);
      assert.deepEqual(await ledger.commit(block), [0]);
      const qe = await ledger.newQueryExecutor();
      assert.equal(text(await qe.getState('mycc', 'b')), '{"v":2}');
      qe.done();
    });
  });

  test('failing in the middle of a commit: commits stop, and a restart with CouchDB back applies the block', async () => {
    await withCouchDbServer((server) =>
      withTempDir(async (root) => {
        let provider = await KvLedgerProvider.start(await couchOptions(server, root));
        let ledger = await provider.create(createGenesisBlock('mychannel'));
        await commitTxs(ledger, [(s) => s.setState('mycc', 'a', utf8('{"v":1}'))]);
        server.failWrites = true;
        await assert.rejects(commitTxs(ledger, [(s) => s.setState('mycc', 'b', utf8('{"v":2}'))]), (err: Error & { code?: string }) => {
          assert.equal(err.code, 'STORE_UNAVAILABLE');
          assert.equal(
            err.message,
            'channel [mychannel]: block 2 is in the block files but its state could not be written (error handling CouchDB request. Error:unknown_error,  Status Code:500,  Reason:the disk is full); restart the peer to apply it',
          );
          return true;
        });
        server.failWrites = false;
        // The block cannot be validated again: the ledger refuses further commits until reopened.
        await assert.rejects(commitTxs(ledger, [(s) => s.setState('mycc', 'c', utf8('{"v":3}'))]), { code: 'STORE_UNAVAILABLE' });
        await provider.close();

        provider = await KvLedgerProvider.start(await couchOptions(server, root));
        ledger = await provider.open('mychannel');
        assert.equal((await ledger.getBlockchainInfo()).getHeight(), 3);
        await commitTxs(ledger, [(s) => s.setState('mycc', 'c', utf8('{"v":3}'))]);
        const qe = await ledger.newQueryExecutor();
        assert.deepEqual(
          (await collect(await qe.getStateByRange('mycc', '', ''))).map((kv) => [kv.key, text(kv.value)]),
          [
            ['a', '{"v":1}'],
            ['b', '{"v":2}'],
            ['c', '{"v":3}'],
          ],
        );
        qe.done();
        await provider.close();
      }),
    );
  });

  test('a CouchDB holding the state of an earlier ledger of the same channel is refused, naming the server', async () => {
    await withCouchDbServer(async (server) => {
      await withTempDir(async (root) => {
        const provider = await KvLedgerProvider.start(await couchOptions(server, root));
        const ledger = await provider.create(createGenesisBlock('mychannel'));
        for (let n = 0; n < 3; n++) await commitTxs(ledger, [(s) => s.setState('mycc', `k${n}`, utf8('1'))]);
        await provider.close();
      });
      // A fresh peer folder, the same CouchDB.
      await withTempDir(async (root) => {
        const provider = await KvLedgerProvider.start(await couchOptions(server, root));
        try {
          await assert.rejects(provider.create(createGenesisBlock('mychannel')), (err: Error & { code?: string }) => {
            assert.equal(err.code, 'STORE_CORRUPTED');
            assert.match(err.message, new RegExp(`^the CouchDB state database at http://${server.address} holds channel \\[mychannel\\] up to block 3, ahead of its ledger, which holds 0 blocks`));
            return true;
          });
          assert.deepEqual(await provider.list(), []);
        } finally {
          await provider.close();
        }
      });
    });
  });

  test('a CouchDB holding less of the channel than its ledger is refused, naming the server', async () => {
    await withTempDir(async (root) => {
      await withCouchDbServer(async (server) => {
        const provider = await KvLedgerProvider.start(await couchOptions(server, root));
        const ledger = await provider.create(createGenesisBlock('mychannel'));
        await commitTxs(ledger, [(s) => s.setState('mycc', 'a', utf8('1'))]);
        await provider.close();
      });
      await withCouchDbServer(async (empty) => {
        const provider = await KvLedgerProvider.start(await couchOptions(empty, root));
        try {
          await assert.rejects(provider.open('mychannel'), (err: Error & { code?: string }) => {
            assert.equal(err.code, 'STORE_CORRUPTED');
            assert.match(err.message, new RegExp(`^the CouchDB state database at http://${empty.address} holds channel \\[mychannel\\] up to block -1, but its ledger holds 2 blocks`));
            return true;
          });
        } finally {
          await provider.close();
        }
      });
    });
  });
});
