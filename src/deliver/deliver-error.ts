import { WeftError } from '../common/errors/weft-error.js';

/**
 * A seek the Deliver handler ends with a status other than SUCCESS, by Fabric's status names:
 * BAD_REQUEST (a malformed request, or a block that cannot be turned into the response asked
 * for), NOT_FOUND, FORBIDDEN, SERVICE_UNAVAILABLE (the chain cannot be read).
 */
export class DeliverError extends WeftError<'BAD_REQUEST' | 'NOT_FOUND' | 'FORBIDDEN' | 'SERVICE_UNAVAILABLE'> {}
