/** Which way a chaincode message went. */
export type TraceDirection = 'to_chaincode' | 'from_chaincode';

/**
 * One message of a conversation between the peer and a chaincode, as the conversation trace
 * records it and as `GET /trace` returns it.
 */
export interface TraceEvent {
  /** Order among all the peer's recorded messages (grows by one a message, across chaincodes). */
  seq: number;
  /** When it was sent or received: milliseconds since the epoch, with fractions. */
  time: number;
  /** The chaincode's registered name (`name:version`, or the package ID for a 2.x chaincode). */
  chaincode: string;
  direction: TraceDirection;
  /** The ChaincodeMessage type's name: REGISTER, GET_STATE, COMPLETED, ... */
  type: string;
  /** The transaction ID ('' for REGISTER, REGISTERED, READY, KEEPALIVE). */
  txid: string;
  /** The channel ('' for the system channel and the registration messages). */
  channel: string;
  /** The peer's handler state before the message and after it: created, established or ready. */
  stateBefore: string;
  stateAfter: string;
  /** Bytes of the message's payload. */
  size: number;
}

/** The body of `GET /trace`: the recorded messages, oldest first (by seq). */
export interface TraceDocument {
  events: TraceEvent[];
}
