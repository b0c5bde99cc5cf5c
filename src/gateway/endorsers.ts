import type { Client, status as GrpcStatus } from '@grpc/grpc-js';
import { channelCredentials, channelOptions, type ClientTls } from '../client/client-tls.js';
import { errorMessage } from '../common/errors/weft-error.js';
import type { ProposalResponse, SignedProposal } from '../common/protos/proposal.js';
import { zeroCopyClient } from '../comm/zero-copy.js';

/** A peer the Gateway can ask for an endorsement: this peer, or another organisation's. */
export interface GatewayEndorser {
  readonly address: string;
  readonly mspId: string;
  /**
   * The peer's answer; rejects when it could not be reached or did not answer before `deadline`.
   * `evaluateOnly`: only the chaincode's response is wanted, not an endorsement.
   */
  processProposal(signed: SignedProposal, deadline: Date, evaluateOnly?: boolean): Promise<ProposalResponse>;
}

/** This peer's own Endorser, called in-process. */
export class LocalEndorser implements GatewayEndorser {
  constructor(
    readonly address: string,
    readonly mspId: string,
    private readonly endorser: { processProposal(signed: SignedProposal, options?: { endorse?: boolean }): Promise<ProposalResponse> },
  ) {}

  processProposal(signed: SignedProposal, _deadline: Date, evaluateOnly = false): Promise<ProposalResponse> {
    return this.endorser.processProposal(signed, { endorse: !evaluateOnly });
  }
}

type EndorserStub = Client & {
  processProposal(req: SignedProposal, options: { deadline: Date }, callback: (err: Error | null, res?: ProposalResponse) => void): unknown;
};

/** Another peer's Endorser service, over gRPC (TLS when the channel's peers serve it). */
export class RemoteEndorser implements GatewayEndorser {
  private constructor(
    readonly address: string,
    readonly mspId: string,
    private readonly stub: EndorserStub,
    private readonly statusNames: Map<number, string>,
  ) {}

  static async connect(address: string, mspId: string, tls: ClientTls | undefined): Promise<RemoteEndorser> {
    const [grpc, { default: peerGrpc }] = await Promise.all([import('@grpc/grpc-js'), import('@hyperledger/fabric-protos/lib/peer/peer_grpc_pb.js')]);
    const Client = zeroCopyClient(grpc, peerGrpc.EndorserService, peerGrpc.EndorserClient);
    const stub = new Client(address, channelCredentials(grpc, tls), channelOptions(tls)) as unknown as EndorserStub;
    return new RemoteEndorser(address, mspId, stub, statusNamesOf(grpc.status));
  }

  processProposal(signed: SignedProposal, deadline: Date): Promise<ProposalResponse> {
    return new Promise((resolve, reject) => {
      this.stub.processProposal(signed, { deadline }, (err, reply) => {
        if (err !== null) reject(new Error(this.rpcErrorText(err)));
        else if (reply === undefined) reject(new Error('the peer sent no response'));
        else resolve(reply);
      });
    });
  }

  close(): void {
    this.stub.close();
  }

  /** As Go's gRPC prints a failed call, which Fabric's error details carry. */
  private rpcErrorText(err: Error): string {
    const code = (err as { code?: number }).code;
    const details = (err as { details?: string }).details ?? errorMessage(err);
    const name = code === undefined ? 'Unknown' : (this.statusNames.get(code) ?? String(code));
    return `rpc error: code = ${name} desc = ${details}`;
  }
}

function statusNamesOf(status: typeof GrpcStatus): Map<number, string> {
  const names = new Map<number, string>();
  for (const [name, value] of Object.entries(status)) {
    if (typeof value === 'number') names.set(value, name.toLowerCase().replace(/(^|_)([a-z])/g, (_m, _s, c: string) => c.toUpperCase()));
  }
  return names;
}
