import type { PeerCertificate } from 'node:tls';
import type { ServerDuplexStream } from '@grpc/grpc-js';
import { errorMessage } from '../common/errors/weft-error.js';
import type { Logger } from '../common/logging/logging.js';
import type { ChaincodeMessage } from '../common/protos/peer.js';
import type { ChaincodeStream, PresentedCertificate } from './chaincode-stream.js';
import { withChaincodeMessageCodec } from './chaincode-message-codec.js';
import { GrpcChaincodeStream } from './grpc-chaincode-stream.js';
import { GrpcListener, type CredentialsFactory, type MessageLimits } from './grpc-listener.js';

export { ListenError } from './grpc-listener.js';

export interface ChaincodeServerOptions {
  /** host:port; port 0 picks a free one. */
  address: string;
  /** The key `address` came from (peer.chaincodeListenAddress), named when it cannot be bound. */
  setting?: string | undefined;
  /** Serves one chaincode's stream until it ends (ChaincodeSupport.register). */
  register(stream: ChaincodeStream): Promise<void>;
  logger: Logger;
  /** When present, the listener serves TLS and requires client certificates issued by `clientCaPem`. */
  tls?: ChaincodeServerTls | undefined;
  /** peer.maxRecvMsgSize / peer.maxSendMsgSize, as Fabric applies them to this listener too. */
  limits?: MessageLimits | undefined;
}

export interface ChaincodeServerTls {
  keyPem: Buffer;
  certPem: Buffer;
  clientCaPem: Buffer;
}

/** Starts the gRPC listener chaincodes connect to: the ChaincodeSupport service on peer.chaincodeListenAddress. */
export function startChaincodeServer(opts: ChaincodeServerOptions): Promise<GrpcListener> {
  return GrpcListener.start(opts.address, async (server) => {
    const { default: shimGrpc } = await import('@hyperledger/fabric-protos/lib/peer/chaincode_shim_grpc_pb.js');
    server.addService({ register: withChaincodeMessageCodec(shimGrpc.ChaincodeSupportService.register) }, {
      register: (call: ServerDuplexStream<ChaincodeMessage, ChaincodeMessage>) => {
        const stream = new GrpcChaincodeStream(call, { certificate: presentedCertificate(call) });
        opts.register(stream).then(
          () => stream.closeSend(),
          (err: unknown) => {
            opts.logger.error('Register', `chaincode stream ended with error: ${errorMessage(err)}`);
            stream.closeSend();
          },
        );
      },
    });
  }, {
    setting: opts.setting,
    credentials: tlsCredentials(opts.tls),
    onTlsRefusal: (remote, reason) => {
      opts.logger.warn('Register', `refused a chaincode connection from ${remote}: TLS handshake failed: ${reason}`);
    },
    limits: opts.limits,
  });
}

/** The client certificate of a TLS call; undefined without TLS. */
function presentedCertificate(call: ServerDuplexStream<ChaincodeMessage, ChaincodeMessage>): PresentedCertificate | undefined {
  // Node gives an empty object for a connection without a client certificate.
  const cert: Partial<PeerCertificate> | undefined = call.getAuthContext().sslPeerCertificate;
  if (cert?.fingerprint256 === undefined || cert.subject === undefined) return undefined;
  // A subject may repeat CN; only a certificate with exactly one names a chaincode.
  const cn: unknown = cert.subject.CN;
  return { commonName: typeof cn === 'string' ? cn : '', fingerprint256: cert.fingerprint256 };
}

/** Mutual TLS: a chaincode without a certificate from the chaincode CA fails the handshake. */
function tlsCredentials(tls: ChaincodeServerTls | undefined): CredentialsFactory | undefined {
  if (tls === undefined) return undefined;
  return (grpc) => grpc.ServerCredentials.createSsl(tls.clientCaPem, [{ private_key: tls.keyPem, cert_chain: tls.certPem }], true);
}
