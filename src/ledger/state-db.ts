import type { DbKeys } from './db-keys.js';
import type { EntryIterator, LedgerDb } from './ledger-db.js';
import { decodeVersionedValue, type VersionedValue } from './ledger-records.js';

/** The committed world state of one channel, read from the shared ledger database. */
export class StateDb {
  constructor(
    private readonly db: LedgerDb,
    private readonly keys: DbKeys,
  ) {}

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
