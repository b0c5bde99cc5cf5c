/**
 * The ledger as the rest of the peer sees it: Fabric's kvledger interfaces (PeerLedger,
 * QueryExecutor, TxSimulator, HistoryQueryExecutor), in TypeScript. Chaincode support and the SCCs
 * depend on these interfaces only, so the store behind them can change without touching them.
 */
import type { Block, BlockchainInfo, ProcessedTransaction } from './protos.js';

/** Height of the committing block and position of the transaction in it. */
export interface Version {
  blockNum: number;
  txNum: number;
}

/** One result of a range scan. */
export interface QueryResultKV {
  namespace: string;
  key: string;
  value: Uint8Array;
}

/** Fabric's ResultsIterator: `next()` resolves undefined once the results are exhausted. */
export interface ResultsIterator<T> extends AsyncIterable<T> {
  next(): Promise<T | undefined>;
  /** Releases the underlying database iterator; later `next()` calls resolve undefined. */
  close(): void;
}

export interface StateIterator extends ResultsIterator<QueryResultKV> {
  /** Results returned so far (Fabric's FetchedRecordsCount). */
  readonly fetchedRecordsCount: number;
  /**
   * The key to pass as `bookmark` for the next page: the first key after the results returned,
   * or '' when the range holds no more keys. Closes the iterator.
   */
  getBookmarkAndClose(): Promise<string>;
}

export interface RangeQueryOptions {
  /** Returns at most this many results (a page); the bookmark then points at the next one. */
  pageSize?: number;
  /** Resume a paginated query: the bookmark a previous page returned (replaces the start key). */
  bookmark?: string;
}

/** Read access to committed world state of one channel. */
export interface QueryExecutor {
  /** The committed value of `key` in chaincode namespace `namespace`, or undefined. */
  getState(namespace: string, key: string): Promise<Uint8Array | undefined>;
  getStateMultipleKeys(namespace: string, keys: string[]): Promise<Array<Uint8Array | undefined>>;
  /** The key's metadata (e.g. its endorsement policy under "VALIDATION_PARAMETER"), or undefined. */
  getStateMetadata(namespace: string, key: string): Promise<Map<string, Uint8Array> | undefined>;
  /**
   * Keys in [startKey, endKey) in byte order, as the ledger stores them: '' as startKey is the
   * first key (composite keys included), '' as endKey means up to the last key.
   */
  getStateRangeScanIterator(namespace: string, startKey: string, endKey: string, options?: RangeQueryOptions): Promise<StateIterator>;
  /**
   * A chaincode's GetStateByRange: simple keys only. '' as startKey starts after every composite
   * key; keys starting with U+0000 are refused.
   */
  getStateByRange(namespace: string, startKey: string, endKey: string, options?: RangeQueryOptions): Promise<StateIterator>;
  /** A chaincode's GetStateByPartialCompositeKey: composite keys with this type and leading attributes. */
  getStateByPartialCompositeKey(
    namespace: string,
    objectType: string,
    attributes: string[],
    options?: RangeQueryOptions,
  ): Promise<StateIterator>;
  /**
   * A rich query: a CouchDB Mango query (selector, fields, sort, skip, use_index) over the
   * namespace's JSON values. Paginated when `pageSize` is set; the bookmark is opaque.
   */
  executeQuery(namespace: string, query: string, options?: RangeQueryOptions): Promise<StateIterator>;
  /**
   * The key's value in a private data collection; undefined when there is none. Fails when this
   * peer holds the key's hash but not its value (its organisation is not a member).
   */
  getPrivateData(namespace: string, collection: string, key: string): Promise<Uint8Array | undefined>;
  /** The SHA-256 hash of the key's private value, which every peer of the channel keeps. */
  getPrivateDataHash(namespace: string, collection: string, key: string): Promise<Uint8Array | undefined>;
  getPrivateDataMetadata(namespace: string, collection: string, key: string): Promise<Map<string, Uint8Array> | undefined>;
  /** Private keys in [startKey, endKey), as getStateRangeScanIterator; such scans are not re-checked at commit. */
  getPrivateDataRangeScanIterator(namespace: string, collection: string, startKey: string, endKey: string): Promise<StateIterator>;
  /** A rich query over a private data collection (never paginated, as in Fabric). */
  executeQueryOnPrivateData(namespace: string, collection: string, query: string): Promise<StateIterator>;
  /** Releases the executor; later calls fail. */
  done(): void;
}

/** One transaction's simulation: reads from committed state, writes kept aside (no read-your-writes). */
export interface TxSimulator extends QueryExecutor {
  readonly txId: string;
  setState(namespace: string, key: string, value: Uint8Array): void;
  deleteState(namespace: string, key: string): void;
  /** Replaces all metadata of the key (Fabric's SetStateMetadata); an empty map removes it. */
  setStateMetadata(namespace: string, key: string, metadata: Map<string, Uint8Array>): void;
  deleteStateMetadata(namespace: string, key: string): void;
  /** Writes a private value: its hash goes into the public results, the value into the private ones. */
  setPrivateData(namespace: string, collection: string, key: string, value: Uint8Array): Promise<void>;
  deletePrivateData(namespace: string, collection: string, key: string): Promise<void>;
  /** Deletes the key's private value and hash, leaving no trace of earlier values (Fabric 2.5's purge). */
  purgePrivateData(namespace: string, collection: string, key: string): Promise<void>;
  /** Replaces all metadata of a private key (kept with its hash); an empty map removes it. */
  setPrivateDataMetadata(namespace: string, collection: string, key: string, metadata: Map<string, Uint8Array>): Promise<void>;
  /** What the transaction read (with versions) and wrote; ends the simulation. */
  getTxSimulationResults(): TxSimulationResults;
}

/** A key's committed writes, newest first (Fabric 2.x's GetHistoryForKey). */
export interface HistoryQueryExecutor {
  getHistoryForKey(namespace: string, key: string): Promise<ResultsIterator<KeyModificationRecord>>;
}

/** The fields of `queryresult.KeyModification`. */
export interface KeyModificationRecord {
  txId: string;
  value: Uint8Array;
  /** The transaction's channel header timestamp. */
  timestamp: { seconds: number; nanos: number } | undefined;
  isDelete: boolean;
}

export interface KeyRead {
  key: string;
  /** Version of the value read; undefined when the key did not exist. */
  version: Version | undefined;
}

export interface KeyWrite {
  key: string;
  value: Uint8Array | undefined;
  isDelete: boolean;
}

export interface KeyMetadataWrite {
  key: string;
  /** The key's new metadata, sorted by name; empty removes it. */
  entries: Array<{ name: string; value: Uint8Array }>;
}

/** A range scan as it was seen during simulation, re-checked at commit for phantoms. */
export interface RangeQuery {
  startKey: string;
  endKey: string;
  itrExhausted: boolean;
  reads: KeyRead[];
}

export interface NamespaceRwSet {
  namespace: string;
  reads: KeyRead[];
  rangeQueries: RangeQuery[];
  writes: KeyWrite[];
  metadataWrites: KeyMetadataWrite[];
  /** What the transaction did in the chaincode's private data collections, sorted by name. */
  collections?: CollectionRwSet[];
}

/** One collection's part of a simulation, keys in the clear; the public results carry only hashes. */
export interface CollectionRwSet {
  collection: string;
  /** Keys read, with the version of their hash; sorted by key. */
  reads: KeyRead[];
  /** Sorted by key; a purge is also a delete. */
  writes: Array<KeyWrite & { isPurge: boolean }>;
  metadataWrites: KeyMetadataWrite[];
}

export interface TxSimulationResults {
  txId: string;
  /** Sorted as Fabric sorts them: namespaces, reads, writes and metadata writes by key. */
  namespaces: NamespaceRwSet[];
  /** The same as the serialized `rwset.TxReadWriteSet` endorsers sign: the `results` of the ChaincodeAction. */
  pubSimulationBytes: Uint8Array;
  /**
   * The private writes, a serialized `rwset.TxPvtReadWriteSet`: never in a block; the endorser
   * leaves them in the transient store for the commit. Undefined when no collection was written.
   */
  pvtSimulationBytes: Uint8Array | undefined;
}

/** The ledger of one channel. */
export interface PeerLedger {
  readonly channelId: string;
  newTxSimulator(txId: string): Promise<TxSimulator>;
  newQueryExecutor(): Promise<QueryExecutor>;
  newHistoryQueryExecutor(): Promise<HistoryQueryExecutor>;
  getBlockchainInfo(): Promise<BlockchainInfo>;
  getBlockByNumber(blockNum: number): Promise<Block>;
  getBlockByHash(hash: Uint8Array): Promise<Block>;
  getTransactionByID(txId: string): Promise<ProcessedTransaction>;
  getBlockByTxID(txId: string): Promise<Block>;
  /** The validation code recorded for the transaction. */
  getTxValidationCodeByTxID(txId: string): Promise<number>;
  /** The block and validation code of a committed transaction; undefined when the ledger has none with this ID. */
  getTxStatus(txId: string): Promise<{ blockNumber: number; validationCode: number } | undefined>;
  /** Whether a transaction with this ID is on the ledger. */
  txIdExists(txId: string): Promise<boolean>;
  /**
   * Keeps a transaction's private writes (its `pvtSimulationBytes`) until the block holding the
   * transaction commits them (Fabric's transient store).
   */
  storeTransientPrivateData(txId: string, pvtSimulationBytes: Uint8Array): Promise<void>;
  /**
   * Validates the block's transactions (MVCC and phantom reads), records the codes in its
   * TRANSACTIONS_FILTER metadata, and commits it; resolves the codes, one per transaction.
   */
  commit(block: Block): Promise<number[]>;
  close(): Promise<void>;
}

/** Creates and opens the channel ledgers a peer keeps under `peer.fileSystemPath`. */
export interface LedgerManager {
  /** Channel ids of every ledger on disk, sorted. */
  list(): Promise<string[]>;
  exists(channelId: string): Promise<boolean>;
  /** Creates the ledger of the channel named in the genesis block's config, and commits the block. */
  create(genesisBlock: Block): Promise<PeerLedger>;
  open(channelId: string): Promise<PeerLedger>;
  close(): Promise<void>;
}
