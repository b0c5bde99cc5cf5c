import { compareKeys } from './key-order.js';
import type { KeyRead, NamespaceRwSet, RangeQuery, Version } from './ledger.js';
import { decodeVersion, type VersionedValue } from './ledger-records.js';
import { peer } from './protos.js';
import type { VersionedDb } from './versioned-db.js';
import { StateUpdates } from './state-updates.js';

/** A block transaction as the validator sees it. */
export interface BlockTx {
  txNum: number;
  /** TxValidationCode so far; the validator only looks at VALID ones and may invalidate them. */
  code: number;
  namespaces: NamespaceRwSet[] | undefined;
  /** Range queries summarised as merkle hashes, which this validator cannot re-check. */
  hasMerkleSummaries: boolean;
}

export interface ValidateOptions {
  state: VersionedDb;
  /** Committed values of the keys the block touches, from preloadCommitted(). */
  committed: CommittedValues;
  blockNum: number;
  txs: BlockTx[];
  /**
   * False when replaying a block whose codes were already decided (recovery): only the writes
   * of the transactions marked valid are applied.
   */
  checkConflicts: boolean;
}

const { VALID, MVCC_READ_CONFLICT, PHANTOM_READ_CONFLICT } = peer.TxValidationCode;

/**
 * Fabric's MVCC validation for a LevelDB state database: in block order, a transaction is valid
 * only if every key it read still has the version it read and every range it scanned still holds
 * the same keys at the same versions, against committed state updated by the earlier valid
 * transactions of the block. Valid transactions' writes become the block's state updates.
 */
export async function validateAndPrepare(opts: ValidateOptions): Promise<StateUpdates> {
  const committed = opts.committed;
  const updates = new StateUpdates();
  const currentVersion = (namespace: string, key: string): Version | undefined => {
    const update = updates.get(namespace, key);
    if (update !== undefined) return update.version;
    return committed.get(cacheKey(namespace, key))?.version;
  };

  for (const tx of opts.txs) {
    if (tx.code !== VALID || tx.namespaces === undefined) continue;
    if (opts.checkConflicts) {
      if (!readsValid(tx.namespaces, currentVersion)) {
        tx.code = MVCC_READ_CONFLICT;
        continue;
      }
      if (tx.hasMerkleSummaries || !(await rangesValid(opts.state, tx.namespaces, updates))) {
        tx.code = PHANTOM_READ_CONFLICT;
        continue;
      }
    }
    applyWrites(tx, opts.blockNum, updates, committed);
  }
  return updates;
}

export type CommittedValues = Map<string, VersionedValue | undefined>;

/**
 * Reads, in one LevelDB round trip, every key the block's valid transactions read or write;
 * separate from validation so the caller can overlap it with its own look-ups.
 */
export async function preloadCommitted(opts: Pick<ValidateOptions, 'state' | 'txs' | 'checkConflicts'>): Promise<CommittedValues> {
  const wanted = new Map<string, { namespace: string; key: string }>();
  const want = (namespace: string, key: string): void => {
    const k = cacheKey(namespace, key);
    if (!wanted.has(k)) wanted.set(k, { namespace, key });
  };
  for (const tx of opts.txs) {
    if (tx.code !== VALID || tx.namespaces === undefined) continue;
    for (const ns of tx.namespaces) {
      if (opts.checkConflicts) for (const r of ns.reads) want(ns.namespace, r.key);
      for (const w of ns.writes) want(ns.namespace, w.key);
      for (const m of ns.metadataWrites) want(ns.namespace, m.key);
    }
  }
  const entries = [...wanted.values()];
  const values = await opts.state.getMany(entries);
  const out: CommittedValues = new Map();
  [...wanted.keys()].forEach((k, i) => out.set(k, values[i]));
  return out;
}

function readsValid(namespaces: NamespaceRwSet[], currentVersion: (ns: string, key: string) => Version | undefined): boolean {
  for (const ns of namespaces) {
    for (const read of ns.reads) {
      if (!sameVersion(read.version, currentVersion(ns.namespace, read.key))) return false;
    }
  }
  return true;
}

async function rangesValid(state: VersionedDb, namespaces: NamespaceRwSet[], updates: StateUpdates): Promise<boolean> {
  for (const ns of namespaces) {
    for (const rq of ns.rangeQueries) {
      if (!(await rangeUnchanged(state, ns.namespace, rq, updates))) return false;
    }
  }
  return true;
}

/**
 * Re-runs the scan over committed state merged with the block's earlier updates and compares it
 * with what the simulation saw, key by key and version by version. A scan the caller stopped early
 * is re-run up to and including the last key it returned; an exhausted one up to its end key.
 */
async function rangeUnchanged(state: VersionedDb, namespace: string, rq: RangeQuery, updates: StateUpdates): Promise<boolean> {
  const includeEnd = !rq.itrExhausted;
  const cursor = state.range(namespace, rq.startKey, rq.endKey, includeEnd);
  const batch = Math.min(1000, rq.reads.length + 2);
  const updated = updates.keysInRange(namespace, rq.startKey, rq.endKey, includeEnd);
  let u = 0;
  let c = await cursor.next(batch);

  const nextMerged = async (): Promise<KeyRead | undefined> => {
    for (;;) {
      const updatedKey = updated[u];
      if (c !== undefined && (updatedKey === undefined || compareKeys(c[0], updatedKey) < 0)) {
        const out = { key: c[0], version: decodeVersion(c[1]) };
        c = await cursor.next(batch);
        return out;
      }
      if (updatedKey === undefined) return undefined;
      if (c !== undefined && c[0] === updatedKey) c = await cursor.next(batch);
      u++;
      const update = updates.get(namespace, updatedKey);
      if (update === undefined || update.value === undefined) continue; // deleted in this block
      return { key: updatedKey, version: update.version };
    }
  };

  try {
    for (const expected of rq.reads) {
      const found = await nextMerged();
      if (found === undefined || found.key !== expected.key || !sameVersion(found.version, expected.version)) return false;
    }
    // Anything left in the range is a phantom. For a scan stopped early the range ends at the
    // last key it returned, so only an exhausted scan (or one never read, whose range is still
    // the whole requested range, end key included, as in Fabric) can find more here.
    return (await nextMerged()) === undefined;
  } finally {
    await cursor.close();
  }
}

function applyWrites(tx: BlockTx, blockNum: number, updates: StateUpdates, committed: CommittedValues): void {
  const version = { blockNum, txNum: tx.txNum };
  // The state a key has before this transaction: an earlier update of the block, else committed.
  const before = (namespace: string, key: string): { value: Uint8Array | undefined; metadata: Map<string, Uint8Array> | undefined } => {
    const update = updates.get(namespace, key);
    if (update !== undefined) return update;
    const vv = committed.get(cacheKey(namespace, key));
    return { value: vv?.value, metadata: vv?.metadata };
  };
  for (const ns of tx.namespaces ?? []) {
    const metadataWrites = new Map(ns.metadataWrites.map((m) => [m.key, m]));
    for (const w of ns.writes) {
      if (w.isDelete) {
        updates.set(ns.namespace, w.key, { value: undefined, metadata: undefined, version });
        continue;
      }
      // A value written without new metadata keeps the key's metadata (its endorsement policy).
      const m = metadataWrites.get(w.key);
      const metadata = m === undefined ? before(ns.namespace, w.key).metadata : toMetadata(m.entries);
      updates.set(ns.namespace, w.key, { value: w.value ?? new Uint8Array(0), metadata, version });
    }
    const written = new Set(ns.writes.map((w) => w.key));
    for (const m of ns.metadataWrites) {
      if (written.has(m.key)) continue;
      const current = before(ns.namespace, m.key);
      // Metadata of a key that does not exist has nothing to attach to.
      if (current.value === undefined) continue;
      updates.set(ns.namespace, m.key, { value: current.value, metadata: toMetadata(m.entries), version });
    }
  }
}

function toMetadata(entries: Array<{ name: string; value: Uint8Array }>): Map<string, Uint8Array> | undefined {
  if (entries.length === 0) return undefined;
  return new Map([...entries].sort((a, b) => compareKeys(a.name, b.name)).map((e) => [e.name, e.value]));
}

export function sameVersion(a: Version | undefined, b: Version | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  return a.blockNum === b.blockNum && a.txNum === b.txNum;
}

function cacheKey(namespace: string, key: string): string {
  return `${namespace}\x00${key}`;
}
