import type { Client } from '@grpc/grpc-js';
import type { ProposalResponse, SignedProposal } from '../common/protos/proposal.js';
import { ClientError } from './client-error.js';
import { rethrowGrpcError } from './grpc-error.js';
import { channelCredentials, channelOptions, type ClientTls } from './client-tls.js';

export type { ClientTls } from './client-tls.js';

/** Sends proposals to a peer's Endorser service, as `peer chaincode query` and `peer channel` do. */
export class EndorserClient {
  private constructor(
    private readonly client: Client & {
      processProposal(req: SignedProposal, callback: (err: Error | null, res?: ProposalResponse) => void): unknown;
    },
    private readonly address: string,
  ) {}

  /** A client of the peer at `address`; over TLS when `tls` is given. */
  static async connect(address: string, tls?: ClientTls): Promise<EndorserClient> {
    const [grpc, { default: peerGrpc }] = await Promise.all([import('@grpc/grpc-js'), import('@hyperledger/fabric-protos/lib/peer/peer_grpc_pb.js')]);
    return new EndorserClient(new peerGrpc.EndorserClient(address, channelCredentials(grpc, tls), channelOptions(tls)), address);
  }

  /** The chaincode's response payload; an error response or an unreachable peer is a ClientError. */
  async send(signed: SignedProposal, connectTimeoutMs = 3000): Promise<ProposalResponse> {
    // Fabric's CLI gives up connecting after 3s (--connTimeout).
    const deadline = new Date(Date.now() + connectTimeoutMs);
    try {
      await new Promise<void>((resolve, reject) => this.client.waitForReady(deadline, (err) => (err ? reject(err) : resolve())));
    } catch (err) {
      rethrowGrpcError(err, `failed to connect to the peer at ${this.address}`, 'PEER_UNREACHABLE');
    }
    let res: ProposalResponse | undefined;
    try {
      res = await new Promise<ProposalResponse | undefined>((resolve, reject) =>
        this.client.processProposal(signed, (err, reply) => (err === null ? resolve(reply) : reject(err))),
      );
    } catch (err) {
      rethrowGrpcError(err, `the peer at ${this.address} refused the proposal`);
    }
    if (res === undefined) throw new ClientError('CALL_FAILED', `the peer at ${this.address} refused the proposal: no response`);
    return res;
  }

  close(): void {
    this.client.close();
  }
}
