import type { sendUnaryData, Server, ServerUnaryCall, UntypedServiceImplementation } from '@grpc/grpc-js';
import { errorMessage } from '../common/errors/weft-error.js';
import type { Logger } from '../common/logging/logging.js';
import type { ProposalResponse, SignedProposal } from '../common/protos/proposal.js';
import { metricsInterceptors, type GrpcServerMetrics } from './grpc-metrics.js';
import { withProposalCodec } from './proposal-codec.js';
import type { ClientRootsProvider } from './client-roots-provider.js';
import { GrpcListener, type CredentialsFactory, type MessageLimits } from './grpc-listener.js';
import { withDeliverResponseCodec } from './deliver-response-codec.js';
import { zeroCopy } from './zero-copy.js';

export interface PeerServerOptions {
  /** peer.listenAddress */
  address: string;
  /** The key `address` came from, named when it cannot be bound. */
  setting?: string | undefined;
  endorser: { processProposal(signed: SignedProposal): Promise<ProposalResponse> };
  /**
   * The embedded ordering service's AtomicBroadcast (Broadcast and Deliver), served on the peer's
   * listener too, so that a client of this one-machine network needs one address.
   */
  atomicBroadcast?: UntypedServiceImplementation | undefined;
  /** Other services on this listener (the peer's Deliver service). */
  services?: ReadonlyArray<{ addTo(server: Server): Promise<void> }>;
  /** When present, the listener serves TLS (peer.tls.*). */
  tls?: PeerServerTls | undefined;
  /** peer.maxRecvMsgSize / peer.maxSendMsgSize */
  limits?: MessageLimits | undefined;
  metrics?: GrpcServerMetrics | undefined;
  logger: Logger;
}

export interface PeerServerTls {
  keyPem: Buffer;
  certPem: Buffer;
  /**
   * With peer.tls.clientAuthRequired: the trusted client roots, which change as channels are
   * joined; clients must present a certificate issued by one of them.
   */
  clientRoots: ClientRootsProvider | undefined;
}


/**
 * Starts the peer's client-facing listener: Fabric's Endorser and Deliver services, and the
 * embedded orderer's AtomicBroadcast. Who may do what is decided by the signed identity of each request (the
 * endorser's and orderer's checks), so the listener serves any address it is bound to.
 */
export function startPeerServer(opts: PeerServerOptions): Promise<GrpcListener> {
  const { metrics } = opts;
  return GrpcListener.start(
    opts.address,
    async (server, grpc) => {
      const { default: peerGrpc } = await import('@hyperledger/fabric-protos/lib/peer/peer_grpc_pb.js');
      server.addService({ processProposal: withProposalCodec(peerGrpc.EndorserService.processProposal) }, {
        processProposal: (call: ServerUnaryCall<SignedProposal, ProposalResponse>, callback: sendUnaryData<ProposalResponse>) => {
          opts.endorser.processProposal(call.request).then(
            (response) => {
              callback(null, response);
            },
            (err: unknown) => {
              callback({ code: grpc.status.INTERNAL, details: errorMessage(err) });
            },
          );
        },
      });
      if (opts.atomicBroadcast !== undefined) {
        const { default: abGrpc } = await import('@hyperledger/fabric-protos/lib/orderer/ab_grpc_pb.js');
        server.addService(withDeliverResponseCodec(zeroCopy(abGrpc.AtomicBroadcastService), 'deliver'), opts.atomicBroadcast);
      }
      for (const service of opts.services ?? []) await service.addTo(server);
    },
    {
      setting: opts.setting,
      credentials: tlsCredentials(opts.tls),
      onTlsRefusal: opts.tls === undefined ? undefined : (remote, reason) => {
        opts.logger.warn('ServerHandshake', `TLS handshake failed with error ${reason} from ${remote}`);
      },
      limits: opts.limits,
      interceptors: metricsInterceptors(metrics),
    },
  );
}

function tlsCredentials(tls: PeerServerTls | undefined): CredentialsFactory | undefined {
  if (tls === undefined) return undefined;
  const roots = tls.clientRoots;
  if (roots === undefined) return (grpc) => grpc.ServerCredentials.createSsl(null, [{ private_key: tls.keyPem, cert_chain: tls.certPem }], false);
  // The one provider gives both the roots and the server's own certificate.
  return (grpc) => grpc.experimental.createCertificateProviderServerCredentials(roots, roots, true);
}
