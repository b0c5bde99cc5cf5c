import type { KeyRead, QueryResultKV, RangeQuery, StateIterator } from './ledger.js';
import { decodeVersionedValue, valueOf } from './ledger-records.js';
import type { StateEntry, StateRangeCursor } from './state-db.js';

export interface StateRangeIteratorOptions {
  namespace: string;
  cursor: StateRangeCursor;
  /** Results after which the iterator stops: the page size, else the total query limit. */
  limit: number;
  /** Entries read from LevelDB per round trip (`ledger.state.internalQueryLimit`). */
  batchSize: number;
  /** Set for a simulator: what the scan saw, kept for the phantom check at commit. */
  record: RangeQuery | undefined;
  /** The end key as the caller gave it, restored into `record` when the range is exhausted. */
  endKey: string;
}

/**
 * A range scan over committed state. While the caller reads, `record` follows Fabric's rules:
 * its end key is the last key returned (the caller may stop there), and once the range is
 * exhausted it is the requested end key with `itrExhausted` set.
 */
export class StateRangeIterator implements StateIterator {
  private returned = 0;
  private closed = false;

  constructor(private readonly opts: StateRangeIteratorOptions) {}

  get fetchedRecordsCount(): number {
    return this.returned;
  }

  async next(): Promise<QueryResultKV | undefined> {
    if (this.closed || this.returned >= this.opts.limit) return undefined;
    const entry = this.opts.cursor.take() ?? (await this.pull());
    if (entry === undefined) {
      if (this.opts.record !== undefined) {
        this.opts.record.itrExhausted = true;
        this.opts.record.endKey = this.opts.endKey;
      }
      this.close();
      return undefined;
    }
    const [key, raw] = entry;
    this.returned++;
    if (this.opts.record === undefined) return { namespace: this.opts.namespace, key, value: valueOf(raw) };
    const decoded = decodeVersionedValue(raw);
    const read: KeyRead = { key, version: decoded.version };
    this.opts.record.reads.push(read);
    this.opts.record.endKey = key;
    return { namespace: this.opts.namespace, key, value: decoded.value };
  }

  async getBookmarkAndClose(): Promise<string> {
    if (this.closed) return '';
    const entry = this.opts.cursor.take() ?? (await this.pull());
    this.close();
    return entry?.[0] ?? '';
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    // Closing a LevelDB iterator cannot fail in a way the caller could act on.
    this.opts.cursor.close().catch(() => undefined);
  }

  async *[Symbol.asyncIterator](): AsyncIterator<QueryResultKV> {
    try {
      for (let kv = await this.next(); kv !== undefined; kv = await this.next()) yield kv;
    } finally {
      this.close();
    }
  }

  // Reads the next batch from LevelDB once the buffered entries are used up.
  private pull(): Promise<StateEntry | undefined> {
    // Read no further ahead than the results still allowed (plus one, for the bookmark).
    const batch = Math.max(1, Math.min(this.opts.batchSize, this.opts.limit - this.returned + 1));
    return this.opts.cursor.next(batch);
  }
}
