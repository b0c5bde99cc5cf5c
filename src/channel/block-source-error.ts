import { WeftError } from '../common/errors/weft-error.js';

/**
 * A block source that cannot go on: NO_ENDPOINTS (the channel config names no orderer),
 * GAVE_UP (no block came for longer than peer.deliveryclient.reconnectTotalTimeThreshold).
 */
export class BlockSourceError extends WeftError<'NO_ENDPOINTS' | 'GAVE_UP'> {}
