import { WeftError } from '../../common/errors/weft-error.js';

export type CouchDbErrorCode = 'COUCHDB_UNREACHABLE' | 'COUCHDB_REQUEST_FAILED' | 'INVALID_VALUE';

/** A CouchDB state database failure; `status` and `error` are CouchDB's when it answered. */
export class CouchDbError extends WeftError<CouchDbErrorCode> {
  constructor(
    code: CouchDbErrorCode,
    message: string,
    readonly status = 0,
    readonly error = '',
    options?: { cause?: unknown },
  ) {
    super(code, message, options);
  }
}
