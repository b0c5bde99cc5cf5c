import { WeftError } from '../common/errors/weft-error.js';

/** Why the testing library refused a request or could not start the network. */
export type TestNetworkErrorCode =
  /** An identity the network has no crypto for (an organisation other than the peer's, a user beyond `users`). */
  | 'UNKNOWN_IDENTITY'
  /** A channel the network was not started with. */
  | 'UNKNOWN_CHANNEL'
  /** A chaincode given in a way the library cannot run (no path and no contracts, fabric-shim not installed, ...). */
  | 'BAD_CHAINCODE'
  /** A `_lifecycle` step (install, approve, commit) or the channel join did not succeed. */
  | 'DEPLOY_FAILED'
  /** A block the channel's ledger does not hold (yet). */
  | 'NO_SUCH_BLOCK'
  /** The network was used after close(). */
  | 'CLOSED';

/** The testing library's one error class: callers (tests) switch on `code`. */
export class TestNetworkError extends WeftError<TestNetworkErrorCode> {}
