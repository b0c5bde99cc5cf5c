import { WeftError } from '../common/errors/weft-error.js';

export type LedgerErrorCode =
  | 'LEDGER_EXISTS'
  | 'LEDGER_NOT_FOUND'
  | 'INVALID_CHANNEL_ID'
  | 'INVALID_GENESIS_BLOCK'
  | 'SIMULATOR_DONE'
  | 'PAGINATED_QUERY_AND_WRITES'
  | 'INVALID_KEY'
  | 'STORE_UNAVAILABLE'
  | 'STORE_CORRUPTED'
  | 'BLOCK_OUT_OF_ORDER'
  | 'BLOCK_HASH_MISMATCH'
  | 'BLOCK_MALFORMED'
  | 'BLOCK_NOT_FOUND'
  | 'TX_NOT_FOUND'
  | 'LEDGER_CLOSED'
  | 'COLLECTION_CONFIG_NOT_DEFINED'
  | 'INVALID_COLLECTION'
  | 'PVT_DATA_NOT_AVAILABLE'
  | 'PVT_QUERY_AND_WRITES';

/** Every failure of the ledger; callers switch on `code`. */
export class LedgerError extends WeftError<LedgerErrorCode> {}
