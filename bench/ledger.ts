// Ledger benchmark: commit throughput, range scan speed, open time and disk use of a ledger
// holding 1,000,000 keys. Blocks are prepared before the clock starts: only commit() is timed.
import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Benchmark, Report } from './harness.js';
import { median } from './harness.js';
import { blockHeaderHash, blockDataHash } from '../src/ledger/block-hash.js';
import { newBlock } from '../src/ledger/block-builder.js';
import { createGenesisBlock } from '../src/ledger/genesis-block.js';
import { KvLedgerProvider } from '../src/ledger/kv-ledger-provider.js';
import type { NamespaceRwSet, PeerLedger } from '../src/ledger/ledger.js';
import type { Block } from '../src/ledger/protos.js';
import { toTxReadWriteSetBytes } from '../src/ledger/rwset-codec.js';
import { createEndorserTxEnvelope } from '../src/ledger/tx-envelope.js';

const CHANNEL = 'benchchannel';
const VALUE = Buffer.alloc(64, 0x61);

/** Envelope of one transaction writing `keys` (blind writes: no reads to conflict). */
function writeTx(txId: string, keys: string[]): Uint8Array {
  const ns: NamespaceRwSet = {
    namespace: 'bench',
    reads: [],
    rangeQueries: [],
    writes: keys.map((key) => ({ key, value: VALUE, isDelete: false })),
    metadataWrites: [],
  };
  const results = toTxReadWriteSetBytes([ns]);
  return createEndorserTxEnvelope({ channelId: CHANNEL, txId, results, chaincodeName: 'bench' }).serializeBinary();
}

/** A chain of blocks following `ledger`'s current block; hashes are known before commit. */
async function prepareBlocks(
  ledger: PeerLedger,
  count: number,
  txsPerBlock: number,
  writesPerTx: number,
  keyOf: (block: number, tx: number, write: number) => string,
): Promise<Block[]> {
  const info = await ledger.getBlockchainInfo();
  let number = info.getHeight();
  let previousHash = info.getCurrentblockhash_asU8();
  const blocks: Block[] = [];
  for (let b = 0; b < count; b++, number++) {
    const envelopes: Uint8Array[] = [];
    for (let t = 0; t < txsPerBlock; t++) {
      const keys = Array.from({ length: writesPerTx }, (_, w) => keyOf(number, t, w));
      envelopes.push(writeTx(`tx-${number}-${t}`, keys));
    }
    blocks.push(newBlock({ number, previousHash, envelopes }));
    previousHash = blockHeaderHash({ number, previousHash, dataHash: blockDataHash(envelopes) });
  }
  return blocks;
}

async function withLedger<T>(sync: boolean, fn: (root: string, provider: KvLedgerProvider, ledger: PeerLedger) => Promise<T>): Promise<T> {
  const root = await mkdtemp(join(tmpdir(), 'weft-ledger-bench-'));
  const provider = await KvLedgerProvider.start({ rootPath: root, sync });
  try {
    const ledger = await provider.create(createGenesisBlock(CHANNEL));
    return await fn(root, provider, ledger);
  } finally {
    await provider.close();
    await rm(root, { recursive: true, force: true });
  }
}

async function commitWritesPerSecond(writesPerTx: number, blocks: number, sync = true): Promise<number> {
  return withLedger(sync, async (_root, _provider, ledger) => {
    // Keys cycle over 10,000 so later blocks update existing keys, as a live channel does.
    const all = await prepareBlocks(ledger, blocks, 100, writesPerTx, (b, t, w) => `key-${(b * 100 * writesPerTx + t * writesPerTx + w) % 10_000}`);
    const start = performance.now();
    for (const block of all) await ledger.commit(block);
    const seconds = (performance.now() - start) / 1000;
    return (blocks * 100 * writesPerTx) / seconds;
  });
}

async function dirSize(path: string): Promise<number> {
  let total = 0;
  for (const entry of await readdir(path, { withFileTypes: true })) {
    const p = join(path, entry.name);
    total += entry.isDirectory() ? await dirSize(p) : (await stat(p)).size;
  }
  return total;
}

async function bigLedger(report: Report): Promise<void> {
  const KEYS = 1_000_000;
  const root = await mkdtemp(join(tmpdir(), 'weft-ledger-bench-1m-'));
  try {
    // Build: 10 blocks of 100 transactions writing 1,000 keys each.
    let provider = await KvLedgerProvider.start({ rootPath: root });
    const ledger = await provider.create(createGenesisBlock(CHANNEL));
    for (let round = 0; round < 10; round++) {
      const [block] = await prepareBlocks(ledger, 1, 100, 1000, (b, t, w) => `k${String((b - 1) * 100_000 + t * 1000 + w).padStart(7, '0')}`);
      await ledger.commit(block as Block);
    }
    await provider.close();
    report('ledger_bytes_per_key', (await dirSize(join(root, 'ledgersData'))) / KEYS, 'bytes');

    const opens: number[] = [];
    for (let i = 0; i < 5; i++) {
      const start = performance.now();
      provider = await KvLedgerProvider.start({ rootPath: root });
      const reopened = await provider.open(CHANNEL);
      await reopened.getBlockchainInfo();
      const value = await (await reopened.newQueryExecutor()).getState('bench', 'k0500000');
      opens.push(performance.now() - start);
      if (value === undefined) throw new Error('the 1m-key ledger lost key k0500000');
      await provider.close();
    }
    report('ledger_open_1m_keys_ms', median(opens), 'ms');

    provider = await KvLedgerProvider.start({ rootPath: root });
    try {
      const reopened = await provider.open(CHANNEL);
      const rates: number[] = [];
      for (let i = 0; i < 9; i++) {
        const qe = await reopened.newQueryExecutor();
        const start = performance.now();
        const it = await qe.getStateRangeScanIterator('bench', `k${String(i * 100_000).padStart(7, '0')}`, '');
        let n = 0;
        while ((await it.next()) !== undefined) n++;
        rates.push(n / ((performance.now() - start) / 1000));
        if (process.env.BENCH_DEBUG) process.stderr.write(`scan ${i}: ${Math.round(rates.at(-1) ?? 0)} keys/s\n`);
        qe.done();
      }
      report('ledger_range_scan_keys_per_s', median(rates), 'keys/s');
    } finally {
      await provider.close();
    }
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}

async function medianOf(runs: number, measure: () => Promise<number>): Promise<number> {
  const values: number[] = [];
  for (let i = 0; i < runs; i++) values.push(await measure());
  return median(values);
}

async function run(report: Report): Promise<void> {
  // Default settings: block file and database flushed to disk at every block (two fsyncs).
  report('ledger_commit_writes_per_s', await medianOf(3, () => commitWritesPerSecond(1, 200)), 'writes/s');
  report('ledger_commit_writes_per_s_10w', await medianOf(3, () => commitWritesPerSecond(10, 40)), 'writes/s');
  // The same without the fsyncs (crash-safe against a killed process, not against power loss).
  report('ledger_commit_writes_per_s_nosync', await medianOf(3, () => commitWritesPerSecond(1, 200, false)), 'writes/s');
  await bigLedger(report);
}

export const ledgerBenchmark: Benchmark = { name: 'ledger', run };
