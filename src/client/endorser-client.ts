import type { Client } from '@grpc/grpc-js';
import { WeftError } from '../common/errors/weft-error.js';
import type { ProposalResponse, SignedProposal } from '../common/protos/proposal.js';

export class ClientError extends WeftError<'PEER_UNREACHABLE' | 'PROPOSAL_FAILED'> {}

/** Sends proposals to a peer's Endorser service, as `peer chaincode query` and `peer channel` do. */
export class EndorserClient {
  private constructor(
    private readonly client: Client & {
      processProposal(req: SignedProposal, callback: (err: Error | null, res?: ProposalResponse) => void): unknown;
    },
    private readonly address: string,
  ) {}

  static async connect(address: string): Promise<EndorserClient> {
    const [{ credentials }, { default: peerGrpc }] = await Promise.all([
      import('@grpc/grpc-js'),
      import('@hyperledger/fabric-protos/lib/peer/peer_grpc_pb.js'),
    ]);
    return new EndorserClient(new peerGrpc.EndorserClient(address, credentials.createInsecure()), address);
  }

  /** The chaincode's response payload; an error response or an unreachable peer is a ClientError. */
  async send(signed: SignedProposal, connectTimeoutMs = 3000): Promise<ProposalResponse> {
    // Fabric's CLI gives up connecting after 3s (--connTimeout).
    const deadline = new Date(Date.now() + connectTimeoutMs);
    await new Promise<void>((resolve, reject) =>
      this.client.waitForReady(deadline, (err) =>
        err ? reject(new ClientError('PEER_UNREACHABLE', `failed to connect to the peer at ${this.address}: ${err.message}`)) : resolve(),
      ),
    );
    return new Promise((resolve, reject) => {
      this.client.processProposal(signed, (err, res) => {
        if (err !== null || res === undefined) {
          reject(new ClientError('PROPOSAL_FAILED', `the peer at ${this.address} refused the proposal: ${err?.message ?? 'no response'}`));
        } else {
          resolve(res);
        }
      });
    });
  }

  close(): void {
    this.client.close();
  }
}
