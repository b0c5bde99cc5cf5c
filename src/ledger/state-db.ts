import type { DbKeys } from './db-keys.js';
import type { StateIterator } from './ledger.js';
import type { BatchOp, EntryIterator, LedgerDb } from './ledger-db.js';
import { decodeVersionedValue, encodeVersionedValue, type VersionedValue } from './ledger-records.js';
import { chooseIndex, noIndexForSort } from './rich-query/index-definition.js';
import { parseMangoQuery } from './rich-query/mango-query.js';
import { RichQueryIterator } from './rich-query/rich-query-iterator.js';
import { StateIndexStore } from './rich-query/state-index-store.js';
import type { StateUpdates } from './state-updates.js';
import type { RichQueryRequest, VersionedDb } from './versioned-db.js';

export interface StateDbOptions {
  db: LedgerDb;
  keys: DbKeys;
  /** Entries read from LevelDB per round trip (`ledger.state.internalQueryLimit`). */
  batchSize: number;
  /** Runs `fn` with no block committing (a new rich-query index must miss no write). */
  exclusive<T>(fn: () => Promise<T>): Promise<T>;
}

/**
 * The committed world state of one channel, kept in the ledger's own LevelDB (Fabric's goleveldb
 * state database), with the chaincodes' CouchDB indexes beside it so that it answers rich
 * queries too.
 */
export class StateDb implements VersionedDb {
  readonly external = false;
  private readonly db: LedgerDb;
  private readonly keys: DbKeys;
  /** The chaincodes' CouchDB indexes the ledger keeps, for rich queries. */
  private readonly indexStore: StateIndexStore;

  constructor(private readonly opts: StateDbOptions) {
    this.db = opts.db;
    this.keys = opts.keys;
    this.indexStore = new StateIndexStore({ db: opts.db, keys: opts.keys, state: this, exclusive: (fn) => opts.exclusive(fn) });
  }

  /** The block's state writes and the index entries they change, for the ledger's batch. */
  async commitUpdates(updates: StateUpdates): Promise<BatchOp[]> {
    const ops: BatchOp[] = [];
    for (const [namespace, key, update] of updates.entries()) {
      const dbKey = this.keys.state(namespace, key);
      if (update.value === undefined) ops.push({ type: 'del', key: dbKey });
      else ops.push({ type: 'put', key: dbKey, value: encodeVersionedValue({ value: update.value, version: update.version, metadata: update.metadata }) });
    }
    // The index entries are computed from the values before the update: read them first.
    for (const op of await this.indexStore.updateOps(updates)) ops.push(op);
    return ops;
  }

  /**
   * A Mango query answered from LevelDB as CouchDB would answer it. The matcher loads on the
   * first rich query: a peer that never runs one never pays for it.
   */
  async executeQuery(request: RichQueryRequest): Promise<StateIterator> {
    const [core, collate] = await Promise.all([import('pouchdb-selector-core'), import('pouchdb-collate')]);
    const query = parseMangoQuery(request.query, core);
    const index = chooseIndex(query, request.indexes);
    if (index === undefined && query.sort.length > 0) throw noIndexForSort();
    const store = this.indexStore;
    const stored = index === undefined ? undefined : { index: await store.ensure(request.stateNamespace, index), store };
    return RichQueryIterator.open({
      namespace: request.namespace,
      stateNamespace: request.stateNamespace,
      state: this,
      query,
      stored,
      core,
      collate,
      limit: request.limit,
      batchSize: this.opts.batchSize,
      bookmark: request.bookmark,
      record: request.record,
    });
  }

  async get(namespace: string, key: string): Promise<VersionedValue | undefined> {
    const raw = await this.db.get(this.keys.state(namespace, key));
    return raw === undefined ? undefined : decodeVersionedValue(raw);
  }

  async getMany(entries: ReadonlyArray<{ namespace: string; key: string }>): Promise<Array<VersionedValue | undefined>> {
    if (entries.length === 0) return [];
    const raws = await this.db.getMany(entries.map((e) => this.keys.state(e.namespace, e.key)));
    return raws.map((raw) => (raw === undefined ? undefined : decodeVersionedValue(raw)));
  }

  /** A key's stored (encoded) value. */
  getRaw(namespace: string, key: string): Promise<Uint8Array | undefined> {
    return this.db.get(this.keys.state(namespace, key));
  }

  /** A namespace's entries in key order from `startKey`, each stored value read as text (see LedgerDb.iterateText). */
  rangeText(namespace: string, startKey: string): StateRangeCursor<string> {
    const bounds = this.keys.stateRange(namespace);
    return new StateRangeCursor(this.db.iterateText({ gte: `${bounds.start}${startKey}`, lt: bounds.end }), bounds.start.length);
  }

  /**
   * An iterator over [startKey, endKey) of a namespace; '' as endKey means to the namespace's end.
   * With `includeEnd`, endKey itself is included (the phantom check of a partly read range).
   */
  range(namespace: string, startKey: string, endKey: string, includeEnd = false): StateRangeCursor {
    const bounds = this.keys.stateRange(namespace);
    let lt = bounds.end;
    if (endKey !== '') lt = includeEnd ? `${bounds.start}${endKey}\x00` : `${bounds.start}${endKey}`;
    return new StateRangeCursor(this.db.iterate({ gte: `${bounds.start}${startKey}`, lt }), bounds.start.length);
  }
}

/** A state key and its stored (encoded) value. */
export type StateEntry<V = Uint8Array> = [key: string, raw: V];

/** Reads a state range in batches, stripping the database key down to the state key. */
export class StateRangeCursor<V = Uint8Array> {
  private buffer: Array<[string, V]> = [];
  private index = 0;
  private exhausted = false;
  private ahead: Promise<Array<[string, V]>> | undefined;

  constructor(
    private readonly it: EntryIterator<V>,
    private readonly prefixLength: number,
  ) {}

  /**
   * The next entry already read from LevelDB, if any, as [state key, stored value]; no promise on
   * this hot path. The entry's database key is replaced by the state key in place.
   */
  take(): StateEntry<V> | undefined {
    const entry = this.buffer[this.index];
    if (entry === undefined) return undefined;
    this.index++;
    entry[0] = entry[0].slice(this.prefixLength);
    return entry;
  }

  /** The next entry, or undefined at the end; reads up to `batchSize` entries from LevelDB at a time. */
  async next(batchSize: number): Promise<StateEntry<V> | undefined> {
    const buffered = this.take();
    if (buffered !== undefined || this.exhausted) return buffered;
    // nextv may return fewer entries than asked (it also stops at a byte budget): only an empty
    // batch means the range is exhausted.
    this.buffer = await this.it.nextBatch(batchSize);
    this.index = 0;
    if (this.buffer.length === 0) this.exhausted = true;
    return this.take();
  }

  /**
   * As `next`, but each batch is asked for as soon as the previous one arrives, so LevelDB reads
   * the next batch while the caller works on this one (a scan that parses every value).
   */
  async nextAhead(batchSize: number): Promise<StateEntry<V> | undefined> {
    const buffered = this.take();
    if (buffered !== undefined || this.exhausted) return buffered;
    this.buffer = await (this.ahead ?? this.it.nextBatch(batchSize));
    this.index = 0;
    this.ahead = undefined;
    if (this.buffer.length === 0) this.exhausted = true;
    else {
      this.ahead = this.it.nextBatch(batchSize);
      // A read still under way when the scan is closed early has no one left to report to.
      this.ahead.catch(() => undefined);
    }
    return this.take();
  }

  async close(): Promise<void> {
    await this.ahead?.catch(() => undefined);
    return this.it.close();
  }
}
