import { createCompositeKey, EMPTY_KEY_SUBSTITUTE, MAX_UNICODE_RUNE, validateSimpleKey } from './composite-key.js';
import type { QueryExecutor, RangeQuery, RangeQueryOptions, StateIterator, Version } from './ledger.js';
import { LedgerError } from './ledger-error.js';
import type { StateDb } from './state-db.js';
import { StateRangeIterator } from './state-range-iterator.js';

export interface QueryLimits {
  /** Most results a range scan returns (`ledger.state.totalQueryLimit`, Fabric: 100000). */
  totalQueryLimit: number;
  /** Entries fetched from the database per round trip (`ledger.state.internalQueryLimit`, Fabric: 1000). */
  internalQueryLimit: number;
}

export const DEFAULT_QUERY_LIMITS: QueryLimits = { totalQueryLimit: 100_000, internalQueryLimit: 1000 };

export interface QueryExecutorImplOptions {
  state: StateDb;
  limits: QueryLimits;
  /** Names the executor in errors: the txid of a simulator, '' for a plain query executor. */
  txId: string;
}

/**
 * Reads committed state. The simulator subclass overrides the `record*` hooks to build its read
 * set; a plain query executor records nothing.
 */
export class QueryExecutorImpl implements QueryExecutor {
  protected finished = false;
  private readonly iterators = new Set<StateIterator>();

  constructor(protected readonly opts: QueryExecutorImplOptions) {}

  async getState(namespace: string, key: string): Promise<Uint8Array | undefined> {
    this.checkOpen();
    const found = await this.opts.state.get(namespace, key);
    this.recordRead(namespace, key, found?.version);
    return found?.value;
  }

  async getStateMultipleKeys(namespace: string, keys: string[]): Promise<Array<Uint8Array | undefined>> {
    this.checkOpen();
    const found = await this.opts.state.getMany(keys.map((key) => ({ namespace, key })));
    return found.map((vv, i) => {
      this.recordRead(namespace, keys[i] as string, vv?.version);
      return vv?.value;
    });
  }

  async getStateMetadata(namespace: string, key: string): Promise<Map<string, Uint8Array> | undefined> {
    this.checkOpen();
    const found = await this.opts.state.get(namespace, key);
    this.recordRead(namespace, key, found?.version);
    return found?.metadata;
  }

  async getStateRangeScanIterator(
    namespace: string,
    startKey: string,
    endKey: string,
    options: RangeQueryOptions = {},
  ): Promise<StateIterator> {
    this.checkOpen();
    const paginated = options.pageSize !== undefined;
    if (paginated) this.beforePaginatedQuery();
    const start = options.bookmark !== undefined && options.bookmark !== '' ? options.bookmark : startKey;
    const limit = paginated ? Math.min(Math.max(1, options.pageSize ?? 1), this.opts.limits.totalQueryLimit) : this.opts.limits.totalQueryLimit;
    const record: RangeQuery | undefined = this.recordRangeQuery(namespace, start, endKey);
    const iterator = new StateRangeIterator({
      namespace,
      cursor: this.opts.state.range(namespace, start, endKey),
      limit,
      batchSize: this.opts.limits.internalQueryLimit,
      record,
      endKey,
    });
    this.iterators.add(iterator);
    return iterator;
  }

  async getStateByRange(namespace: string, startKey: string, endKey: string, options?: RangeQueryOptions): Promise<StateIterator> {
    validateSimpleKey(startKey);
    validateSimpleKey(endKey);
    return this.getStateRangeScanIterator(namespace, startKey === '' ? EMPTY_KEY_SUBSTITUTE : startKey, endKey, options);
  }

  async getStateByPartialCompositeKey(
    namespace: string,
    objectType: string,
    attributes: string[],
    options?: RangeQueryOptions,
  ): Promise<StateIterator> {
    const prefix = createCompositeKey(objectType, attributes);
    return this.getStateRangeScanIterator(namespace, prefix, prefix + MAX_UNICODE_RUNE, options);
  }

  async executeQuery(_namespace: string, _query: string): Promise<StateIterator> {
    this.checkOpen();
    throw new LedgerError('QUERY_NOT_SUPPORTED', 'ExecuteQuery not supported for leveldb');
  }

  done(): void {
    if (this.finished) return;
    this.finished = true;
    for (const iterator of this.iterators) iterator.close();
    this.iterators.clear();
  }

  protected checkOpen(): void {
    if (this.finished) {
      const who = this.opts.txId === '' ? '' : `txid [${this.opts.txId}]: `;
      throw new LedgerError('SIMULATOR_DONE', `${who}this instance should not be used after calling done()`);
    }
  }

  protected recordRead(_namespace: string, _key: string, _version: Version | undefined): void {}

  protected recordRangeQuery(_namespace: string, _startKey: string, _endKey: string): RangeQuery | undefined {
    return undefined;
  }

  protected beforePaginatedQuery(): void {}
}

