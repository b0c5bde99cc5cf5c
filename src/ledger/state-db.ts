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
export type StateEntry = [key: string, raw: Uint8Array];

/** Reads a state range in batches, stripping the database key down to the state key. */
export class StateRangeCursor {
  private buffer: Array<[string, Uint8Array]> = [];
  private index = 0;
  private exhausted = false;

  constructor(
    private readonly it: EntryIterator,
    private readonly prefixLength: number,
  ) {}

  /**
   * The next entry already read from LevelDB, if any, as [state key, stored value]; no promise on
   * this hot path. The entry's database key is replaced by the state key in place.
   */
  take(): StateEntry | undefined {
    const entry = this.buffer[this.index];
    if (entry === undefined) return undefined;
    this.index++;
    entry[0] = entry[0].slice(this.prefixLength);
    return entry;
  }

  /** The next entry, or undefined at the end; reads up to `batchSize` entries from LevelDB at a time. */
  async next(batchSize: number): Promise<StateEntry | undefined> {
    const buffered = this.take();
    if (buffered !== undefined || this.exhausted) return buffered;
    // nextv may return fewer entries than asked (it also stops at a byte budget): only an empty
    // batch means the range is exhausted.
    this.buffer = await this.it.nextBatch(batchSize);
    this.index = 0;
    if (this.buffer.length === 0) this.exhausted = true;
    return this.take();
  }

  close(): Promise<void> {
    return this.it.close();
  }
}
