import type { sendUnaryData, ServerDuplexStream, ServerUnaryCall } from '@grpc/grpc-js';
import { errorMessage } from '../common/errors/weft-error.js';
import type { Envelope } from '../common/protos/common.js';
import { BroadcastResponse } from '../common/protos/orderer.js';
import type { Logger } from '../common/logging/logging.js';
import type { ProposalResponse, SignedProposal } from '../common/protos/proposal.js';
import { GrpcListener } from './grpc-listener.js';

export interface PeerServerOptions {
  /** peer.listenAddress */
  address: string;
  endorser: { processProposal(signed: SignedProposal): Promise<ProposalResponse> };
  /** The embedded ordering service, served as Fabric's AtomicBroadcast.Broadcast. */
  orderer: { broadcast(envelope: Envelope): Promise<{ validationCode: string; blockNumber: number }> };
  logger: Logger;
}

const SUCCESS = 200;
const BAD_REQUEST = 400;

// grpc-js names a caller "127.0.0.1:port", "[::1]:port" or "unix:..." (older versions put "ipv4:" or "ipv6:" first).
const LOCAL_CALLER = /^(ipv4:|ipv6:)?(127\.|\[::1\]|\[::ffff:127\.|unix:)/;

/** Is this gRPC caller on this machine? */
export function isLocalCaller(peer: string): boolean {
  return LOCAL_CALLER.test(peer);
}

/**
 * Starts the peer's client-facing listener: Fabric's Endorser service, and the embedded orderer's
 * AtomicBroadcast. Until proposals and transactions are signed and checked, it answers callers on
 * this machine only.
 */
export function startPeerServer(opts: PeerServerOptions): Promise<GrpcListener> {
  return GrpcListener.start(opts.address, async (server, grpc) => {
    const { default: peerGrpc } = await import('@hyperledger/fabric-protos/lib/peer/peer_grpc_pb.js');
    server.addService(peerGrpc.EndorserService, {
      processProposal: (call: ServerUnaryCall<SignedProposal, ProposalResponse>, callback: sendUnaryData<ProposalResponse>) => {
        const refusal = refuseRemote(call.getPeer(), 'proposals', 'ProcessProposal', opts.logger);
        if (refusal !== undefined) {
          callback({ code: grpc.status.PERMISSION_DENIED, details: refusal });
          return;
        }
        opts.endorser.processProposal(call.request).then(
          (response) => callback(null, response),
          (err: unknown) => callback({ code: grpc.status.INTERNAL, details: errorMessage(err) }),
        );
      },
    });
    const { default: abGrpc } = await import('@hyperledger/fabric-protos/lib/orderer/ab_grpc_pb.js');
    server.addService(abGrpc.AtomicBroadcastService, {
      broadcast: (call: ServerDuplexStream<Envelope, BroadcastResponse>) => {
        const refusal = refuseRemote(call.getPeer(), 'broadcasts', 'Broadcast', opts.logger);
        if (refusal !== undefined) {
          call.emit('error', { code: grpc.status.PERMISSION_DENIED, details: refusal });
          return;
        }
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
              reply.setStatus(BAD_REQUEST);
              reply.setInfo(errorMessage(err));
            }
            call.write(reply);
          });
        });
        call.on('end', () => void answered.then(() => call.end()));
      },
    });
  });
}

/**
 * Until signatures are checked, only callers on this machine are served: for any other, logs the
 * refusal and returns what to answer; undefined for a local caller.
 */
function refuseRemote(caller: string, what: string, func: string, logger: Logger): string | undefined {
  if (isLocalCaller(caller)) return undefined;
  logger.warn(func, `refused ${what} from ${caller}: they are accepted from this machine only`);
  return `${what} from ${caller} are refused: this peer accepts them from this machine only`;
}
