import type { BlockchainInfo } from '../common/protos/common.js';

/**
 * The ledger as the rest of the peer sees it: Fabric's kvledger interfaces (PeerLedger,
 * QueryExecutor, TxSimulator), in TypeScript. Chaincode support and the SCCs depend on these
 * interfaces only, so the store behind them can change without touching them.
 */

/** Read access to committed world state of one channel. */
export interface QueryExecutor {
  /** The committed value of `key` in chaincode namespace `namespace`, or undefined. */
  getState(namespace: string, key: string): Promise<Uint8Array | undefined>;
  /** Releases the executor; later calls fail. */
  done(): void;
}

/** One transaction's simulation: reads from committed state, writes kept aside (no read-your-writes). */
export interface TxSimulator extends QueryExecutor {
  readonly txId: string;
  setState(namespace: string, key: string, value: Uint8Array): void;
  deleteState(namespace: string, key: string): void;
  /** What the transaction read (with versions) and wrote. */
  getTxSimulationResults(): TxSimulationResults;
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

export interface NamespaceRwSet {
  namespace: string;
  reads: KeyRead[];
  writes: KeyWrite[];
}

export interface TxSimulationResults {
  txId: string;
  namespaces: NamespaceRwSet[];
  /** The results as the serialized rwset.TxReadWriteSet; the real ledger fills it in. */
  pubSimulationBytes?: Uint8Array;
}

/** Height of the committing block and position of the transaction in it. */
export interface Version {
  blockNum: bigint;
  txNum: number;
}

/** The ledger of one channel. */
export interface PeerLedger {
  readonly channelId: string;
  /** Height and the hashes of the last two blocks. */
  getBlockchainInfo(): Promise<BlockchainInfo>;
  newTxSimulator(txId: string): Promise<TxSimulator>;
  newQueryExecutor(): Promise<QueryExecutor>;
  close(): Promise<void>;
}

/** Creates and opens the channel ledgers a peer keeps under `peer.fileSystemPath`. */
export interface LedgerManager {
  /** Channel ids of every ledger on disk, sorted. */
  list(): Promise<string[]>;
  exists(channelId: string): Promise<boolean>;
  create(channelId: string): Promise<PeerLedger>;
  open(channelId: string): Promise<PeerLedger>;
  close(): Promise<void>;
}
