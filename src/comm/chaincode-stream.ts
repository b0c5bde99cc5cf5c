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
  /**
   * Who dialled the peer, for a stream that came in on the chaincode listener: the client
   * certificate it presented, when it spoke TLS. Absent on streams the peer made itself (in-process,
   * or dialled to a chaincode server), whose chaincode is known without asking.
   */
  readonly caller?: ChaincodeCaller | undefined;
}

/** A chaincode that dialled the peer's chaincode listener. */
export interface ChaincodeCaller {
  /** Its TLS client certificate; undefined when it connected without TLS. */
  certificate: PresentedCertificate | undefined;
}

/** The parts of a client certificate the peer checks a REGISTER against. */
export interface PresentedCertificate {
  /** The subject's CN: what the chaincode CA issued it for (`name:version`). */
  commonName: string;
  /** SHA-256 of the DER certificate, as Node prints it (`AB:CD:...`). */
  fingerprint256: string;
}
