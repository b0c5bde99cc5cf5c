import { WeftError } from '../common/errors/weft-error.js';

export class PeerError extends WeftError<'NOT_READY'> {}
