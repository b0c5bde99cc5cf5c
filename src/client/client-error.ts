import { WeftError } from '../common/errors/weft-error.js';

/**
 * A client call that did not do what was asked, by what the caller can do about it:
 * - PEER_UNREACHABLE: the peer (or its embedded orderer) could not be reached in time;
 * - ACCESS_DENIED: it refused the caller;
 * - CALL_FAILED: the gRPC call failed otherwise, or ended without an answer;
 * - PROPOSAL_FAILED: the proposal was answered with an error response;
 * - BROADCAST_REFUSED: the orderer refused the transaction (its reply's status);
 * - TX_INVALIDATED: the transaction was committed with a validation code other than VALID;
 * - NOT_FOUND: a Deliver seek named an unknown channel, or a block past the end (FAIL_IF_NOT_READY);
 * - BAD_REQUEST: the peer or orderer could not read the request (a Deliver seek);
 * - SERVICE_UNAVAILABLE: the peer or orderer could not serve the request now (a Deliver seek).
 */
export class ClientError extends WeftError<
    | 'PEER_UNREACHABLE'
  | 'ACCESS_DENIED'
  | 'CALL_FAILED'
  | 'PROPOSAL_FAILED'
  | 'BROADCAST_REFUSED'
  | 'TX_INVALIDATED'
  | 'NOT_FOUND'
  | 'BAD_REQUEST'
  | 'SERVICE_UNAVAILABLE'
> {}
