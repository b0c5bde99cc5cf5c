import { WeftError } from '../common/errors/weft-error.js';

export type PolicyErrorCode = 'BAD_POLICY';

export class PolicyError extends WeftError<PolicyErrorCode> {}
