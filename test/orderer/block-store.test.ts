import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { appendFile, readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import { newBlock } from '../../src/ledger/block-builder.js';
import { hashOfBlock } from '../../src/ledger/block-hash.js';
import type { Block } from '../../src/ledger/protos.js';
import { BlockStore } from '../../src/orderer/block-store.js';
import { OrderingError } from '../../src/orderer/orderer-error.js';
import { tempDir } from '../helpers/temp-dir.js';

async function openIn(dir: string, maxFileSize?: number): Promise<BlockStore> {
  return BlockStore.open({ dir: join(dir, 'chains', 'ch'), indexDir: join(dir, 'index', 'ch'), ...(maxFileSize === undefined ? {} : { maxFileSize }) });
}

function appendBlocks(store: BlockStore, count: number): Block[] {
  const blocks: Block[] = [];
  for (let i = 0; i < count; i++) {
    const last = store.lastBlock();
    const block = newBlock({ number: store.height(), previousHash: last === undefined ? new Uint8Array(0) : hashOfBlock(last), envelopes: [new Uint8Array(100).fill(i)] });
    store.append(block);
    blocks.push(block);
  }
  return blocks;
}

/** Every block of the store, checked to link to the one before. */
async function assertChainWhole(store: BlockStore): Promise<void> {
  let previous: Block | undefined;
  for (let n = 0; n < store.height(); n++) {
    const block = await store.getBlockByNumber(n);
    assert.equal(block.getHeader()?.getNumber(), n);
    if (previous !== undefined) assert.deepEqual(Buffer.from(block.getHeader()?.getPreviousHash_asU8() ?? []), Buffer.from(hashOfBlock(previous)));
    previous = block;
  }
}

test('blocks appended are read back, and again after a restart', async () => {
  const dir = await tempDir();
  const store = await openIn(dir, 1024);
  const blocks = appendBlocks(store, 20);
  assert.equal(store.height(), 20);
  assert.deepEqual((await store.getBlockByNumber(7)).serializeBinary(), blocks[7]?.serializeBinary());
  await store.close();

  const reopened = await openIn(dir, 1024);
  assert.equal(reopened.height(), 20);
  assert.equal(reopened.lastBlock()?.getHeader()?.getNumber(), 19);
  // Small files: the chain spans several of them.
  assert.ok((await readdir(join(dir, 'chains', 'ch'))).filter((f) => f.startsWith('blockfile_')).length > 1);
  await assertChainWhole(reopened);
  assert.deepEqual((await reopened.getBlockByNumber(19)).serializeBinary(), blocks[19]?.serializeBinary());
  await reopened.close();
});

test('the newest block, which Deliver streams ask for as it is cut, is served as the files hold it, a block per reader', async () => {
  const dir = await tempDir();
  const store = await openIn(dir);
  const blocks = appendBlocks(store, 3);
  const newest = await store.getBlockByNumber(2);
  assert.deepEqual(newest.serializeBinary(), blocks[2]?.serializeBinary());
  // Changing what one reader got changes nothing for the next.
  newest.getHeader()?.setNumber(99);
  assert.equal((await store.getBlockByNumber(2)).getHeader()?.getNumber(), 2);
  await store.close();
  const reopened = await openIn(dir);
  assert.deepEqual((await reopened.getBlockByNumber(2)).serializeBinary(), blocks[2]?.serializeBinary());
  await reopened.close();
});

test('a torn last block is dropped at restart, and the chain goes on after it', async () => {
  const dir = await tempDir();
  const store = await openIn(dir);
  appendBlocks(store, 3);
  await store.close();
  const file = join(dir, 'chains', 'ch', 'blockfile_000000');
  const whole = (await stat(file)).size;
  // A record cut short: its length says 500 bytes, 20 made it to disk.
  await appendFile(file, Buffer.concat([Buffer.from([0xf4, 0x03]), Buffer.alloc(20, 7)]));

  const reopened = await openIn(dir);
  assert.equal(reopened.height(), 3);
  assert.equal((await stat(file)).size, whole);
  appendBlocks(reopened, 1);
  await reopened.close();
  const again = await openIn(dir);
  assert.equal(again.height(), 4);
  await assertChainWhole(again);
  await again.close();
});

test('blocks the index lost are found again in the block files', async () => {
  const dir = await tempDir();
  const store = await openIn(dir);
  appendBlocks(store, 5);
  await store.close();
  await rm(join(dir, 'index', 'ch'), { recursive: true });
  const reopened = await openIn(dir);
  assert.equal(reopened.height(), 5);
  await assertChainWhole(reopened);
  await reopened.close();
});

test('after kill -9 while appending, every acknowledged block is there and the chain is whole', async () => {
  const dir = await tempDir();
  const child = spawn(process.execPath, [fileURLToPath(new URL('./block-writer-child.js', import.meta.url)), dir], { stdio: ['ignore', 'pipe', 'inherit'] });
  let acked = -1;
  let out = '';
  await new Promise<void>((resolve) => {
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      out += chunk;
      const lines = out.split('\n');
      out = lines.pop() ?? '';
      for (const line of lines) acked = Number(line);
      if (acked >= 60) {
        child.kill('SIGKILL');
        resolve();
      }
    });
  });
  await new Promise((resolve) => child.on('exit', resolve));
  const store = await openIn(dir, 64 * 1024);
  assert.ok(store.height() >= acked + 1, `height ${String(store.height())} holds acknowledged block ${String(acked)}`);
  await assertChainWhole(store);
  await store.close();
});

test('waitForBlock resolves once the block is appended, and rejects with the reason when aborted', async () => {
  const dir = await tempDir();
  const store = await openIn(dir);
  appendBlocks(store, 1);
  await store.waitForBlock(0, new AbortController().signal);
  const waiting = store.waitForBlock(2, new AbortController().signal);
  appendBlocks(store, 2);
  await waiting;
  const controller = new AbortController();
  const aborted = store.waitForBlock(5, controller.signal);
  controller.abort(new Error('client went away'));
  await assert.rejects(aborted, /client went away/);
  await assert.rejects(store.getBlockByNumber(3), (err: unknown) => err instanceof OrderingError && err.code === 'BLOCK_NOT_FOUND');
  const pending = assert.rejects(store.waitForBlock(9, new AbortController().signal), (err: unknown) => err instanceof OrderingError && err.code === 'SERVICE_UNAVAILABLE');
  await store.close();
  await pending;
});

test('a block out of sequence is refused', async () => {
  const dir = await tempDir();
  const store = await openIn(dir);
  assert.throws(() => store.append(newBlock({ number: 1, previousHash: new Uint8Array(0), envelopes: [] })), (err: unknown) => err instanceof OrderingError && err.code === 'STORE_CORRUPTED');
  await store.close();
});
