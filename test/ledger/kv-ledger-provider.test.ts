import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFile, cp, mkdir, readdir, readFile, rm, stat, truncate, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ClassicLevel } from 'classic-level';
import { newBlock } from '../../src/ledger/block-builder.js';
import { serializeBlock } from '../../src/ledger/block-serialization.js';
import { ByteWriter } from '../../src/common/protos/byte-codec.js';
import { LedgerDb } from '../../src/ledger/ledger-db.js';
import { createGenesisBlock } from '../../src/ledger/genesis-block.js';
import { KvLedgerProvider } from '../../src/ledger/kv-ledger-provider.js';
import { common } from '../../src/ledger/protos.js';
import { collect, commitTxs, simulate, text, utf8, withTempDir } from './ledger-test-kit.js';

const start = (rootPath: string, maxBlockfileSize?: number): Promise<KvLedgerProvider> =>
  KvLedgerProvider.start({ rootPath, sync: false, ...(maxBlockfileSize === undefined ? {} : { maxBlockfileSize }) });
const blockDir = (root: string, channel: string): string => join(root, 'ledgersData', 'chains', 'chains', channel);
const blockFile = (root: string, channel: string): string => join(blockDir(root, channel), 'blockfile_000000');

test('create, list, exists and open; ledgers survive a restart', async () => {
  await withTempDir(async (root) => {
    let provider = await start(root);
    const ledger = await provider.create(createGenesisBlock('mychannel'));
    await provider.create(createGenesisBlock('another'));
    assert.equal(ledger.channelId, 'mychannel');
    await commitTxs(ledger, [(s) => s.setState('cc', 'k', utf8('v'))]);
    assert.deepEqual(await provider.list(), ['another', 'mychannel']);
    assert.equal(await provider.exists('mychannel'), true);
    assert.equal(await provider.exists('nochannel'), false);
    await provider.close();

    provider = await start(root);
    try {
      const reopened = await provider.open('mychannel');
      assert.equal((await reopened.getBlockchainInfo()).getHeight(), 2);
      assert.equal(text(await (await reopened.newQueryExecutor()).getState('cc', 'k')), 'v');
      assert.equal(await provider.open('mychannel'), reopened, 'one open ledger per channel');
      const other = await provider.open('another');
      assert.equal(await (await other.newQueryExecutor()).getState('cc', 'k'), undefined, 'channels share state');
    } finally {
      await provider.close();
    }
  });
});

test('creating an existing ledger, opening an unknown one, and bad genesis blocks fail clearly', async () => {
  await withTempDir(async (root) => {
    const provider = await start(root);
    try {
      const ledger = await provider.create(createGenesisBlock('mychannel'));
      await assert.rejects(provider.create(createGenesisBlock('mychannel')), { code: 'LEDGER_EXISTS', message: 'ledger [mychannel] already exists' });
      await assert.rejects(provider.open('unknownchannel'), { code: 'LEDGER_NOT_FOUND', message: 'ledger [unknownchannel] does not exist' });
      const info = await ledger.getBlockchainInfo();
      await assert.rejects(provider.create(newBlock({ number: 1, previousHash: info.getCurrentblockhash_asU8(), envelopes: [] })), {
        code: 'INVALID_GENESIS_BLOCK',
        message: /must be block 0/,
      });
      await assert.rejects(provider.create(newBlock({ number: 0, previousHash: new Uint8Array(0), envelopes: [] })), {
        code: 'INVALID_GENESIS_BLOCK',
        message: /holds no transaction/,
      });
      await assert.rejects(provider.create(newBlock({ number: 0, previousHash: new Uint8Array(0), envelopes: [Buffer.from('junk')] })), {
        code: 'INVALID_GENESIS_BLOCK',
      });
      const [endorserTx] = await simulate(ledger, [(s) => s.setState('cc', 'k', utf8('v'))]);
      await assert.rejects(provider.create(newBlock({ number: 0, previousHash: new Uint8Array(0), envelopes: [endorserTx as Uint8Array] })), {
        code: 'INVALID_GENESIS_BLOCK',
        message: /must hold a CONFIG transaction/,
      });
      assert.deepEqual(await provider.list(), ['mychannel']);
    } finally {
      await provider.close();
    }
  });
});

test('a data directory that cannot be a ledger store is refused, naming the path', async () => {
  await withTempDir(async (root) => {
    await writeFile(join(root, 'ledgersData'), 'not a directory');
    await assert.rejects(start(root), { code: 'STORE_UNAVAILABLE', message: new RegExp(`cannot create ledger directory ${join(root, 'ledgersData')}`) });
  });
  await withTempDir(async (root) => {
    // Some other program's LevelDB where the ledger database belongs.
    const path = join(root, 'ledgersData', 'ledgerLeveldb');
    await mkdir(join(root, 'ledgersData'), { recursive: true });
    const foreign = new ClassicLevel(path);
    await foreign.put('user:1', 'alice');
    await foreign.close();
    await assert.rejects(start(root), { code: 'STORE_CORRUPTED', message: new RegExp(`database at ${path} is not a Weft ledger database`) });
  });
  await withTempDir(async (root) => {
    const provider = await start(root);
    await provider.create(createGenesisBlock('mychannel'));
    await provider.close();
    const path = join(root, 'ledgersData', 'ledgerLeveldb');
    for (const f of await readdir(path)) if (f.startsWith('MANIFEST')) await writeFile(join(path, f), 'garbage garbage garbage');
    await assert.rejects(start(root), { code: 'STORE_UNAVAILABLE', message: new RegExp(`cannot open ledger database at ${path}`) });
  });
});

test('a corrupted block file fails that channel only, naming the file', async () => {
  await withTempDir(async (root) => {
    let provider = await start(root);
    await provider.create(createGenesisBlock('mychannel'));
    const good = await provider.create(createGenesisBlock('goodchannel'));
    await commitTxs(good, [(s) => s.setState('cc', 'k', utf8('v'))]);
    await provider.close();
    // A complete record whose content is not a block.
    await appendFile(blockFile(root, 'mychannel'), Buffer.concat([Buffer.from([20]), Buffer.alloc(20, 0xff)]));
    provider = await start(root);
    try {
      await assert.rejects(provider.open('mychannel'), {
        code: 'STORE_CORRUPTED',
        message: new RegExp(`block file ${blockFile(root, 'mychannel')} holds an unreadable block`),
      });
      const other = await provider.open('goodchannel');
      assert.equal(text(await (await other.newQueryExecutor()).getState('cc', 'k')), 'v');
    } finally {
      await provider.close();
    }
  });
});

test('a block file shorter than the committed ledger is refused, naming the file', async () => {
  await withTempDir(async (root) => {
    let provider = await start(root);
    await commitTxs(await provider.create(createGenesisBlock('mychannel')), [(s) => s.setState('cc', 'k', utf8('v'))]);
    await provider.close();
    const file = blockFile(root, 'mychannel');
    await truncate(file, (await stat(file)).size - 10);
    provider = await start(root);
    try {
      await assert.rejects(provider.open('mychannel'), { code: 'STORE_CORRUPTED', message: new RegExp(`block file ${file} is .* truncated or replaced`) });
    } finally {
      await provider.close();
    }
  });
});

test('a torn last record (a crash inside the append) is cut off on open', async () => {
  await withTempDir(async (root) => {
    let provider = await start(root);
    const ledger = await provider.create(createGenesisBlock('mychannel'));
    await commitTxs(ledger, [(s) => s.setState('cc', 'k', utf8('v1'))]);
    await provider.close();
    const file = blockFile(root, 'mychannel');
    const size = (await stat(file)).size;
    const bytes = await readFile(file);
    // The start of a record copied from the file: a length prefix promising more than is there.
    await appendFile(file, bytes.subarray(0, 40));
    provider = await start(root);
    try {
      const reopened = await provider.open('mychannel');
      assert.equal((await stat(file)).size, size);
      assert.equal((await reopened.getBlockchainInfo()).getHeight(), 2);
      await commitTxs(reopened, [(s) => s.setState('cc', 'k', utf8('v2'))]);
      assert.equal(text(await (await reopened.newQueryExecutor()).getState('cc', 'k')), 'v2');
    } finally {
      await provider.close();
    }
  });
});

test('blocks appended but never indexed (a crash between the two writes) are replayed on open', async () => {
  await withTempDir(async (base) => {
    const root = join(base, 'live');
    const stale = join(base, 'stale');
    let provider = await start(root);
    await commitTxs(await provider.create(createGenesisBlock('mychannel')), [(s) => s.setState('cc', 'a', utf8('1'))]);
    await provider.close();
    await cp(root, stale, { recursive: true });
    provider = await start(root);
    const ledger = await provider.open('mychannel');
    await commitTxs(ledger, [(s) => s.setState('cc', 'a', utf8('2')), (s) => s.setState('cc', 'b', utf8('1'))]);
    await commitTxs(ledger, [(s) => s.deleteState('cc', 'b')]);
    await provider.close();
    // The stale copy's database knows 2 blocks; give it the block files holding 4.
    await cp(blockDir(root, 'mychannel'), blockDir(stale, 'mychannel'), { recursive: true });
    provider = await start(stale);
    try {
      const recovered = await provider.open('mychannel');
      assert.equal((await recovered.getBlockchainInfo()).getHeight(), 4);
      const qe = await recovered.newQueryExecutor();
      assert.equal(text(await qe.getState('cc', 'a')), '2');
      assert.equal(await qe.getState('cc', 'b'), undefined);
      const history = await recovered.newHistoryQueryExecutor();
      assert.deepEqual((await collect(await history.getHistoryForKey('cc', 'b'))).map((m) => m.isDelete), [true, false]);
      assert.equal((await recovered.getBlockByNumber(3)).getHeader()?.getNumber(), 3);
    } finally {
      await provider.close();
    }
  });
});

test('block files roll over at the size limit and stay readable across files', async () => {
  await withTempDir(async (root) => {
    let provider = await start(root, 4096);
    const ledger = await provider.create(createGenesisBlock('mychannel'));
    for (let i = 1; i <= 12; i++) await commitTxs(ledger, [(s) => s.setState('cc', 'k', Buffer.alloc(1000, i))]);
    await provider.close();
    const files = (await readdir(blockDir(root, 'mychannel'))).sort();
    assert.ok(files.length >= 3, `expected several block files, got ${files.join(', ')}`);
    assert.equal(files[1], 'blockfile_000001');
    provider = await start(root, 4096);
    try {
      const reopened = await provider.open('mychannel');
      for (let n = 0; n <= 12; n++) assert.equal((await reopened.getBlockByNumber(n)).getHeader()?.getNumber(), n);
      const mods = await collect(await (await reopened.newHistoryQueryExecutor()).getHistoryForKey('cc', 'k'));
      assert.deepEqual(mods.map((m) => m.value[0]), [12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1]);
      await commitTxs(reopened, [(s) => s.setState('cc', 'k', utf8('after'))]);
      assert.equal((await reopened.getBlockchainInfo()).getHeight(), 14);
    } finally {
      await provider.close();
    }
  });
});

test('a ledger half created by a crash is finished if its genesis block made it, else removed', async () => {
  await withTempDir(async (root) => {
    let provider = await start(root);
    await provider.create(createGenesisBlock('mychannel'));
    await provider.close();
    const ids = new ClassicLevel<string, Uint8Array>(join(root, 'ledgersData', 'ledgerProvider'), { valueEncoding: 'view' });
    await ids.put('ledger\x00mychannel', Uint8Array.of(0));
    await ids.put('ledger\x00ghost', Uint8Array.of(0));
    await ids.close();
    // A half-made ledger whose block file is unreadable must not stop the others.
    await mkdir(blockDir(root, 'broken'), { recursive: true });
    await writeFile(blockFile(root, 'broken'), Buffer.concat([Buffer.from([8]), Buffer.alloc(8, 0xff)]));
    const ids2 = new ClassicLevel<string, Uint8Array>(join(root, 'ledgersData', 'ledgerProvider'), { valueEncoding: 'view' });
    await ids2.put('ledger\x00broken', Uint8Array.of(0));
    await ids2.close();
    provider = await start(root);
    try {
      assert.deepEqual(await provider.list(), ['mychannel']);
      assert.equal(await provider.exists('ghost'), false);
      await assert.rejects(provider.open('broken'), { code: 'LEDGER_NOT_FOUND' });
      await provider.create(createGenesisBlock('ghost'));
      assert.deepEqual(await provider.list(), ['ghost', 'mychannel']);
    } finally {
      await provider.close();
    }
  });
});

test('a second provider on the same directory is refused while the first runs', async () => {
  await withTempDir(async (root) => {
    const provider = await start(root);
    try {
      await assert.rejects(start(root), { code: 'STORE_UNAVAILABLE', message: /already in use by another process/ });
    } finally {
      await provider.close();
    }
    await assert.rejects(provider.list(), { code: 'LEDGER_CLOSED' });
  });
});

test('the channel id of the genesis block must be valid', async () => {
  await withTempDir(async (root) => {
    const provider = await start(root);
    try {
      const block = createGenesisBlock('mychannel');
      const envelope = common.Envelope.deserializeBinary(block.getData()?.getDataList_asU8()[0] as Uint8Array);
      const payload = common.Payload.deserializeBinary(envelope.getPayload_asU8());
      const header = payload.getHeader() as InstanceType<typeof common.Header>;
      const channelHeader = common.ChannelHeader.deserializeBinary(header.getChannelHeader_asU8());
      channelHeader.setChannelId('Bad_Channel');
      header.setChannelHeader(channelHeader.serializeBinary());
      envelope.setPayload(payload.serializeBinary());
      const bad = newBlock({ number: 0, previousHash: new Uint8Array(0), envelopes: [envelope] });
      await assert.rejects(provider.create(bad), { code: 'INVALID_CHANNEL_ID', message: /Bad_Channel/ });
    } finally {
      await provider.close();
    }
  });
});

test('a block file holding a block out of sequence, or missing, is refused, naming it', async () => {
  await withTempDir(async (root) => {
    let provider = await start(root);
    await provider.create(createGenesisBlock('mychannel'));
    await provider.create(createGenesisBlock('second'));
    await provider.close();
    // A well-formed record of block 7 where block 1 should follow.
    const stray = serializeBlock(newBlock({ number: 7, previousHash: Buffer.alloc(32), envelopes: [] })).bytes;
    await appendFile(blockFile(root, 'mychannel'), Buffer.concat([new ByteWriter().varint(stray.length).finish(), stray]));
    await rm(blockFile(root, 'second'));
    provider = await start(root);
    try {
      await assert.rejects(provider.open('mychannel'), {
        code: 'STORE_CORRUPTED',
        message: new RegExp(`block file ${blockDir(root, 'mychannel')} .* holds block 7 where block 1 of channel \\[mychannel\\] should follow`),
      });
      await assert.rejects(provider.open('second'), {
        code: 'STORE_CORRUPTED',
        message: new RegExp(`block file ${blockFile(root, 'second')} is missing`),
      });
    } finally {
      await provider.close();
    }
  });
});

test('a ledger database of another format version is refused, naming it', async () => {
  await withTempDir(async (root) => {
    const path = join(root, 'db');
    await (await LedgerDb.open(path, 'weft-ledger/0')).close();
    await assert.rejects(LedgerDb.open(path, 'weft-ledger/1'), {
      code: 'STORE_CORRUPTED',
      message: `database at ${path} holds format 'weft-ledger/0', expected 'weft-ledger/1'`,
    });
  });
});
