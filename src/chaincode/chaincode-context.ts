import type { SignedProposal } from '../common/protos/proposal.js';

/** A ledger results iterator as the handler reads it: `next()` resolves undefined once exhausted. */
export interface QueryResultsIterator<T> {
  next(): Promise<T | undefined>;
  /** Releases the database iterator; later `next()` calls resolve undefined. */
  close(): void;
}

/** One result of a range scan (the fields of `queryresult.KV`). */
export interface StateKV {
  namespace: string;
  key: string;
  value: Uint8Array;
}

/** A range scan; a paginated one also tells where the next page starts. */
export interface StateRangeIterator extends QueryResultsIterator<StateKV> {
  /** The first key after the results returned ('' when none is left); closes the iterator. */
  getBookmarkAndClose(): Promise<string>;
}

/** One committed write of a key (the fields of `queryresult.KeyModification`). */
export interface StateModification {
  txId: string;
  value: Uint8Array;
  timestamp: { seconds: number; nanos: number } | undefined;
  isDelete: boolean;
}

/**
 * What the chaincode layer needs to read state: the read calls the shim can make. A ledger
 * QueryExecutor is one; a context holding only this is read-only (a cc2cc call to another channel).
 */
export interface StateQueryExecutor {
  getState(namespace: string, key: string): Promise<Uint8Array | undefined>;
  getStateMetadata(namespace: string, key: string): Promise<Map<string, Uint8Array> | undefined>;
  /** Keys in [startKey, endKey) as stored, composite keys included; a page when `pageSize` is set. */
  getStateRangeScanIterator(
    namespace: string,
    startKey: string,
    endKey: string,
    options?: { pageSize?: number; bookmark?: string },
  ): Promise<StateRangeIterator>;
  /** A rich (Mango) query; a page when `pageSize` is set. */
  executeQuery(namespace: string, query: string, options?: { pageSize?: number; bookmark?: string }): Promise<StateRangeIterator>;
  /** A private data collection's value of the key. */
  getPrivateData(namespace: string, collection: string, key: string): Promise<Uint8Array | undefined>;
  /** The hash of the key's private value, which non-members can read too. */
  getPrivateDataHash(namespace: string, collection: string, key: string): Promise<Uint8Array | undefined>;
  getPrivateDataMetadata(namespace: string, collection: string, key: string): Promise<Map<string, Uint8Array> | undefined>;
  getPrivateDataRangeScanIterator(namespace: string, collection: string, startKey: string, endKey: string): Promise<StateRangeIterator>;
  executeQueryOnPrivateData(namespace: string, collection: string, query: string): Promise<QueryResultsIterator<StateKV>>;
}

/** What the chaincode layer needs of a transaction simulator: the read calls plus the writes. */
export interface StateSimulator extends StateQueryExecutor {
  setState(namespace: string, key: string, value: Uint8Array): void;
  deleteState(namespace: string, key: string): void;
  /** Replaces all metadata entries of the key. */
  setStateMetadata(namespace: string, key: string, metadata: Map<string, Uint8Array>): void;
  setPrivateData(namespace: string, collection: string, key: string, value: Uint8Array): Promise<void>;
  deletePrivateData(namespace: string, collection: string, key: string): Promise<void>;
  purgePrivateData(namespace: string, collection: string, key: string): Promise<void>;
  setPrivateDataMetadata(namespace: string, collection: string, key: string, metadata: Map<string, Uint8Array>): Promise<void>;
}

/** A key's history, newest first (Fabric's HistoryQueryExecutor). */
export interface StateHistoryExecutor {
  getHistoryForKey(namespace: string, key: string): Promise<QueryResultsIterator<StateModification>>;
}

/** One transaction as chaincode support runs it (Fabric's ccprovider.TransactionParams). */
export interface TransactionParams {
  txId: string;
  channelId: string;
  /**
   * Absent for the system channel "", where SCCs are deployed without a ledger. A query
   * executor without write calls makes the transaction read-only.
   */
  txSimulator?: StateSimulator | StateQueryExecutor | undefined;
  /** Absent when the history database is not available. */
  historyQueryExecutor?: StateHistoryExecutor | undefined;
  /** The client's proposal, handed to the chaincode: its creator, transient data and timestamp. */
  signedProposal?: SignedProposal | undefined;
  /**
   * What the transaction has written so far: a chaincode called on the same channel writes into
   * the caller's simulator, so it shares the caller's budget. A new one when absent.
   */
  writeBudget?: WriteBudget | undefined;
}

/** The bytes one transaction has written (keys, values, private writes, metadata, its event), against chaincode.maxWriteSetBytes. */
export interface WriteBudget {
  bytes: number;
  /** Set once the transaction went over the limit: it fails, whatever its chaincode answers then. */
  exceeded: Error | undefined;
}

/** Whether the transaction's state can be written (a simulator, not a plain query executor). */
export function canWrite(sim: StateSimulator | StateQueryExecutor): sim is StateSimulator {
  return typeof (sim as Partial<StateSimulator>).setState === 'function';
}

/** The chaincode a transaction targets (Fabric's ccprovider.CCContext). */
export interface CCContext {
  name: string;
  version: string;
}

/** How to start a chaincode's container (Fabric's ccprovider.ChaincodeContainerInfo). */
export interface ChaincodeContainerInfo {
  name: string;
  version: string;
  path: string;
  /** The chaincode's language, as ChaincodeSpec.Type names it (GOLANG, NODE, ...). */
  type: string;
  /** The VM type that runs it: SYSTEM for system chaincodes. */
  containerType: string;
}

export function chaincodeCanonicalName(cc: { name: string; version: string }): string {
  return `${cc.name}:${cc.version}`;
}
