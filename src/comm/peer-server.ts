import type { sendUnaryData, ServerDuplexStream, ServerUnaryCall } from '@grpc/grpc-js';
import { errorMessage } from '../common/errors/weft-error.js';
import type { Envelope } from '../common/protos/common.js';
import { BroadcastResponse } from '../common/protos/orderer.js';
import type { Logger } from '../common/logging/logging.js';
import type { ProposalResponse, SignedProposal } from '../common/protos/proposal.js';
import type { ClientRootsProvider } from './client-roots-provider.js';
import { GrpcListener, type CredentialsFactory } from './grpc-listener.js';

export interface PeerServerOptions {
  /** peer.listenAddress */
  address: string;
  endorser: { processProposal(signed: SignedProposal): Promise<ProposalResponse> };
  /** The embedded ordering service, served as Fabric's AtomicBroadcast.Broadcast. */
  orderer: { broadcast(envelope: Envelope): Promise<{ validationCode: string; blockNumber: number }> };
  /** When present, the listener serves TLS (peer.tls.*). */
  tls?: PeerServerTls | undefined;
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

const SUCCESS = 200;
const BAD_REQUEST = 400;

/**
 * Starts the peer's client-facing listener: Fabric's Endorser service, and the embedded orderer's
 * AtomicBroadcast. Who may do what is decided by the signed identity of each request (the
 * endorser's and orderer's checks), so the listener serves any address it is bound to.
 */
export function startPeerServer(opts: PeerServerOptions): Promise<GrpcListener> {
  return GrpcListener.start(
    opts.address,
    async (server, grpc) => {
      const { default: peerGrpc } = await import('@hyperledger/fabric-protos/lib/peer/peer_grpc_pb.js');
      server.addService(peerGrpc.EndorserService, {
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
      const { default: abGrpc } = await import('@hyperledger/fabric-protos/lib/orderer/ab_grpc_pb.js');
      server.addService(abGrpc.AtomicBroadcastService, {
        broadcast: (call: ServerDuplexStream<Envelope, BroadcastResponse>) => {
          // Answers go back in the order the envelopes came, each once its block is committed.
          let answered = Promise.resolve();
          call.on('data', (envelope: Envelope) => {
            const ordered = opts.orderer.broadcast(envelope);
            ordered.catch(() => undefined);
            answered = answered.then(async () => {
              const reply = new BroadcastResponse();
              try {
                const { validationCode, blockNumber } = await ordered;
                reply.setStatus(SUCCESS);
                reply.setInfo(`${validationCode} in block ${blockNumber}`);
              } catch (err) {
                reply.setStatus(statusOf(err));
                reply.setInfo(errorMessage(err));
              }
              call.write(reply);
            });
          });
          call.on('end', () => void answered.then(() => call.end()));
        },
      });
    },
    tlsCredentials(opts.tls),
    opts.tls === undefined ? undefined : (remote, reason) => {
      opts.logger.warn('ServerHandshake', `TLS handshake failed with error ${reason} from ${remote}`);
    },
  );
}

type BroadcastStatus = Parameters<BroadcastResponse['setStatus']>[0];

/** The status a refusal carries (the orderer's errors do), else BAD_REQUEST. */
function statusOf(err: unknown): BroadcastStatus {
  const status = (err as { status?: unknown } | null)?.status;
  return (typeof status === 'number' ? status : BAD_REQUEST) as BroadcastStatus;
}

function tlsCredentials(tls: PeerServerTls | undefined): CredentialsFactory | undefined {
  if (tls === undefined) return undefined;
  const roots = tls.clientRoots;
  if (roots === undefined) return (grpc) => grpc.ServerCredentials.createSsl(null, [{ private_key: tls.keyPem, cert_chain: tls.certPem }], false);
  // The one provider gives both the roots and the server's own certificate.
  return (grpc) => grpc.experimental.createCertificateProviderServerCredentials(roots, roots, true);
}
