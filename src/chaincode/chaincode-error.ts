import { WeftError } from '../common/errors/weft-error.js';

export type ChaincodeErrorCode =
  | 'LAUNCH_FAILED'
  | 'STARTUP_TIMEOUT'
  | 'EXECUTE_TIMEOUT'
  | 'DUPLICATE_TXID'
  | 'DUPLICATE_CHAINCODE_ID'
  | 'UNSOLICITED_REGISTRATION'
  | 'NO_HANDLER'
  | 'CHAINCODE_ERROR'
  | 'STREAM_ENDED'
  | 'CONTAINER_EXITED'
  | 'BAD_MESSAGE';

export class ChaincodeError extends WeftError<ChaincodeErrorCode> {}
