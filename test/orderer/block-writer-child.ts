// Run as a child process by block-store.test.ts: appends blocks to the chain in argv[2] until
// killed, printing each block number once append() has returned (the block is acknowledged).
import { join } from 'node:path';
import { newBlock } from '../../src/ledger/block-builder.js';
import { hashOfBlock } from '../../src/ledger/block-hash.js';
import { BlockStore } from '../../src/orderer/block-store.js';

const dir = process.argv[2] ?? '';
const store = await BlockStore.open({ dir: join(dir, 'chains', 'ch'), indexDir: join(dir, 'index', 'ch'), maxFileSize: 64 * 1024 });
for (;;) {
  const last = store.lastBlock();
  const number = store.height();
  const block = newBlock({ number, previousHash: last === undefined ? new Uint8Array(0) : hashOfBlock(last), envelopes: [new Uint8Array(3000).fill(number % 256)] });
  store.append(block);
  process.stdout.write(`${String(number)}\n`);
  // Lets the index writes run between appends, as they do in an orderer.
  await new Promise((resolve) => setImmediate(resolve));
}
