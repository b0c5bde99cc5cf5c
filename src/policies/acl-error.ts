import { WeftError } from '../common/errors/weft-error.js';

/**
 * ACCESS_DENIED: the signers do not satisfy the resource's policy (or that policy does not exist).
 * RESOURCE_UNMAPPED: no policy is known for the resource, neither in the channel config nor by default.
 * CHANNEL_UNKNOWN: a channel resource asked of a channel the peer has no config for.
 */
export type AclErrorCode = 'ACCESS_DENIED' | 'RESOURCE_UNMAPPED' | 'CHANNEL_UNKNOWN';

export class AclError extends WeftError<AclErrorCode> {}
