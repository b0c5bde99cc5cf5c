import type { sendUnaryData, Server, ServerUnaryCall, ServerWritableStream, UntypedServiceImplementation } from '@grpc/grpc-js';
import { errorMessage } from '../common/errors/weft-error.js';
import type { Logger } from '../common/logging/logging.js';
import { zeroCopy } from '../comm/zero-copy.js';
import {
  ChaincodeEventsRequest,
  CommitStatusRequest,
  CommitStatusResponse,
  EndorseResponse,
  EvaluateResponse,
  SubmitResponse,
  type ChaincodeEventsResponse,
  type EndorseRequest,
  type EvaluateRequest,
  type SignedChaincodeEventsRequest,
  type SignedCommitStatusRequest,
  type SubmitRequest,
} from '../common/protos/gateway.js';
import { SeekPosition } from '../common/protos/deliver.js';
import type { ChainReader } from '../deliver/chain-reader.js';
import type { SignedData } from '../policies/signed-data.js';
import { streamChaincodeEvents } from './chaincode-events.js';
import type { CommitFinder, TxStatusLedger } from './commit-finder.js';
import type { Gateway } from './gateway.js';
import { GatewayError } from './gateway-error.js';
import type { GatewayMetrics } from './gateway-metrics.js';
import { secondsSince } from '../common/metrics/metrics-provider.js';
import { toServiceError } from './grpc-status.js';

/** Fabric's ACL resources of the Gateway's signed requests. */
export const GATEWAY_COMMIT_STATUS = 'gateway/CommitStatus';
export const GATEWAY_CHAINCODE_EVENTS = 'gateway/ChaincodeEvents';

export interface GatewayServiceOptions {
  gateway: Gateway;
  finder: CommitFinder;
  /** The channel's committed chain, undefined for a channel this peer is not on. */
  chains: (channelId: string) => ChainReader | undefined;
  /** The channel's ledger, to find a checkpointed transaction's block. */
  ledgers: (channelId: string) => TxStatusLedger | undefined;
  /** Throws when the signed request's signer fails the ACL of `resource` on the channel. */
  checkACL: (resource: string, channelId: string, signed: SignedData[]) => void;
  metrics?: GatewayMetrics | undefined;
  logger: Logger;
}

type GrpcModule = typeof import('@grpc/grpc-js');

/** The peer's gateway.Gateway service, its calls mapped to and from gRPC. */
export class GatewayService {
  constructor(private readonly opts: GatewayServiceOptions) {}

  /** Adds the service to a gRPC server, before it is bound. */
  async addTo(server: Server): Promise<void> {
    const [grpc, { default: gatewayGrpc }] = await Promise.all([import('@grpc/grpc-js'), import('@hyperledger/fabric-protos/lib/gateway/gateway_grpc_pb.js')]);
    server.addService(zeroCopy(gatewayGrpc.GatewayService), this.grpcHandlers(grpc));
  }

  grpcHandlers(grpc: GrpcModule): UntypedServiceImplementation {
    const { gateway, metrics } = this.opts;
    const unary = <Req, Res>(method: string, run: (request: Req, call: ServerUnaryCall<Req, Res>) => Promise<Res>) =>
      (call: ServerUnaryCall<Req, Res>, callback: sendUnaryData<Res>): void => {
        const start = metrics === undefined ? 0 : performance.now();
        metrics?.requestsReceived.with(method).add(1);
        const done = (success: boolean): void => {
          if (metrics === undefined) return;
          metrics.requestsCompleted.with(method, String(success)).add(1);
          metrics.requestDuration.with(method, String(success)).observe(secondsSince(start));
        };
        run(call.request, call).then(
          (response) => {
            done(true);
            callback(null, response);
          },
          (err: unknown) => {
            done(false);
            callback(toServiceError(err, grpc));
          },
        );
      };
    return {
      evaluate: unary('Evaluate', async (request: EvaluateRequest) => {
        const response = new EvaluateResponse();
        response.setResult(await gateway.evaluate(request.getProposedTransaction(), request.getTargetOrganizationsList()));
        return response;
      }),
      endorse: unary('Endorse', async (request: EndorseRequest) => {
        const response = new EndorseResponse();
        response.setPreparedTransaction(await gateway.endorse(request.getProposedTransaction(), request.getEndorsingOrganizationsList()));
        return response;
      }),
      submit: unary('Submit', async (request: SubmitRequest) => {
        await gateway.submit(request.getChannelId(), request.getPreparedTransaction());
        return new SubmitResponse();
      }),
      commitStatus: unary('CommitStatus', (request: SignedCommitStatusRequest, call) => this.commitStatus(request, call)),
      chaincodeEvents: (call: ServerWritableStream<SignedChaincodeEventsRequest, ChaincodeEventsResponse>) => {
        this.chaincodeEvents(call).catch((err: unknown) => {
          if (call.cancelled) return;
          call.emit('error', toServiceError(err, grpc));
        });
      },
    };
  }

  /** Waits for the transaction's commit; the client's cancellation or deadline ends the wait. */
  private async commitStatus(signed: SignedCommitStatusRequest, call: ServerUnaryCall<SignedCommitStatusRequest, unknown>): Promise<InstanceType<typeof CommitStatusResponse>> {
    const bytes = signed.getRequest_asU8();
    if (bytes.length === 0) throw new GatewayError('INVALID_ARGUMENT', 'a commit status request is required');
    const request = decode(() => CommitStatusRequest.deserializeBinary(bytes), 'invalid status request');
    this.authorize(GATEWAY_COMMIT_STATUS, request.getChannelId(), bytes, request.getIdentity_asU8(), signed.getSignature_asU8());
    const cancelled = new AbortController();
    call.once('cancelled', () => cancelled.abort());
    const status = await this.opts.finder.transactionStatus(request.getChannelId(), request.getTransactionId(), cancelled.signal);
    const response = new CommitStatusResponse();
    response.setResult(status.validationCode as ReturnType<InstanceType<typeof CommitStatusResponse>['getResult']>);
    response.setBlockNumber(status.blockNumber);
    return response;
  }

  private async chaincodeEvents(call: ServerWritableStream<SignedChaincodeEventsRequest, ChaincodeEventsResponse>): Promise<void> {
    const bytes = call.request.getRequest_asU8();
    if (bytes.length === 0) throw new GatewayError('INVALID_ARGUMENT', 'a chaincode events request is required');
    const request = decode(() => ChaincodeEventsRequest.deserializeBinary(bytes), 'invalid chaincode events request');
    const channelId = request.getChannelId();
    this.authorize(GATEWAY_CHAINCODE_EVENTS, channelId, bytes, request.getIdentity_asU8(), call.request.getSignature_asU8());
    const chain = this.opts.chains(channelId);
    if (chain === undefined) throw new GatewayError('NOT_FOUND', `channel not found: ${channelId}`);
    const stopped = new AbortController();
    call.once('cancelled', () => stopped.abort());
    const { startBlock, afterTxId } = await this.startOf(request, chain);
    const send = (response: ChaincodeEventsResponse): Promise<void> =>
      new Promise((resolve) => {
        if (call.write(response)) resolve();
        else call.once('drain', resolve);
      });
    try {
      await streamChaincodeEvents(chain, { chaincodeId: request.getChaincodeId(), startBlock, afterTxId }, send, stopped.signal);
    } catch (err) {
      if (stopped.signal.aborted) return;
      throw err;
    }
  }

  /** After a checkpointed transaction when the ledger has it, else the start position: a given block, or the next to commit. */
  private async startOf(request: ChaincodeEventsRequest, chain: ChainReader): Promise<{ startBlock: number; afterTxId: string | undefined }> {
    const afterTxId = request.getAfterTransactionId();
    if (afterTxId !== '') {
      const found = await this.opts.ledgers(request.getChannelId())?.getTxStatus(afterTxId).catch(() => undefined);
      if (found !== undefined) return { startBlock: found.blockNumber, afterTxId };
    }
    const position = request.getStartPosition();
    const type = position?.getTypeCase() ?? SeekPosition.TypeCase.TYPE_NOT_SET;
    switch (type) {
      case SeekPosition.TypeCase.TYPE_NOT_SET:
      case SeekPosition.TypeCase.NEXT_COMMIT:
        return { startBlock: chain.height(), afterTxId: undefined };
      case SeekPosition.TypeCase.SPECIFIED:
        return { startBlock: position?.getSpecified()?.getNumber() ?? 0, afterTxId: undefined };
      default:
        throw new GatewayError('INVALID_ARGUMENT', `invalid start position type: ${type === SeekPosition.TypeCase.NEWEST ? 'newest' : 'oldest'}`);
    }
  }

  private authorize(resource: string, channelId: string, data: Uint8Array, identity: Uint8Array, signature: Uint8Array): void {
    try {
      this.opts.checkACL(resource, channelId, [{ data, identity, signature }]);
    } catch (err) {
      throw new GatewayError('PERMISSION_DENIED', errorMessage(err), [], { cause: err });
    }
  }
}

function decode<T>(read: () => T, what: string): T {
  try {
    return read();
  } catch (err) {
    throw new GatewayError('INVALID_ARGUMENT', `${what}: ${errorMessage(err)}`);
  }
}
