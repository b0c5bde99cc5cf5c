import { WeftError } from '../common/errors/weft-error.js';

/** The other side of a chaincode stream is gone (Go's io.EOF on Recv, or a send on a closed stream). */
export class StreamClosedError extends WeftError<'STREAM_CLOSED'> {
  constructor(detail: string, options?: { cause?: unknown }) {
    super('STREAM_CLOSED', detail, options);
  }
}
