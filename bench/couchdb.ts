// CouchDB state database benchmark: blocks of JSON writes committed to a CouchDB-compatible server
// (express-pouchdb over PouchDB's memory adapter, the tests' server) running in a process of its
// own. The figure is the peer's commit path with CouchDB's HTTP round trips; an Apache CouchDB
// writes to disk, so it is a ceiling for that, not a measure of it.
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Benchmark, Report } from './harness.js';
import { endWithBenchmark, median } from './harness.js';
import { newBlock } from '../src/ledger/block-builder.js';
import { blockDataHash, blockHeaderHash } from '../src/ledger/block-hash.js';
import { createGenesisBlock } from '../src/ledger/genesis-block.js';
import { CouchStateDbProvider } from '../src/ledger/index.js';
import { KvLedgerProvider } from '../src/ledger/kv-ledger-provider.js';
import type { NamespaceRwSet, PeerLedger } from '../src/ledger/ledger.js';
import { toTxReadWriteSetBytes } from '../src/ledger/rwset-codec.js';
import { createEndorserTxEnvelope } from '../src/ledger/tx-envelope.js';

const CHANNEL = 'benchchannel';
const BLOCKS_PER_ROUND = 10;
const TXS_PER_BLOCK = 50;
const WRITES_PER_TX = 10;
const SERVER = fileURLToPath(new URL('../test/helpers/couchdb-server.js', import.meta.url));

/** The test server in a child process; resolves its address once it listens. */
async function startServer(): Promise<{ address: string; stop: () => void }> {
  const script = `import(${JSON.stringify(SERVER)}).then((m) => m.startCouchDbServer()).then((s) => console.log(s.address))`;
  const child = endWithBenchmark(spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] }));
  const address = await new Promise<string>((resolve, reject) => {
    child.stdout.once('data', (d: Buffer) => resolve(d.toString().trim()));
    child.once('exit', (code) => reject(new Error(`the CouchDB test server exited (${String(code)})`)));
  });
  return { address, stop: () => child.kill() };
}

let block = 0;

async function commitRound(ledger: PeerLedger, round: number): Promise<void> {
  const info = await ledger.getBlockchainInfo();
  let number = info.getHeight();
  let previousHash = info.getCurrentblockhash_asU8();
  for (let b = 0; b < BLOCKS_PER_ROUND; b++, number++, block++) {
    const envelopes: Uint8Array[] = [];
    for (let t = 0; t < TXS_PER_BLOCK; t++) {
      const ns: NamespaceRwSet = { namespace: 'assets', reads: [], rangeQueries: [], writes: [], metadataWrites: [] };
      for (let w = 0; w < WRITES_PER_TX; w++) {
        // Half the keys are new, half update a key of the previous round (a revision to look up).
        const key = w % 2 === 0 ? `asset-${block}-${t}-${w}` : `asset-${Math.max(0, block - BLOCKS_PER_ROUND)}-${t}-${w}`;
        ns.writes.push({ key, value: Buffer.from(JSON.stringify({ docType: 'asset', owner: `owner${t}`, round, w })), isDelete: false });
      }
      const results = toTxReadWriteSetBytes([ns]);
      envelopes.push(createEndorserTxEnvelope({ channelId: CHANNEL, txId: `tx-${number}-${t}`, results, chaincodeName: 'assets' }).serializeBinary());
    }
    await ledger.commit(newBlock({ number, previousHash, envelopes }));
    previousHash = blockHeaderHash({ number, previousHash, dataHash: blockDataHash(envelopes) });
  }
}

async function run(report: Report): Promise<void> {
  const server = await startServer();
  const root = await mkdtemp(join(tmpdir(), 'weft-couchdb-bench-'));
  const couch = await CouchStateDbProvider.start({
    couchDBAddress: server.address,
    username: '',
    password: '',
    maxRetries: 3,
    maxRetriesOnStartup: 3,
    requestTimeoutMs: 35_000,
    internalQueryLimit: 1000,
    maxBatchUpdateSize: 1000,
  });
  const provider = await KvLedgerProvider.start({ rootPath: root, sync: false, openState: (channelId, height) => couch.open(channelId, height) });
  try {
    const ledger = await provider.create(createGenesisBlock(CHANNEL));
    await commitRound(ledger, 0);
    const rates: number[] = [];
    for (let round = 1; round <= 5; round++) {
      const start = performance.now();
      await commitRound(ledger, round);
      rates.push((BLOCKS_PER_ROUND * TXS_PER_BLOCK * WRITES_PER_TX) / ((performance.now() - start) / 1000));
    }
    report('couchdb_commit_writes_per_s', median(rates), 'writes/s');
  } finally {
    await provider.close();
    server.stop();
    await rm(root, { recursive: true, force: true });
  }
}

export const couchDbBenchmark: Benchmark = { name: 'couchdb', run };
