import { WeftError } from '../common/errors/weft-error.js';

export type EndorserErrorCode = 'BAD_PROPOSAL' | 'CHANNEL_NOT_FOUND' | 'CHAINCODE_NOT_FOUND' | 'NOT_INVOKABLE';

export class EndorserError extends WeftError<EndorserErrorCode> {}
