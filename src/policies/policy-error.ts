import { WeftError } from '../common/errors/weft-error.js';

/**
 * BAD_POLICY: a policy definition that does not parse or compile.
 * UNKNOWN_POLICY_TYPE: a config policy of a type other than SIGNATURE or IMPLICIT_META.
 * POLICY_NOT_SATISFIED: the signatures or identities given do not satisfy the policy.
 * MALFORMED_SIGNED_DATA: a proposal or envelope from which no signed data can be read.
 */
export type PolicyErrorCode = 'BAD_POLICY' | 'UNKNOWN_POLICY_TYPE' | 'POLICY_NOT_SATISFIED' | 'MALFORMED_SIGNED_DATA';

export class PolicyError extends WeftError<PolicyErrorCode> {}
