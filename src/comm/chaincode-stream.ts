import type { ChaincodeMessage } from '../common/protos/peer.js';

/**
 * The bidirectional message stream between a peer and one chaincode (Fabric's
 * ccintf.ChaincodeStream): an in-process queue pair for system chaincodes, a gRPC stream for the rest.
 */
export interface ChaincodeStream {
  /** Sends one message; rejects with StreamClosedError once the stream is closed. */
  send(msg: ChaincodeMessage): Promise<void>;
  /** The next message; rejects with StreamClosedError when the other side is gone. */
  recv(): Promise<ChaincodeMessage>;
  /** Ends this side's sending; the other side's recv then rejects. */
  closeSend(): void;
}
