import { WeftError } from '../common/errors/weft-error.js';

export type ChaincodeErrorCode =
  | 'LAUNCH_FAILED'
  | 'STARTUP_TIMEOUT'
  | 'EXECUTE_TIMEOUT'
  | 'DUPLICATE_TXID'
  | 'DUPLICATE_CHAINCODE_ID'
  | 'UNSOLICITED_REGISTRATION'
  | 'REGISTER_REFUSED'
  | 'PEER_STOPPING'
  | 'NO_HANDLER'
  | 'CHAINCODE_ERROR'
  | 'STREAM_ENDED'
  | 'BAD_MESSAGE'
  | 'NO_SUCH_COLLECTION'
  | 'PRIVATE_DATA_IN_INIT'
  | 'PRIVATE_DATA_ACCESS_DENIED'
  | 'READ_ONLY'
  | 'QUERY_NOT_FOUND'
  | 'TX_ENDED'
  | 'HISTORY_DISABLED'
  | 'CC2CC_UNAVAILABLE'
  | 'CC2CC_REFUSED'
  | 'LEDGER_NOT_FOUND'
  | 'CONTAINER_EXITED'
  | 'WRITE_SET_TOO_LARGE';

export class ChaincodeError extends WeftError<ChaincodeErrorCode> {}
