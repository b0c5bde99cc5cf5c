import { WeftError } from '../common/errors/weft-error.js';

export type EndorserErrorCode =
  | 'BAD_PROPOSAL'
  | 'ACCESS_DENIED'
  | 'DUPLICATE_TXID'
  | 'CHANNEL_NOT_FOUND'
  | 'CHAINCODE_NOT_FOUND'
  | 'NOT_INVOKABLE'
  | 'INIT_REFUSED';

export class EndorserError extends WeftError<EndorserErrorCode> {}
