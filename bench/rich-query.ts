// Rich query benchmark: Mango queries answered from the LevelDB state over 100,000 JSON assets.
// An indexed selector (an equality on the first field of a chaincode's index, 10 results) and a
// selector on a field no index covers, which reads every value.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Benchmark, Report } from './harness.js';
import { median } from './harness.js';
import { blockDataHash, blockHeaderHash } from '../src/ledger/block-hash.js';
import { newBlock } from '../src/ledger/block-builder.js';
import { createGenesisBlock } from '../src/ledger/genesis-block.js';
import type { IndexDefinition } from '../src/ledger/index.js';
import { KvLedgerProvider } from '../src/ledger/kv-ledger-provider.js';
import type { NamespaceRwSet, PeerLedger } from '../src/ledger/ledger.js';
import { toTxReadWriteSetBytes } from '../src/ledger/rwset-codec.js';
import { createEndorserTxEnvelope } from '../src/ledger/tx-envelope.js';

const CHANNEL = 'benchchannel';
const ASSETS = 100_000;
const OWNERS = 10_000;
const BY_OWNER: IndexDefinition = { ddoc: 'indexOwnerDoc', name: 'indexOwner', fields: ['owner'] };
const COLORS = ['red', 'blue', 'green', 'yellow', 'black', 'white', 'purple', 'orange', 'pink', 'grey'];

function asset(i: number): Buffer {
  return Buffer.from(
    JSON.stringify({ docType: 'asset', id: `asset${i}`, color: COLORS[i % COLORS.length], size: i % 100, owner: `owner${i % OWNERS}`, appraisedValue: i }),
  );
}

/** Commits the assets in blocks of 100 transactions writing 100 assets each. */
async function load(ledger: PeerLedger): Promise<void> {
  const info = await ledger.getBlockchainInfo();
  let number = info.getHeight();
  let previousHash = info.getCurrentblockhash_asU8();
  for (let first = 0; first < ASSETS; first += 10_000, number++) {
    const envelopes: Uint8Array[] = [];
    for (let t = 0; t < 100; t++) {
      const ns: NamespaceRwSet = { namespace: 'assets', reads: [], rangeQueries: [], writes: [], metadataWrites: [] };
      for (let w = 0; w < 100; w++) {
        const i = first + t * 100 + w;
        ns.writes.push({ key: `asset${String(i).padStart(6, '0')}`, value: asset(i), isDelete: false });
      }
      const results = toTxReadWriteSetBytes([ns]);
      envelopes.push(createEndorserTxEnvelope({ channelId: CHANNEL, txId: `load-${number}-${t}`, results, chaincodeName: 'assets' }).serializeBinary());
    }
    await ledger.commit(newBlock({ number, previousHash, envelopes }));
    previousHash = blockHeaderHash({ number, previousHash, dataHash: blockDataHash(envelopes) });
  }
}

async function count(ledger: PeerLedger, query: string): Promise<number> {
  const qe = await ledger.newQueryExecutor();
  try {
    const it = await qe.executeQuery('assets', query);
    let n = 0;
    while ((await it.next()) !== undefined) n++;
    return n;
  } finally {
    qe.done();
  }
}

async function run(report: Report): Promise<void> {
  const root = await mkdtemp(join(tmpdir(), 'weft-rich-query-bench-'));
  const provider = await KvLedgerProvider.start({
    rootPath: root,
    sync: false,
    indexes: () => ({ indexes: async (namespace) => (namespace === 'assets' ? [BY_OWNER] : []) }),
  });
  try {
    const ledger = await provider.create(createGenesisBlock(CHANNEL));
    await load(ledger);
    // The first indexed query builds the index from the state: reported, then excluded.
    const build = performance.now();
    if ((await count(ledger, '{"selector":{"owner":"owner0"}}')) !== ASSETS / OWNERS) throw new Error('the indexed query lost results');
    report('rich_query_index_build_100k_ms', performance.now() - build, 'ms');

    // Warm-up: the matcher and the query path compiled, as in a peer that has been serving.
    for (let q = 0; q < 500; q++) await count(ledger, `{"selector":{"owner":"owner${(q * 13) % OWNERS}"}}`);
    const rates: number[] = [];
    for (let round = 0; round < 5; round++) {
      const QUERIES = 1000;
      const start = performance.now();
      for (let q = 0; q < QUERIES; q++) {
        const n = await count(ledger, `{"selector":{"owner":"owner${(round * QUERIES + q * 7) % OWNERS}"}}`);
        if (n !== ASSETS / OWNERS) throw new Error(`an indexed query found ${n} assets, not ${ASSETS / OWNERS}`);
      }
      rates.push(QUERIES / ((performance.now() - start) / 1000));
    }
    report('rich_query_per_s_indexed', median(rates), 'queries/s');

    const scans: number[] = [];
    for (let round = 0; round < 5; round++) {
      const start = performance.now();
      const n = await count(ledger, `{"selector":{"appraisedValue":{"$gte":${ASSETS - 10 - round}}}}`);
      scans.push(performance.now() - start);
      if (n !== 10 + round) throw new Error(`the scan found ${n} assets, not ${10 + round}`);
    }
    report('rich_query_scan_100k_ms', median(scans), 'ms');
  } finally {
    await provider.close();
    await rm(root, { recursive: true, force: true });
  }
}

export const richQueryBenchmark: Benchmark = { name: 'rich_query', run };
