import type { Client, ClientDuplexStream } from '@grpc/grpc-js';
import type { Block, Envelope } from '../common/protos/common.js';
import type { BlockAndPrivateData, DeliverResponse, FilteredBlock, OrdererDeliverResponse } from '../common/protos/deliver.js';
import { ClientError } from './client-error.js';
import { channelCredentials, channelOptions, type ClientTls } from './client-tls.js';
import { deliverStatusError, rethrowGrpcError } from './grpc-error.js';
import { createSeekEnvelope, type SeekRequest, type SeekSigner } from './seek-envelope.js';
import { zeroCopyClient } from '../comm/zero-copy.js';

export type { SeekPoint, SeekRequest, SeekSigner } from './seek-envelope.js';

type Call<R> = ClientDuplexStream<Envelope, R>;
type PeerDeliverStub = Client & { deliver(): Call<DeliverResponse>; deliverFiltered(): Call<DeliverResponse>; deliverWithPrivateData(): Call<DeliverResponse> };
type OrdererDeliverStub = Client & { deliver(): Call<OrdererDeliverResponse> };

export interface DeliverClientOptions {
  /** A peer's Deliver service, or an ordering service's AtomicBroadcast.Deliver. */
  service: 'peer' | 'orderer';
  /** Signs the seeks (a SigningIdentity). */
  signer: SeekSigner;
  tls?: ClientTls | undefined;
}

/** The responses of either service, read the same way. */
interface AnyDeliverResponse {
  getTypeCase(): number;
  getStatus(): number;
  getBlock(): Block | undefined;
}

const STATUS_CASE = 1;
const BLOCK_CASE = 2;
const SUCCESS = 200;

/**
 * Streams blocks from a peer's or an orderer's Deliver service, as `peer channel fetch` and the
 * peer's delivery client do: each stream is one signed seek; it ends when the seek's last block
 * has come (the service's SUCCESS), and fails with a ClientError for any other status (FORBIDDEN
 * is ACCESS_DENIED, NOT_FOUND, BAD_REQUEST, SERVICE_UNAVAILABLE) or a broken call. Aborting the
 * signal, or leaving the loop, cancels the call.
 */
export class DeliverClient {
  private constructor(
    private readonly stub: PeerDeliverStub | OrdererDeliverStub,
    private readonly opts: DeliverClientOptions,
    readonly address: string,
  ) {}

  static async connect(address: string, opts: DeliverClientOptions): Promise<DeliverClient> {
    const grpc = await import('@grpc/grpc-js');
    const credentials = channelCredentials(grpc, opts.tls);
    if (opts.service === 'orderer') {
      const { default: abGrpc } = await import('@hyperledger/fabric-protos/lib/orderer/ab_grpc_pb.js');
      const Client = zeroCopyClient(grpc, abGrpc.AtomicBroadcastService, abGrpc.AtomicBroadcastClient);
      return new DeliverClient(new Client(address, credentials, channelOptions(opts.tls)), opts, address);
    }
    const { default: eventsGrpc } = await import('@hyperledger/fabric-protos/lib/peer/events_grpc_pb.js');
    const Client = zeroCopyClient(grpc, eventsGrpc.DeliverService, eventsGrpc.DeliverClient);
    return new DeliverClient(new Client(address, credentials, channelOptions(opts.tls)), opts, address);
  }

  /** Full blocks, from either service. */
  blocks(seek: SeekRequest, signal?: AbortSignal): AsyncGenerator<Block, void, undefined> {
    return this.stream(() => (this.stub as OrdererDeliverStub).deliver() as Call<AnyDeliverResponse>, seek, signal, (r) => r.getBlock());
  }

  /** Filtered blocks (transaction ids, validation codes, chaincode events without payloads): a peer's DeliverFiltered. */
  filteredBlocks(seek: SeekRequest, signal?: AbortSignal): AsyncGenerator<FilteredBlock, void, undefined> {
    return this.stream(() => this.peerStub().deliverFiltered(), seek, signal, (r) => r.getFilteredBlock());
  }

  /** Blocks with the private data the signer may read: a peer's DeliverWithPrivateData. */
  blocksWithPrivateData(seek: SeekRequest, signal?: AbortSignal): AsyncGenerator<BlockAndPrivateData, void, undefined> {
    return this.stream(() => this.peerStub().deliverWithPrivateData(), seek, signal, (r) => r.getBlockAndPrivateData());
  }

  close(): void {
    this.stub.close();
  }

  private peerStub(): PeerDeliverStub {
    if (this.opts.service !== 'peer') throw new ClientError('CALL_FAILED', `${this.address} is an ordering service: it serves full blocks only`);
    return this.stub as PeerDeliverStub;
  }

  private async *stream<R extends AnyDeliverResponse, T>(open: () => Call<R>, seek: SeekRequest, signal: AbortSignal | undefined, pick: (r: R) => T | undefined): AsyncGenerator<T, void, undefined> {
    signal?.throwIfAborted();
    const context = `deliver from ${this.address} on channel ${seek.channelId}`;
    const call = open();
    // A cancelled call reports CANCELLED after the loop below has stopped listening.
    call.on('error', () => undefined);
    const onAbort = (): void => {
      call.cancel();
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      call.write(createSeekEnvelope(seek, this.opts.signer, this.opts.tls?.clientCertPem));
      for await (const response of call as AsyncIterable<R>) {
        const type = response.getTypeCase();
        if (type === STATUS_CASE) {
          if (response.getStatus() === SUCCESS) return;
          throw deliverStatusError(response.getStatus(), context);
        }
        const item = type === STATUS_CASE || type === 0 ? undefined : pick(response);
        if (item === undefined) throw new ClientError('CALL_FAILED', `${context}: unexpected response of type ${type === BLOCK_CASE ? 'block' : type}`);
        yield item;
      }
      throw new ClientError('CALL_FAILED', `${context}: the stream ended without a status`);
    } catch (err) {
      if (signal?.aborted === true) throw signal.reason;
      rethrowGrpcError(err, `${context} failed`, 'PEER_UNREACHABLE');
    } finally {
      signal?.removeEventListener('abort', onAbort);
      call.end();
      call.cancel();
    }
  }
}
