import { metricsInterceptors } from '../comm/grpc-metrics.js';
import type { OrdererMetrics } from './orderer-metrics.js';
import type { ServerDuplexStream } from '@grpc/grpc-js';
import type { Logging } from '../common/logging/logging.js';
import type { BroadcastResponse, DeliverResponse } from '../common/protos/orderer.js';
import { GrpcListener, type CredentialsFactory, type GrpcModule } from '../comm/grpc-listener.js';
import type { Envelope } from '../ledger/protos.js';
import type { BlockSigner } from './block-signature.js';
import { BroadcastHandler, type ProcessConfigUpdate } from './broadcast-handler.js';
import { ordererDeliverChannels, type DeliverHandlerFactory, type DeliverStreamHandler } from './deliver-service.js';
import { Registrar } from './registrar.js';
import { withDeliverResponseCodec } from '../comm/deliver-response-codec.js';
import { zeroCopy } from '../comm/zero-copy.js';

/** The methods of Fabric's AtomicBroadcast service. */
// A type, not an interface: grpc-js takes service implementations as string-indexed objects.
export type AtomicBroadcastImplementation = {
  broadcast: (call: ServerDuplexStream<Envelope, BroadcastResponse>) => void;
  deliver: (call: ServerDuplexStream<Envelope, DeliverResponse>) => void;
};

/** The orderer listener's TLS (General.TLS.*). */
export interface OrdererTls {
  keyPem: Buffer;
  certPem: Buffer;
  /** With General.TLS.ClientAuthRequired: the roots client certificates must chain to. */
  clientRootCasPem?: Buffer | undefined;
}

export interface OrdererNodeOptions {
  /** host:port of the AtomicBroadcast listener; port 0 picks a free one. */
  listenAddress: string;
  /** The configuration key(s) `listenAddress` came from, named when it cannot be bound. */
  listenSetting?: string | undefined;
  /** FileLedger.Location: the orderer's chains. */
  fileLedgerLocation: string;
  /** The orderer's local signing identity (General.LocalMSPDir, LocalMSPID). */
  signer: BlockSigner;
  tls?: OrdererTls | undefined;
  /** Works out CONFIG_UPDATE envelopes; without it they are refused. */
  processConfigUpdate?: ProcessConfigUpdate | undefined;
  /** Builds the Deliver handler; without it Deliver answers UNIMPLEMENTED. */
  deliver?: DeliverHandlerFactory | undefined;
  logging: Logging;
  /** Printed in the start-up line. */
  version: string;
  /** The standalone orderer's metrics (the embedded one leaves them to the peer's). */
  metrics?: Pick<OrdererMetrics, 'grpc' | 'broadcast'> | undefined;
}

/**
 * An ordering service node: its channels' chains (the registrar) served over AtomicBroadcast
 * (Broadcast, Deliver) on a listener of its own. Run by `weft orderer start`, or inside a peer
 * process by the peer's composition root.
 */
export class OrdererNode {
  private constructor(
    readonly registrar: Registrar,
    private readonly listener: GrpcListener,
    private readonly logging: Logging,
    /** The AtomicBroadcast service as this node serves it, for another listener to serve too (the peer's, when embedded). */
    readonly atomicBroadcast: AtomicBroadcastImplementation,
    /** Broadcast's checks and hand-over, for a caller in the same process (the embedding peer's Gateway). */
    readonly broadcaster: Pick<BroadcastHandler, 'processMessage'>,
  ) {}

  /** The bound address, with the real port. */
  get address(): string {
    return this.listener.address;
  }

  static async start(opts: OrdererNodeOptions): Promise<OrdererNode> {
    const logger = opts.logging.logger('orderer.common.server');
    const registrar = await Registrar.open({ location: opts.fileLedgerLocation, signer: opts.signer, logging: opts.logging });
    const broadcast = new BroadcastHandler({
      chains: registrar,
      processConfigUpdate: opts.processConfigUpdate,
      metrics: opts.metrics?.broadcast,
      logger: opts.logging.logger('orderer.common.broadcast'),
    });
    const deliver = opts.deliver?.(ordererDeliverChannels(registrar));
    const grpcModule = await import('@grpc/grpc-js');
    const atomicBroadcast: AtomicBroadcastImplementation = {
      broadcast: (call) => {
        broadcast.handle(call);
      },
      deliver: (call) => {
        serveDeliver(call, deliver, grpcModule.status);
      },
    };
    let listener: GrpcListener;
    try {
      listener = await GrpcListener.start(
        opts.listenAddress,
        async (server) => {
          const { default: abGrpc } = await import('@hyperledger/fabric-protos/lib/orderer/ab_grpc_pb.js');
          server.addService(withDeliverResponseCodec(zeroCopy(abGrpc.AtomicBroadcastService), 'deliver'), atomicBroadcast);
        },
        { setting: opts.listenSetting, credentials: opts.tls === undefined ? undefined : credentialsOf(opts.tls), interceptors: metricsInterceptors(opts.metrics?.grpc) },
      );
    } catch (err) {
      await registrar.stop();
      throw err;
    }
    logger.info('Main', `Starting orderer:\n Version: ${opts.version}\n Node.js: ${process.version}\n OS/Arch: ${process.platform}/${process.arch}\n`);
    logger.info('Main', `Beginning to serve requests on ${listener.address}${opts.tls === undefined ? '' : ' (TLS)'}`);
    return new OrdererNode(registrar, listener, opts.logging, atomicBroadcast, broadcast);
  }

  /** Stops the listener, then every chain. */
  async stop(): Promise<void> {
    await this.listener.stop();
    await this.registrar.stop();
    this.logging.logger('orderer.common.server').info('Main', 'Orderer stopped');
  }
}

function serveDeliver(call: ServerDuplexStream<Envelope, DeliverResponse>, handler: DeliverStreamHandler | undefined, status: GrpcModule['status']): void {
  if (handler === undefined) {
    call.emit('error', { code: status.UNIMPLEMENTED, details: 'this orderer does not serve Deliver' });
    return;
  }
  Promise.resolve(handler.handle(call)).catch((err: unknown) => {
    call.emit('error', { code: status.UNKNOWN, details: err instanceof Error ? err.message : String(err) });
  });
}

function credentialsOf(tls: OrdererTls): CredentialsFactory {
  return (grpc) =>
    grpc.ServerCredentials.createSsl(tls.clientRootCasPem ?? null, [{ private_key: tls.keyPem, cert_chain: tls.certPem }], tls.clientRootCasPem !== undefined);
}

