import type { Logger } from '../common/logging/logging.js';
import { ByteReader, ByteWriter } from '../common/protos/byte-codec.js';
import type { CollectionInfo, CollectionInfoProvider } from './collection-info.js';
import type { DbKeys } from './db-keys.js';
import type { NamespaceRwSet } from './ledger.js';
import type { BatchOp, LedgerDb } from './ledger-db.js';
import { decodeVersion, encodeVersion } from './ledger-records.js';
import type { BlockTx } from './mvcc-validator.js';
import { sameVersion } from './mvcc-validator.js';
import { hashedNamespace, hashedStateKey, parseDerivedNamespace, privateNamespace, sha256 } from './private-data-keys.js';
import { peer } from './protos.js';
import { fromPvtKvRwSetBytes, fromTxPvtReadWriteSetBytes, type ParsedNamespaceRwSet } from './rwset-codec.js';
import type { VersionedDb } from './versioned-db.js';
import type { StateUpdates } from './state-updates.js';

/** Blocks a transaction's private writes wait in the transient store for their block (Fabric's transientstoreMaxBlockRetention). */
export const DEFAULT_TRANSIENT_RETENTION_BLOCKS = 1000;
/** The most blocks between two sweeps of transient entries older than the retention. */
const MAX_TRANSIENT_SWEEP_INTERVAL = 100;
const { VALID } = peer.TxValidationCode;

export interface PrivateDataStoreOptions {
  channelId: string;
  db: LedgerDb;
  keys: DbKeys;
  state: VersionedDb;
  collections: CollectionInfoProvider | undefined;
  logger: Logger | undefined;
  transientRetentionBlocks?: number | undefined;
}

/** A collection whose private write set a block transaction's hashes promise. */
interface ExpectedCollection {
  namespace: string;
  collection: string;
  pvtRwSetHash: Uint8Array;
}

/**
 * The private side of a channel's ledger: the transient store, where the endorser leaves each
 * transaction's private writes until its block commits them, and the expiry of private data whose
 * collection has a blockToLive. Private values themselves are world state, in the derived
 * `$$p` / `$$h` namespaces, committed with the block.
 */
export class PrivateDataStore {
  /** The first block at which an expiry entry falls due; undefined when none is recorded. */
  private nextExpiry: number | undefined;
  private readonly retention: number;
  private readonly sweepInterval: number;

  private constructor(private readonly opts: PrivateDataStoreOptions) {
    this.retention = opts.transientRetentionBlocks ?? DEFAULT_TRANSIENT_RETENTION_BLOCKS;
    this.sweepInterval = Math.min(MAX_TRANSIENT_SWEEP_INTERVAL, this.retention);
  }

  static async open(opts: PrivateDataStoreOptions): Promise<PrivateDataStore> {
    const store = new PrivateDataStore(opts);
    const it = opts.db.iterate({ ...opts.keys.expiryRange(), limit: 1 });
    try {
      const [first] = await it.nextBatch(1);
      if (first !== undefined) store.nextExpiry = opts.keys.parseExpiry(first[0]).blockNum;
    } finally {
      await it.close();
    }
    return store;
  }

  storeTransient(txId: string, height: number, pvtSimulationBytes: Uint8Array): Promise<void> {
    const value = new ByteWriter(pvtSimulationBytes.length + 10).varint(height).raw(pvtSimulationBytes).finish();
    // Not synced: a transaction endorsed just before a crash is simply endorsed again.
    return this.opts.db.write([{ type: 'put', key: this.opts.keys.transient(txId), value }], false);
  }

  /**
   * Turns the collection hashes of each transaction's public results into writes and reads of the
   * hashed namespaces, so MVCC validation checks private reads as it checks public ones. Returns
   * the collections whose private write sets each transaction promises.
   */
  static hashedNamespaces(namespaces: ParsedNamespaceRwSet[]): { derived: NamespaceRwSet[]; expected: ExpectedCollection[] } {
    const derived: NamespaceRwSet[] = [];
    const expected: ExpectedCollection[] = [];
    for (const ns of namespaces) {
      for (const c of ns.collectionHashes) {
        derived.push({
          namespace: hashedNamespace(ns.namespace, c.collection),
          reads: c.reads.map((r) => ({ key: hashedStateKey(r.keyHash), version: r.version })),
          rangeQueries: [],
          writes: c.writes.map((w) => ({ key: hashedStateKey(w.keyHash), value: w.isDelete ? undefined : (w.valueHash ?? new Uint8Array(0)), isDelete: w.isDelete })),
          metadataWrites: c.metadataWrites.map((m) => ({ key: hashedStateKey(m.keyHash), entries: m.entries })),
        });
        if (c.pvtRwSetHash.length > 0) expected.push({ namespace: ns.namespace, collection: c.collection, pvtRwSetHash: c.pvtRwSetHash });
      }
    }
    return { derived, expected };
  }

  /**
   * Adds to each transaction still valid the private writes this peer keeps: those of
   * collections its organisation belongs to, found in the transient store and matching the hash
   * in the block. Missing or mismatched private data is logged and left out; the hashes still
   * commit. Runs before MVCC validation, which applies the writes of valid transactions only.
   */
  async attachPrivateWrites(blockNum: number, txIds: string[], txs: BlockTx[], expected: ExpectedCollection[][]): Promise<void> {
    const wanted = txs.filter((tx) => tx.code === VALID && (expected[tx.txNum]?.length ?? 0) > 0);
    if (wanted.length === 0) return;
    const raws = await this.opts.db.getMany(wanted.map((tx) => this.opts.keys.transient(txIds[tx.txNum] ?? '')));
    const infos = new Map<string, Promise<CollectionInfo | undefined>>();
    for (const [i, tx] of wanted.entries()) {
      const txId = txIds[tx.txNum] ?? '';
      const raw = raws[i];
      const sets = raw === undefined ? [] : fromTxPvtReadWriteSetBytes(transientPayload(raw));
      for (const want of expected[tx.txNum] ?? []) {
        const info = await this.collectionInfo(infos, want.namespace, want.collection);
        if (info === undefined || !info.memberOfThisPeer) continue;
        const found = sets.find((s) => s.namespace === want.namespace && s.collection === want.collection);
        const where = `[${this.opts.channelId}] block [${blockNum}] transaction [${txId}] collection [${want.namespace}:${want.collection}]`;
        if (found === undefined) {
          this.opts.logger?.warn('commit', `${where}: private data missing from the transient store; only its hashes are committed`);
          continue;
        }
        if (!Buffer.from(sha256(found.rwset)).equals(want.pvtRwSetHash)) {
          this.opts.logger?.warn('commit', `${where}: private data does not match the hash in the block; only its hashes are committed`);
          continue;
        }
        const { writes, metadataWrites } = fromPvtKvRwSetBytes(found.rwset);
        // Metadata lives with the hash; a metadata-only write still moves the value to the
        // hash's new version, which reads check the two agree on.
        const touched = metadataWrites.map((m) => ({ key: m.key, entries: [] }));
        tx.namespaces?.push({ namespace: privateNamespace(want.namespace, want.collection), reads: [], rangeQueries: [], writes, metadataWrites: touched });
      }
    }
  }

  /**
   * The store's part of a block's batch: transient entries of the block's private transactions
   * removed (and old ones swept now and then), expiry entries for collections with a
   * blockToLive, and the private data falling due at this block purged.
   */
  async commitOps(b: {
    blockNum: number;
    txIds: string[];
    txs: BlockTx[];
    expected: ExpectedCollection[][];
    updates: StateUpdates;
  }): Promise<{ ops: BatchOp[]; nextExpiry: number | undefined }> {
    const { keys } = this.opts;
    const ops: BatchOp[] = [];
    b.txs.forEach((tx) => {
      if ((b.expected[tx.txNum]?.length ?? 0) > 0) ops.push({ type: 'del', key: keys.transient(b.txIds[tx.txNum] ?? '') });
    });
    if (b.blockNum >= this.retention && b.blockNum % this.sweepInterval === 0) ops.push(...(await this.sweepTransient(b.blockNum)));
    const purged = await this.purgeExpired(b.blockNum, b.updates);
    const scheduled = await this.expiryEntries(b.blockNum, b.updates);
    ops.push(...purged.ops, ...scheduled.ops);
    return { ops, nextExpiry: earliest(purged.remaining, scheduled.earliest) };
  }

  /** Called once the block's batch is written, with what commitOps returned. */
  committed(nextExpiry: number | undefined): void {
    this.nextExpiry = nextExpiry;
  }

  // Each private or hashed key a block writes in a collection with a blockToLive gets an entry
  // at the block where it falls due.
  private async expiryEntries(blockNum: number, updates: StateUpdates): Promise<{ ops: BatchOp[]; earliest: number | undefined }> {
    const ops: BatchOp[] = [];
    let first: number | undefined;
    const infos = new Map<string, Promise<CollectionInfo | undefined>>();
    for (const namespace of updates.namespaces()) {
      const derived = parseDerivedNamespace(namespace);
      if (derived === undefined) continue;
      const info = await this.collectionInfo(infos, derived.namespace, derived.collection);
      if (info === undefined || info.blockToLive <= 0) continue;
      const due = blockNum + info.blockToLive + 1;
      for (const [key, update] of updates.of(namespace)) {
        if (update.value === undefined) continue;
        ops.push({ type: 'put', key: this.opts.keys.expiry(due, namespace, key), value: encodeVersion(update.version) });
        first = earliest(first, due);
      }
    }
    return { ops, earliest: first };
  }

  // Deletes private values and hashes that fell due, unless written again since (their version
  // changed) or in this very block: the deletions join the block's state updates.
  private async purgeExpired(blockNum: number, updates: StateUpdates): Promise<{ ops: BatchOp[]; remaining: number | undefined }> {
    if (this.nextExpiry === undefined || this.nextExpiry > blockNum) return { ops: [], remaining: this.nextExpiry };
    const { keys, db, state } = this.opts;
    const ops: BatchOp[] = [];
    const it = db.iterate(keys.expiryRange());
    let next: number | undefined;
    try {
      for (let batch = await it.nextBatch(100); batch.length > 0 && next === undefined; batch = await it.nextBatch(100)) {
        for (const [dbKey, raw] of batch) {
          const entry = keys.parseExpiry(dbKey);
          if (entry.blockNum > blockNum) {
            next = entry.blockNum;
            break;
          }
          ops.push({ type: 'del', key: dbKey });
          if (updates.get(entry.namespace, entry.key) !== undefined) continue;
          const current = await state.get(entry.namespace, entry.key);
          // A deletion among the block's state updates, so that whichever state database keeps
          // the state (and a rich-query index over it) purges it with the block.
          if (current !== undefined && sameVersion(current.version, decodeVersion(raw))) {
            updates.set(entry.namespace, entry.key, { value: undefined, metadata: undefined, version: { blockNum, txNum: 0 } });
          }
        }
      }
    } finally {
      await it.close();
    }
    return { ops, remaining: next };
  }

  private async sweepTransient(blockNum: number): Promise<BatchOp[]> {
    const ops: BatchOp[] = [];
    const it = this.opts.db.iterate(this.opts.keys.transientRange());
    try {
      for (let batch = await it.nextBatch(1000); batch.length > 0; batch = await it.nextBatch(1000)) {
        for (const [dbKey, raw] of batch) {
          if (new ByteReader(raw).varint() < blockNum - this.retention) ops.push({ type: 'del', key: dbKey });
        }
      }
    } finally {
      await it.close();
    }
    return ops;
  }

  private collectionInfo(cache: Map<string, Promise<CollectionInfo | undefined>>, namespace: string, collection: string): Promise<CollectionInfo | undefined> {
    const k = `${namespace}\x00${collection}`;
    let found = cache.get(k);
    if (found === undefined) {
      const provider = this.opts.collections;
      found =
        provider === undefined
          ? Promise.resolve(undefined)
          : provider.collections(namespace, async (ns, key) => (await this.opts.state.get(ns, key))?.value).then((all) => all?.get(collection));
      cache.set(k, found);
    }
    return found;
  }
}

function earliest(a: number | undefined, b: number | undefined): number | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return Math.min(a, b);
}

/** The private write set of a transient entry, after the height it was stored at. */
function transientPayload(raw: Uint8Array): Uint8Array {
  const r = new ByteReader(raw);
  r.varint();
  return raw.subarray(r.pos);
}
