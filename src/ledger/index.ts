/**
 * The ledger's public API: what the peer, chaincode support and the SCCs import. Everything else
 * in this folder is the implementation behind it.
 */
export type { CollectionInfo, CollectionInfoProvider, CommittedStateReader } from './collection-info.js';
export type {
  CollectionRwSet,
  HistoryQueryExecutor,
  KeyMetadataWrite,
  KeyModificationRecord,
  KeyRead,
  KeyWrite,
  LedgerManager,
  NamespaceRwSet,
  PeerLedger,
  QueryExecutor,
  QueryResultKV,
  RangeQuery,
  RangeQueryOptions,
  ResultsIterator,
  StateIterator,
  TxSimulationResults,
  TxSimulator,
  Version,
} from './ledger.js';
export { KvLedgerProvider, DEFAULT_MAX_BLOCKFILE_SIZE, type KvLedgerProviderOptions } from './kv-ledger-provider.js';
export { LedgerError, type LedgerErrorCode } from './ledger-error.js';
export { createGenesisBlock } from './genesis-block.js';
export { newBlock, type NewBlockOptions } from './block-builder.js';
export { createEndorserTxEnvelope, type EndorserTxEnvelopeOptions } from './tx-envelope.js';
export { blockDataHash, blockHeaderHash, hashOfBlock } from './block-hash.js';
export { hashedNamespace, privateNamespace } from './private-data-keys.js';
export { createCompositeKey, splitCompositeKey, EMPTY_KEY_SUBSTITUTE, MAX_UNICODE_RUNE } from './composite-key.js';
export { validateChannelId } from './channel-id.js';
export { DEFAULT_QUERY_LIMITS, type StateIndexSource } from './query-executor-impl.js';
export { parseIndexDefinition, type IndexDefinition } from './rich-query/index-definition.js';
export { RichQueryError } from './rich-query/rich-query-error.js';
export { CouchStateDbProvider, type CouchDbConfig } from './statecouchdb/couch-state-db-provider.js';
