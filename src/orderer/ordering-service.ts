import { processConfigUpdate } from '../channelconfig/config-update.js';
import { errorMessage } from '../common/errors/weft-error.js';
import type { Logging } from '../common/logging/logging.js';
import type { Envelope } from '../common/protos/common.js';
import { DeliverHandler } from '../deliver/deliver-handler.js';
import { ordererDeliver } from '../deliver/orderer-deliver.js';
import type { SigningIdentity } from '../msp/signing-identity.js';
import { signedDataOfEnvelope } from '../policies/signed-data.js';
import { OrderingError } from './orderer-error.js';
import { OrdererNode, type OrdererTls } from './orderer-node.js';
import { ORDERER_DELIVER_POLICY, type OrdererDeliverChannels } from './deliver-service.js';
import { AdminServer, type AdminTlsOptions } from './participation/admin-server.js';
import { ChannelParticipationError, ChannelParticipationHandler, type ChannelParticipationRegistrar } from './participation/channel-participation-handler.js';
import type { Registrar } from './registrar.js';
import type { OrdererMetrics } from './orderer-metrics.js';
import type { DeliverMetrics } from '../deliver/deliver-metrics.js';

export interface OrderingServiceOptions {
  /** General.ListenAddress:ListenPort (port 0 picks a free one). */
  listenAddress: string;
  /** The configuration key(s) `listenAddress` came from, named when it cannot be bound. */
  listenSetting?: string | undefined;
  /** FileLedger.Location. */
  fileLedgerLocation: string;
  /** The orderer's local identity: it signs blocks and the config envelopes it makes. */
  signer: SigningIdentity;
  tls?: OrdererTls | undefined;
  /** Admin.ListenAddress (`setting` names its key) and Admin.TLS: the channel participation API; undefined leaves it off. */
  admin?: { listenAddress: string; setting?: string | undefined; tls?: AdminTlsOptions | undefined; enabled: boolean } | undefined;
  logging: Logging;
  version: string;
  /** `weft orderer start`'s metrics; the embedded orderer has none of its own. */
  metrics?: OrdererMetrics | undefined;
}

/**
 * An ordering service node with everything it serves: Broadcast (config updates included) and
 * Deliver on its listener, and the channel participation API on its admin listener. Run by
 * `weft orderer start`, and inside `weft node start` as the one-machine default.
 */
export class OrderingService {
  private constructor(
    readonly node: OrdererNode,
    private readonly admin: AdminServer | undefined,
    /** The admin listener's bound address (host:port), when it runs. */
    readonly adminAddress: string | undefined,
  ) {}

  get address(): string {
    return this.node.address;
  }

  get registrar(): Registrar {
    return this.node.registrar;
  }

  static async start(opts: OrderingServiceOptions): Promise<OrderingService> {
    // The registrar exists once the node has opened it; until then no channel can be updated.
    const opened: { registrar?: Registrar } = {};
    const configLogger = opts.logging.logger('common.configtx');
    const node = await OrdererNode.start({
      listenAddress: opts.listenAddress,
      listenSetting: opts.listenSetting,
      fileLedgerLocation: opts.fileLedgerLocation,
      signer: opts.signer,
      tls: opts.tls,
      processConfigUpdate: (channelId: string, envelope: Envelope): Promise<Envelope> => {
        const chain = opened.registrar?.get(channelId);
        if (chain === undefined) return Promise.reject(new OrderingError('NOT_FOUND', `channel ${channelId} not found`));
        try {
          return Promise.resolve(processConfigUpdate(chain.bundle, envelope, opts.signer, { logger: configLogger }));
        } catch (err) {
          return Promise.reject(err instanceof Error ? err : new Error(String(err)));
        }
      },
      deliver: (channels) => ordererDeliverHandler(channels, opts.logging, opts.metrics?.deliver),
      logging: opts.logging,
      version: opts.version,
      metrics: opts.metrics,
    });
    opened.registrar = node.registrar;
    if (opts.admin === undefined) return new OrderingService(node, undefined, undefined);
    const logger = opts.logging.logger('orderer.admin');
    const admin = new AdminServer(
      { listenAddress: opts.admin.listenAddress, setting: opts.admin.setting, ...(opts.admin.tls === undefined ? {} : { tls: opts.admin.tls }) },
      {
        handler: new ChannelParticipationHandler({ enabled: opts.admin.enabled }, { registrar: participationRegistrar(node.registrar), logger: opts.logging.logger('orderer.common.channelparticipation') }),
        logger,
      },
    );
    try {
      const bound = await admin.start();
      return new OrderingService(node, admin, `${bound.host}:${String(bound.port)}`);
    } catch (err) {
      await node.stop();
      throw err;
    }
  }

  /** The admin listener, then the node. */
  async stop(): Promise<void> {
    await this.admin?.stop();
    await this.node.stop();
  }
}

/** The orderer's Deliver: the shared handler over its chains, each seek checked against /Channel/Readers. */
function ordererDeliverHandler(channels: OrdererDeliverChannels, logging: Logging, metrics: DeliverMetrics | undefined): { handle: ReturnType<typeof ordererDeliver> } {
  const handler = new DeliverHandler({
    chains: (channelId) => channels.get(channelId)?.reader,
    authorize: (channelId, envelope) => {
      const policy = channels.get(channelId)?.policies.getPolicy(ORDERER_DELIVER_POLICY);
      if (policy === undefined) throw new OrderingError('FORBIDDEN', `channel ${channelId} has no ${ORDERER_DELIVER_POLICY} policy`);
      try {
        policy.evaluateSignedData(signedDataOfEnvelope(envelope));
      } catch (err) {
        throw new OrderingError('FORBIDDEN', `client authorization revoked for deliver request for channel ${channelId}: ${errorMessage(err)}`, { cause: err });
      }
    },
    configSequence: (channelId) => channels.get(channelId)?.sequence ?? 0,
    metrics,
    logger: logging.logger('common.deliver'),
  });
  return { handle: ordererDeliver(handler, logging.logger('common.deliver')) };
}

/** The registrar as the participation API drives it: its refusals carry the API's codes. */
function participationRegistrar(registrar: Registrar): ChannelParticipationRegistrar {
  const codes: Partial<Record<string, ChannelParticipationError['code']>> = { CHANNEL_EXISTS: 'CHANNEL_EXISTS', NOT_FOUND: 'CHANNEL_NOT_FOUND' };
  const mapped = (err: unknown): Error => {
    const code = err instanceof OrderingError ? codes[err.code] : undefined;
    if (code === undefined) return err instanceof Error ? err : new Error(String(err));
    return new ChannelParticipationError(code, err instanceof Error ? err.message : String(err), { cause: err });
  };
  return {
    joinChannel: (block) => registrar.joinChannel(block).catch((err: unknown) => Promise.reject(mapped(err))),
    list: () => registrar.list(),
    info: (channelId) => registrar.get(channelId) === undefined ? undefined : registrar.list().find((info) => info.name === channelId),
    remove: (channelId) => registrar.remove(channelId).catch((err: unknown) => Promise.reject(mapped(err))),
  };
}
