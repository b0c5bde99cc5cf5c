import { WeftError } from '../../common/errors/weft-error.js';

/**
 * A rich query refused as CouchDB refuses it: CouchDB's error name (`invalid_operator`,
 * `no_usable_index`, ...), its HTTP status and its reason, in the words Fabric passes on to the
 * chaincode, so a query behaves the same whichever state database answers it.
 */
export class RichQueryError extends WeftError<'INVALID_QUERY' | 'NO_USABLE_INDEX'> {
  constructor(
    readonly error: string,
    readonly reason: string,
    readonly status = 400,
  ) {
    super(error === 'no_usable_index' ? 'NO_USABLE_INDEX' : 'INVALID_QUERY', `error handling CouchDB request. Error:${error},  Status Code:${status},  Reason:${reason}`);
  }
}
