import { WeftError } from '../common/errors/weft-error.js';

export type OperationsErrorCode = 'DUPLICATE_HEALTH_CHECKER';

export class OperationsError extends WeftError<OperationsErrorCode> {}
