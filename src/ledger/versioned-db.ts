import type { StateIterator, Version } from './ledger.js';
import type { BatchOp } from './ledger-db.js';
import type { VersionedValue } from './ledger-records.js';
import type { IndexDefinition } from './rich-query/index-definition.js';
import type { StateRangeCursor } from './state-db.js';
import type { StateUpdates } from './state-updates.js';

/** A rich (Mango) query as the query executor hands it to the state database. */
export interface RichQueryRequest {
  /** The namespace results are reported in (the chaincode's). */
  namespace: string;
  /** The namespace of state the query reads: the chaincode's, or one of its private collections. */
  stateNamespace: string;
  /** The query as the chaincode wrote it. */
  query: string;
  /** The indexes the chaincode's package declares for that state. */
  indexes: readonly IndexDefinition[];
  /** Results after which the iterator stops: the page size, else the total query limit. */
  limit: number;
  /** Where a previous page stopped ('' to start at the beginning). */
  bookmark: string;
  /** Set for a simulator: each returned key is a read, checked for MVCC conflicts at commit. */
  record: ((key: string, version: Version) => void) | undefined;
}

/**
 * A channel's world state, as Fabric's statedb.VersionedDB: LevelDB inside the ledger's own
 * database, or CouchDB beside the peer. Values come back with their versions and metadata.
 */
export interface VersionedDb {
  /**
   * True when the state lives outside the ledger's database: a block's state writes then cannot
   * share the ledger's atomic batch, and are made before it (see KvLedger's commit).
   */
  readonly external: boolean;
  get(namespace: string, key: string): Promise<VersionedValue | undefined>;
  getMany(entries: ReadonlyArray<{ namespace: string; key: string }>): Promise<Array<VersionedValue | undefined>>;
  /**
   * An iterator over [startKey, endKey) of a namespace; '' as endKey means to the namespace's end.
   * With `includeEnd`, endKey itself is included (the phantom check of a partly read range).
   */
  range(namespace: string, startKey: string, endKey: string, includeEnd?: boolean): StateRangeCursor;
  executeQuery(request: RichQueryRequest): Promise<StateIterator>;
  /**
   * Creates a chaincode's indexes in the database of `namespace` (CouchDB's, when the chaincode
   * is defined); LevelDB builds its own at the first query that needs one.
   */
  createIndexes?(namespace: string, indexes: readonly IndexDefinition[]): Promise<void>;
  /** Refuses a key or value this database cannot hold (at simulation, as Fabric does); LevelDB takes any. */
  validateKeyValue?(key: string, value: Uint8Array | undefined): void;
  /**
   * Applies a block's state updates; `height` is the ledger's height once the block is in. What
   * must be written in the ledger's own batch comes back as operations.
   */
  commitUpdates(updates: StateUpdates, height: number): Promise<BatchOp[]>;
}
