import { WeftError } from '../common/errors/weft-error.js';

export type LedgerErrorCode =
  | 'LEDGER_EXISTS'
  | 'LEDGER_NOT_FOUND'
  | 'INVALID_CHANNEL_ID'
  | 'SIMULATOR_DONE'
  | 'STORE_UNAVAILABLE';

export class LedgerError extends WeftError<LedgerErrorCode> {}
