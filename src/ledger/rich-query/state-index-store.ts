import type { DbKeys } from '../db-keys.js';
import type { BatchOp, EntryIterator, LedgerDb, RangeOptions } from '../ledger-db.js';
import { decodeVersionedValue } from '../ledger-records.js';
import type { StateDb } from '../state-db.js';
import type { StateUpdates } from '../state-updates.js';
import type { IndexDefinition } from './index-definition.js';
import { parseDocument } from './rich-query-iterator.js';

type Collate = typeof import('pouchdb-collate');
type SelectorCore = typeof import('pouchdb-selector-core');

/** An index the ledger keeps: its entries, one per document holding every indexed field. */
export interface StoredIndex {
  id: string;
  fields: string[];
  /** Where its entries start in the database. */
  prefix: string;
}

export interface StateIndexStoreOptions {
  db: LedgerDb;
  keys: DbKeys;
  state: StateDb;
  /** Runs `fn` with no block committing, so a new index misses no write. */
  exclusive<T>(fn: () => Promise<T>): Promise<T>;
}

const BACKFILL_BATCH = 1000;

/**
 * The chaincodes' CouchDB indexes, kept in LevelDB beside the state they index. An entry's key is
 * the index's prefix, each indexed field's value in CouchDB's collation order
 * (pouchdb-collate's indexable strings), then the state key: a range of entries is a range of
 * field values, in the order CouchDB sorts them. An index is built from the state the first time a
 * query needs it, and from then on every commit keeps it up to date in the same write.
 */
export class StateIndexStore {
  /** Kept indexes by namespace; read from the database at first use. */
  private catalog: Map<string, Map<string, StoredIndex>> | undefined;
  private loading: Promise<Map<string, Map<string, StoredIndex>>> | undefined;

  constructor(private readonly opts: StateIndexStoreOptions) {}

  /** The kept index for the definition, built first (from the committed state) when it is new or its fields changed. */
  async ensure(namespace: string, index: IndexDefinition): Promise<StoredIndex> {
    const id = indexId(index);
    const found = (await this.load()).get(namespace)?.get(id);
    if (found !== undefined && sameFields(found.fields, index.fields)) return found;
    return this.opts.exclusive(async () => {
      const catalog = await this.load();
      const current = catalog.get(namespace)?.get(id);
      if (current !== undefined && sameFields(current.fields, index.fields)) return current;
      const stored: StoredIndex = { id, fields: index.fields, prefix: this.opts.keys.stateIndexEntries(namespace, id) };
      await this.build(namespace, stored);
      let byId = catalog.get(namespace);
      if (byId === undefined) {
        byId = new Map();
        catalog.set(namespace, byId);
      }
      byId.set(id, stored);
      return stored;
    });
  }

  /** Entries of a kept index, in key order (or reversed). */
  iterate(range: RangeOptions): EntryIterator {
    return this.opts.db.iterate(range);
  }

  /**
   * The index entries a block's state updates change: for each updated key of an indexed
   * namespace, its old entries go and its new ones come. Nothing is read for other namespaces.
   */
  async updateOps(updates: StateUpdates): Promise<BatchOp[]> {
    const catalog = await this.load();
    if (catalog.size === 0) return [];
    const ops: BatchOp[] = [];
    for (const namespace of updates.namespaces()) {
      const indexes = catalog.get(namespace);
      if (indexes === undefined || indexes.size === 0) continue;
      const [core, collate] = await Promise.all([import('pouchdb-selector-core'), import('pouchdb-collate')]);
      const changed = [...updates.of(namespace)];
      const old = await this.opts.state.getMany(changed.map(([key]) => ({ namespace, key })));
      changed.forEach(([key, update], i) => {
        const before = old[i];
        const oldDoc = before === undefined ? undefined : parseDocument(before.value);
        const newDoc = update.value === undefined ? undefined : parseDocument(update.value);
        for (const index of indexes.values()) {
          const oldKey = oldDoc === undefined ? undefined : entryKey(index, key, oldDoc, core, collate);
          const newKey = newDoc === undefined ? undefined : entryKey(index, key, newDoc, core, collate);
          if (oldKey === newKey) continue;
          if (oldKey !== undefined) ops.push({ type: 'del', key: oldKey });
          if (newKey !== undefined) ops.push({ type: 'put', key: newKey, value: Buffer.from(key) });
        }
      });
    }
    return ops;
  }

  private async build(namespace: string, index: StoredIndex): Promise<void> {
    const { db, keys, state } = this.opts;
    const [core, collate] = await Promise.all([import('pouchdb-selector-core'), import('pouchdb-collate')]);
    // Entries of an earlier build (other fields, or one a crash cut short) could be stale.
    await this.clear(index.prefix);
    const cursor = state.range(namespace, '', '');
    try {
      for (;;) {
        const ops: BatchOp[] = [];
        for (let n = 0; n < BACKFILL_BATCH; n++) {
          const entry = cursor.take() ?? (await cursor.next(BACKFILL_BATCH));
          if (entry === undefined) break;
          const doc = parseDocument(decodeVersionedValue(entry[1]).value);
          const key = doc === undefined ? undefined : entryKey(index, entry[0], doc, core, collate);
          if (key !== undefined) ops.push({ type: 'put', key, value: Buffer.from(entry[0]) });
        }
        if (ops.length === 0) break;
        await db.write(ops, false);
      }
    } finally {
      await cursor.close();
    }
    await db.write([{ type: 'put', key: keys.stateIndex(namespace, index.id), value: Buffer.from(JSON.stringify({ fields: index.fields })) }], false);
  }

  private async clear(prefix: string): Promise<void> {
    const it = this.opts.db.iterate({ gte: prefix, lt: `${prefix}\uffff` });
    try {
      for (let batch = await it.nextBatch(BACKFILL_BATCH); batch.length > 0; batch = await it.nextBatch(BACKFILL_BATCH)) {
        await this.opts.db.write(batch.map(([key]) => ({ type: 'del', key })), false);
      }
    } finally {
      await it.close();
    }
  }

  private load(): Promise<Map<string, Map<string, StoredIndex>>> {
    if (this.catalog !== undefined) return Promise.resolve(this.catalog);
    this.loading ??= this.readCatalog().then((catalog) => (this.catalog = catalog));
    return this.loading;
  }

  private async readCatalog(): Promise<Map<string, Map<string, StoredIndex>>> {
    const { db, keys } = this.opts;
    const range = keys.stateIndexRange();
    const catalog = new Map<string, Map<string, StoredIndex>>();
    const it = db.iterate(range);
    try {
      for (let batch = await it.nextBatch(100); batch.length > 0; batch = await it.nextBatch(100)) {
        for (const [dbKey, value] of batch) {
          const rest = dbKey.slice(range.gte.length);
          const sep = rest.indexOf('\x00');
          const namespace = rest.slice(0, sep);
          const id = rest.slice(sep + 1);
          const { fields } = JSON.parse(Buffer.from(value).toString('utf8')) as { fields: string[] };
          let byId = catalog.get(namespace);
          if (byId === undefined) {
            byId = new Map();
            catalog.set(namespace, byId);
          }
          byId.set(id, { id, fields, prefix: keys.stateIndexEntries(namespace, id) });
        }
      }
    } finally {
      await it.close();
    }
    return catalog;
  }
}

/** The entry of a document in the index; undefined when it lacks an indexed field (CouchDB leaves it out). */
function entryKey(index: StoredIndex, key: string, doc: Record<string, unknown>, core: SelectorCore, collate: Collate): string | undefined {
  const values: unknown[] = [];
  for (const field of index.fields) {
    const value = field === '_id' ? key : core.getFieldFromDoc(doc, core.parseField(field));
    if (value === undefined) return undefined;
    values.push(value);
  }
  return entryOf(index, key, values, collate);
}

/** The entry of the state key whose indexed fields hold these values. */
export function entryOf(index: StoredIndex, key: string, values: readonly unknown[], collate: Collate): string {
  let out = index.prefix;
  for (const value of values) out += collate.toIndexableString(value);
  return out + key;
}

function indexId(index: IndexDefinition): string {
  return `${index.ddoc}\x00${index.name}`;
}

function sameFields(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((f, i) => f === b[i]);
}
