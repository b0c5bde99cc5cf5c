import { WeftError } from '../common/errors/weft-error.js';

export type ShimErrorCode = 'NO_CHAINCODE_ID' | 'PEER_ERROR' | 'STREAM_ENDED' | 'BAD_STATE';

export class ShimError extends WeftError<ShimErrorCode> {}
