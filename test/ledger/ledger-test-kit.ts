// Shared set-up for the ledger tests: temp directories, a provider with one channel, and a way to
// commit simulated transactions as a block.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { newBlock } from '../../src/ledger/block-builder.js';
import { createGenesisBlock } from '../../src/ledger/genesis-block.js';
import { KvLedgerProvider, type KvLedgerProviderOptions } from '../../src/ledger/kv-ledger-provider.js';
import type { PeerLedger, TxSimulator } from '../../src/ledger/ledger.js';
import type { Block } from '../../src/ledger/protos.js';
import { createEndorserTxEnvelope } from '../../src/ledger/tx-envelope.js';
import { CouchStateDbProvider } from '../../src/ledger/statecouchdb/couch-state-db-provider.js';
import type { CouchDbTestServer } from '../helpers/couchdb-server.js';

export async function withTempDir<T>(fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'weft-ledger-'));
  try {
    return await fn(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

export interface Channel {
  root: string;
  provider: KvLedgerProvider;
  ledger: PeerLedger;
}

/** A provider in a temp dir with channel `mychannel` created; everything removed afterwards. */
export async function withChannel<T>(
  fn: (c: Channel) => Promise<T>,
  options: Partial<KvLedgerProviderOptions> = {},
): Promise<T> {
  return withTempDir(async (root) => {
    const provider = await KvLedgerProvider.start({ rootPath: root, sync: false, ...options });
    try {
      const ledger = await provider.create(createGenesisBlock('mychannel'));
      return await fn({ root, provider, ledger });
    } finally {
      await provider.close();
    }
  });
}

/** As withChannel, with the channel's state in a CouchDB test server of its own (closed afterwards). */
export async function withCouchDbChannel<T>(
  fn: (c: Channel & { server: CouchDbTestServer }) => Promise<T>,
  options: Partial<KvLedgerProviderOptions> = {},
): Promise<T> {
  // Loaded only by the tests that use it: the server is express-pouchdb and its many modules.
  const { couchDbConfigOf, withCouchDbServer } = await import('../helpers/couchdb-server.js');
  return withCouchDbServer(async (server) => {
    const couch = await CouchStateDbProvider.start(couchDbConfigOf(server, { internalQueryLimit: options.internalQueryLimit ?? 1000 }));
    return withChannel((c) => fn({ ...c, server }), { ...options, openState: (channelId, height) => couch.open(channelId, height) });
  });
}

export type Simulation = (sim: TxSimulator) => Promise<void> | void;

let txCounter = 0;

/**
 * Simulates each function as one transaction against current state; private writes go to the
 * transient store, as the endorser leaves them.
 */
export async function simulate(ledger: PeerLedger, simulations: Simulation[], chaincodeName = 'mycc'): Promise<Uint8Array[]> {
  const envelopes: Uint8Array[] = [];
  for (const run of simulations) {
    const txId = `tx-${process.pid}-${++txCounter}`;
    const sim = await ledger.newTxSimulator(txId);
    await run(sim);
    const results = sim.getTxSimulationResults();
    if (results.pvtSimulationBytes !== undefined) await ledger.storeTransientPrivateData(txId, results.pvtSimulationBytes);
    envelopes.push(createEndorserTxEnvelope({ channelId: ledger.channelId, txId, results, chaincodeName }).serializeBinary());
  }
  return envelopes;
}

/** The next block of the ledger holding these envelopes. */
export async function nextBlock(ledger: PeerLedger, envelopes: Uint8Array[]): Promise<Block> {
  const info = await ledger.getBlockchainInfo();
  return newBlock({ number: info.getHeight(), previousHash: info.getCurrentblockhash_asU8(), envelopes });
}

/** Simulates all, then commits them together as one block; resolves the validation codes. */
export async function commitTxs(ledger: PeerLedger, simulations: Simulation[]): Promise<number[]> {
  const envelopes = await simulate(ledger, simulations);
  return ledger.commit(await nextBlock(ledger, envelopes));
}

export const utf8 = (s: string): Uint8Array => Buffer.from(s, 'utf8');
export const text = (b: Uint8Array | undefined): string | undefined => (b === undefined ? undefined : Buffer.from(b).toString('utf8'));

export async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}
