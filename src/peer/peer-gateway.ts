import type { GatewayMetrics } from '../gateway/gateway-metrics.js';
import type { ChaincodeDefinitionSource } from '../chaincode/definitions.js';
import type { GatewayConfig } from '../common/config/core-config.js';
import type { Logging } from '../common/logging/logging.js';
import type { ProposalResponse, SignedProposal } from '../common/protos/proposal.js';
import type { ChainReader } from '../deliver/chain-reader.js';
import { CommitFinder } from '../gateway/commit-finder.js';
import { EndorserRegistry } from '../gateway/endorser-registry.js';
import { LocalEndorser } from '../gateway/endorsers.js';
import { Gateway } from '../gateway/gateway.js';
import { GatewayService } from '../gateway/gateway-service.js';
import { OrdererRegistry, type EmbeddedBroadcaster } from '../gateway/orderers.js';
import type { StaticCollectionSource } from '../scc/lscc/collection-config.js';
import type { AccessControl } from './access-control.js';
import type { ChannelCommitters } from './channel-committers.js';
import type { ChannelRegistry } from './channel-registry.js';

export interface PeerGatewayOptions {
  config: GatewayConfig;
  localMspId: string;
  /** peer.address: how the gateway names this peer in error details. */
  address: string;
  endorser: { processProposal(signed: SignedProposal, options?: { endorse?: boolean }): Promise<ProposalResponse> };
  channels: ChannelRegistry;
  committers: ChannelCommitters;
  finder: CommitFinder;
  chains: (channelId: string) => ChainReader | undefined;
  embeddedOrderer: () => EmbeddedBroadcaster | undefined;
  definitions: ChaincodeDefinitionSource;
  collections: StaticCollectionSource;
  access: AccessControl;
  tls: { certPem: Buffer; keyPem: Buffer } | undefined;
  metrics?: GatewayMetrics | undefined;
  logging: Logging;
}

/**
 * The Gateway service with what it reaches: this peer's endorser, other organisations' peers, the
 * orderers; undefined with peer.gateway.enabled false.
 */
export function createPeerGateway(opts: PeerGatewayOptions): { service: GatewayService; close(): void } | undefined {
  if (!opts.config.enabled) return undefined;
  const { channels } = opts;
  const bundle = (channelId: string): ReturnType<ChannelRegistry['getBundle']> => channels.getBundle(channelId);
  const endorsers = new EndorserRegistry({ localMspId: opts.localMspId, bundle, tls: opts.tls });
  const orderers = new OrdererRegistry({
    embedded: opts.embeddedOrderer,
    endpoints: async (channelId) => {
      const current = bundle(channelId);
      return current === undefined ? [] : opts.committers.ordererEndpoints(channelId, current);
    },
  });
  const gateway = new Gateway(
    { localMspId: opts.localMspId, endorsementTimeoutMs: opts.config.endorsementTimeoutMs, broadcastTimeoutMs: opts.config.broadcastTimeoutMs },
    {
      bundle,
      local: new LocalEndorser(opts.address, opts.localMspId, opts.endorser),
      remoteEndorsers: (channelId) => endorsers.remoteEndorsers(channelId),
      orderers: (channelId) => orderers.orderers(channelId),
      definitions: opts.definitions,
      collectionMembers: async (channelId, chaincodeName) => {
        const ledger = channels.getLedger(channelId);
        if (ledger === undefined) return undefined;
        const qe = await ledger.newQueryExecutor();
        try {
          const found = await opts.collections.staticCollections(chaincodeName, (ns, key) => qe.getState(ns, key));
          return found === undefined ? undefined : [...new Set([...found.values()].flatMap((c) => c.memberOrgs))];
        } finally {
          qe.done();
        }
      },
      logger: opts.logging.logger('gateway'),
    },
  );
  const service = new GatewayService({
    gateway,
    finder: opts.finder,
    chains: opts.chains,
    ledgers: (channelId) => channels.getLedger(channelId),
    checkACL: (resource, channelId, signed) => {
      opts.access.checkSignedDataACL(resource, channelId, signed);
    },
    metrics: opts.metrics,
    logger: opts.logging.logger('gateway'),
  });
  return {
    service,
    close: () => {
      endorsers.close();
      orderers.close();
    },
  };
}
