import type { CollectionInfo, CollectionInfoProvider } from './collection-info.js';
import { createCompositeKey, EMPTY_KEY_SUBSTITUTE, MAX_UNICODE_RUNE, validateSimpleKey } from './composite-key.js';
import type { QueryExecutor, RangeQuery, RangeQueryOptions, StateIterator, Version } from './ledger.js';
import { LedgerError } from './ledger-error.js';
import { sameVersion } from './mvcc-validator.js';
import { hashedNamespace, hashedStateKey, privateNamespace, sha256 } from './private-data-keys.js';
import { StateRangeIterator } from './state-range-iterator.js';
import type { IndexDefinition } from './rich-query/index-definition.js';
import type { VersionedDb } from './versioned-db.js';

export interface QueryLimits {
  /** Most results a range scan returns (`ledger.state.totalQueryLimit`, Fabric: 100000). */
  totalQueryLimit: number;
  /** Entries fetched from the database per round trip (`ledger.state.internalQueryLimit`, Fabric: 1000). */
  internalQueryLimit: number;
}

export const DEFAULT_QUERY_LIMITS: QueryLimits = { totalQueryLimit: 100_000, internalQueryLimit: 1000 };

export interface QueryExecutorImplOptions {
  state: VersionedDb;
  limits: QueryLimits;
  /** Names the executor in errors: the txid of a simulator, '' for a plain query executor. */
  txId: string;
  /** The chaincodes' private data collections; without it, no collection exists. */
  collections?: CollectionInfoProvider | undefined;
  /** The CouchDB indexes chaincodes declare, which order and narrow rich queries; without it, none. */
  indexes?: StateIndexSource | undefined;
}

/** The indexes a chaincode's package declares for its state, or for one of its collections. */
export interface StateIndexSource {
  indexes(namespace: string, collection: string | undefined): Promise<readonly IndexDefinition[]>;
}

/**
 * Reads committed state. The simulator subclass overrides the `record*` hooks to build its read
 * set; a plain query executor records nothing.
 */
export class QueryExecutorImpl implements QueryExecutor {
  protected finished = false;
  private readonly iterators = new Set<StateIterator>();
  /** Each chaincode's collections, read once per executor (Fabric's collection name validator); made at first use. */
  private collectionsOf: Map<string, Promise<ReadonlyMap<string, CollectionInfo> | undefined>> | undefined;

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

  async executeQuery(namespace: string, query: string, options: RangeQueryOptions = {}): Promise<StateIterator> {
    this.checkOpen();
    if (options.pageSize !== undefined) this.beforePaginatedQuery();
    return this.richQuery(namespace, undefined, query, options, (key, version) => this.recordRead(namespace, key, version));
  }

  async getPrivateData(namespace: string, collection: string, key: string): Promise<Uint8Array | undefined> {
    await this.checkCollection(namespace, collection);
    this.checkOpen();
    const [found, hashed] = await Promise.all([
      this.opts.state.get(privateNamespace(namespace, collection), key),
      this.opts.state.get(hashedNamespace(namespace, collection), hashedStateKey(sha256(key))),
    ]);
    // A peer outside the collection keeps the hash but not the value: say so rather than answer "no value".
    if (!sameVersion(found?.version, hashed?.version)) {
      throw new LedgerError(
        'PVT_DATA_NOT_AVAILABLE',
        `private data matching public hash version is not available. Public hash version = ${formatVersion(hashed?.version)}, Private data version = ${formatVersion(found?.version)}`,
      );
    }
    this.recordPrivateRead(namespace, collection, key, hashed?.version);
    return found?.value;
  }

  async getPrivateDataHash(namespace: string, collection: string, key: string): Promise<Uint8Array | undefined> {
    await this.checkCollection(namespace, collection);
    this.checkOpen();
    const hashed = await this.opts.state.get(hashedNamespace(namespace, collection), hashedStateKey(sha256(key)));
    this.recordPrivateRead(namespace, collection, key, hashed?.version);
    return hashed?.value;
  }

  async getPrivateDataMetadata(namespace: string, collection: string, key: string): Promise<Map<string, Uint8Array> | undefined> {
    await this.checkCollection(namespace, collection);
    this.checkOpen();
    const hashed = await this.opts.state.get(hashedNamespace(namespace, collection), hashedStateKey(sha256(key)));
    this.recordPrivateRead(namespace, collection, key, hashed?.version);
    return hashed?.metadata;
  }

  async getPrivateDataRangeScanIterator(namespace: string, collection: string, startKey: string, endKey: string): Promise<StateIterator> {
    await this.checkCollection(namespace, collection);
    this.checkOpen();
    this.beforePrivateDataQuery();
    const iterator = new StateRangeIterator({
      namespace,
      cursor: this.opts.state.range(privateNamespace(namespace, collection), startKey, endKey),
      limit: this.opts.limits.totalQueryLimit,
      batchSize: this.opts.limits.internalQueryLimit,
      record: undefined,
      endKey,
    });
    this.iterators.add(iterator);
    return iterator;
  }

  async executeQueryOnPrivateData(namespace: string, collection: string, query: string): Promise<StateIterator> {
    await this.checkCollection(namespace, collection);
    this.checkOpen();
    this.beforePrivateDataQuery();
    return this.richQuery(namespace, collection, query, {}, undefined);
  }

  /** A Mango query over the namespace (or collection), answered by the state database. */
  private async richQuery(
    namespace: string,
    collection: string | undefined,
    text: string,
    options: RangeQueryOptions,
    record: ((key: string, version: Version) => void) | undefined,
  ): Promise<StateIterator> {
    const indexes = (await this.opts.indexes?.indexes(namespace, collection)) ?? [];
    const paginated = options.pageSize !== undefined;
    const iterator = await this.opts.state.executeQuery({
      namespace,
      stateNamespace: collection === undefined ? namespace : privateNamespace(namespace, collection),
      query: text,
      indexes,
      limit: paginated ? Math.min(Math.max(1, options.pageSize ?? 1), this.opts.limits.totalQueryLimit) : this.opts.limits.totalQueryLimit,
      bookmark: options.bookmark ?? '',
      record,
    });
    if (this.finished) iterator.close();
    this.checkOpen();
    this.iterators.add(iterator);
    return iterator;
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

  /** The collection, or an error naming the chaincode and the collection it lacks. */
  protected async checkCollection(namespace: string, collection: string): Promise<CollectionInfo> {
    this.collectionsOf ??= new Map();
    let pending = this.collectionsOf.get(namespace);
    if (pending === undefined) {
      const provider = this.opts.collections;
      pending =
        provider === undefined
          ? Promise.resolve(undefined)
          : provider.collections(namespace, async (ns, key) => (await this.opts.state.get(ns, key))?.value);
      this.collectionsOf.set(namespace, pending);
    }
    const collections = await pending;
    if (collections === undefined) {
      throw new LedgerError(
        'COLLECTION_CONFIG_NOT_DEFINED',
        `collection config not defined for chaincode [${namespace}], pass the collection configuration upon chaincode definition/instantiation`,
      );
    }
    const info = collections.get(collection);
    if (info === undefined) {
      throw new LedgerError('INVALID_COLLECTION', `collection [${collection}] not defined in the collection config for chaincode [${namespace}]`);
    }
    return info;
  }

  protected recordRead(_namespace: string, _key: string, _version: Version | undefined): void {}

  /** A private key read: the simulator records its hash with the version seen. */
  protected recordPrivateRead(_namespace: string, _collection: string, _key: string, _version: Version | undefined): void {}

  protected beforePrivateDataQuery(): void {}

  protected recordRangeQuery(_namespace: string, _startKey: string, _endKey: string): RangeQuery | undefined {
    return undefined;
  }

  protected beforePaginatedQuery(): void {}
}


/** A version as Fabric prints a height; "<nil>" for none. */
function formatVersion(version: Version | undefined): string {
  return version === undefined ? '<nil>' : `{BlockNum: ${version.blockNum}, TxNum: ${version.txNum}}`;
}
