import type { DeliverMetrics } from './deliver-metrics.js';
import type { Server, ServerDuplexStream, UntypedServiceImplementation } from '@grpc/grpc-js';
import type { Logger } from '../common/logging/logging.js';
import type { Block, Envelope } from '../common/protos/common.js';
import { BlockAndPrivateData, DeliverResponse, type StatusValue } from '../common/protos/deliver.js';
import type { TxPvtReadWriteSet } from '../ledger/protos.js';
import type { ChainReader } from './chain-reader.js';
import { DeliverHandler, type DeliverKind, type SeekContext } from './deliver-handler.js';
import { toFilteredBlock } from './filtered-block.js';
import { serveGrpcDeliver, type DeliverResponses } from './grpc-deliver-stream.js';
import { withDeliverResponseCodec } from '../comm/deliver-response-codec.js';
import { zeroCopy } from '../comm/zero-copy.js';

/** Fabric's ACL resources of the peer's Deliver service. */
export const EVENT_BLOCK = 'event/Block';
export const EVENT_FILTERED_BLOCK = 'event/FilteredBlock';

/** The private data of a block's transactions that the seek's signer may read, by transaction index. */
export type PrivateDataReader = (block: Block, seek: SeekContext) => Promise<ReadonlyMap<number, TxPvtReadWriteSet>>;

export interface PeerDeliverServiceOptions {
  /** The channel's chain (a LedgerChainReader per joined channel), or undefined. */
  chains: (channelId: string) => ChainReader | undefined;
  /**
   * Throws when the envelope's signer does not satisfy the ACL of `resource` on the channel
   * (AccessControl.checkEnvelopeACL): the signature, the creator's validity and the policy.
   */
  checkACL: (resource: string, channelId: string, envelope: Envelope) => void;
  /** The channel's config sequence: a new config re-checks the ACL of open streams. */
  configSequence?: (channelId: string) => number;
  /** DeliverWithPrivateData's private data; without it, blocks go with an empty private data map. */
  privateData?: PrivateDataReader;
  /** peer.authentication.timewindow */
  timeWindowMs?: number;
  metrics?: DeliverMetrics | undefined;
  /** `common.deliver`, as Fabric's handler logs. */
  logger: Logger;
}

/**
 * The peer's Deliver service (Fabric's core/peer DeliverServer): blocks, filtered blocks and blocks
 * with private data from the channel ledgers, to clients the channel's event ACLs admit.
 */
export class PeerDeliverService {
  readonly handler: DeliverHandler;

  constructor(private readonly opts: PeerDeliverServiceOptions) {
    this.handler = new DeliverHandler({
      chains: opts.chains,
      authorize: (channelId, envelope, kind) => {
        opts.checkACL(kind === 'filteredBlock' ? EVENT_FILTERED_BLOCK : EVENT_BLOCK, channelId, envelope);
      },
      configSequence: opts.configSequence,
      timeWindowMs: opts.timeWindowMs,
      metrics: opts.metrics,
      logger: opts.logger,
    });
  }

  /** Adds the service (protos.Deliver) to a gRPC server, before it is bound. */
  async addTo(server: Server): Promise<void> {
    const { default: eventsGrpc } = await import('@hyperledger/fabric-protos/lib/peer/events_grpc_pb.js');
    server.addService(withDeliverResponseCodec(zeroCopy(eventsGrpc.DeliverService), 'deliver'), this.grpcHandlers());
  }

  /** The gRPC method handlers of protos.Deliver. */
  grpcHandlers(): UntypedServiceImplementation {
    const serve = (kind: DeliverKind, responses: DeliverResponses<DeliverResponse>) => (call: ServerDuplexStream<Envelope, DeliverResponse>) =>
      void serveGrpcDeliver(this.handler, call, { kind, responses, logger: this.opts.logger });
    return {
      deliver: serve('block', { status: statusResponse, block: blockResponse }),
      deliverFiltered: serve('filteredBlock', {
        status: statusResponse,
        block: (block) => {
          const response = new DeliverResponse();
          response.setFilteredBlock(toFilteredBlock(block));
          return response;
        },
      }),
      deliverWithPrivateData: serve('blockAndPrivateData', {
        status: statusResponse,
        block: async (block, seek) => {
          const withData = new BlockAndPrivateData();
          withData.setBlock(block);
          const privateData = (await this.opts.privateData?.(block, seek)) ?? new Map<number, TxPvtReadWriteSet>();
          for (const [txIndex, set] of privateData) withData.getPrivateDataMapMap().set(txIndex, set);
          const response = new DeliverResponse();
          response.setBlockAndPrivateData(withData);
          return response;
        },
      }),
    };
  }
}

function statusResponse(status: StatusValue): DeliverResponse {
  const response = new DeliverResponse();
  response.setStatus(status);
  return response;
}

function blockResponse(block: Block): DeliverResponse {
  const response = new DeliverResponse();
  response.setBlock(block);
  return response;
}
