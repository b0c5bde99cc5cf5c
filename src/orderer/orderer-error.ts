import { WeftError } from '../common/errors/weft-error.js';

export type OrderingErrorCode =
  /** The envelope or request cannot be ordered as sent (Fabric's BAD_REQUEST). */
  | 'BAD_REQUEST'
  /** The signer may not write to the channel (Fabric's FORBIDDEN). */
  | 'FORBIDDEN'
  /** The orderer does not serve the channel. */
  | 'NOT_FOUND'
  /** The channel cannot take messages now: stopped, removed, or in maintenance. */
  | 'SERVICE_UNAVAILABLE'
  /** joinChannel of a channel the orderer already serves. */
  | 'CHANNEL_EXISTS'
  /** A block given to join is not a usable config block. */
  | 'INVALID_JOIN_BLOCK'
  /** The chain's files or index cannot be read or written. */
  | 'STORE_UNAVAILABLE'
  /** The chain's files hold something other than the chain the index describes. */
  | 'STORE_CORRUPTED'
  /** A block number past the chain's height. */
  | 'BLOCK_NOT_FOUND';

const STATUS: Partial<Record<OrderingErrorCode, number>> = { BAD_REQUEST: 400, FORBIDDEN: 403, NOT_FOUND: 404, SERVICE_UNAVAILABLE: 503 };

/** A failure of the ordering service, with the Broadcast status Fabric answers it with. */
export class OrderingError extends WeftError<OrderingErrorCode> {
  /** Fabric's common.Status for this refusal; INTERNAL_SERVER_ERROR (500) for store failures. */
  get status(): number {
    return STATUS[this.code] ?? 500;
  }
}
