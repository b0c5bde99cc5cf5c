import type { ServerDuplexStream } from '@grpc/grpc-js';
import type { DeliverResponse } from '../common/protos/orderer.js';
import type { ChainReader } from '../deliver/chain-reader.js';
import type { Envelope } from '../ledger/protos.js';
import type { PolicyManager } from '../policies/policy-manager.js';
import type { Registrar } from './registrar.js';

/** Who may read an orderer's blocks, as Fabric's orderer checks each Deliver request (and again on each config change). */
export const ORDERER_DELIVER_POLICY = '/Channel/Readers';

/** A channel the orderer serves, as its Deliver service sees it. */
export interface OrdererDeliverChannel {
  reader: ChainReader;
  /** The policies of the channel's current config. */
  policies: PolicyManager;
  /** The current config sequence: a request is evaluated again once it moves. */
  sequence: number;
}

/** The channels of the orderer, looked up per Deliver request. */
export interface OrdererDeliverChannels {
  get(channelId: string): OrdererDeliverChannel | undefined;
}

/** A Deliver handler (the shared one of src/deliver/): serves one AtomicBroadcast.Deliver stream. */
export interface DeliverStreamHandler {
  handle(call: ServerDuplexStream<Envelope, DeliverResponse>): void | Promise<void>;
}

/**
 * Makes the orderer's Deliver handler once the registrar is there: the composition root passes
 * one that builds src/deliver's handler over these channels, with ORDERER_DELIVER_POLICY.
 */
export type DeliverHandlerFactory = (channels: OrdererDeliverChannels) => DeliverStreamHandler;

/** The registrar's channels, as Deliver reads them: each lookup sees the channel's current config. */
export function ordererDeliverChannels(registrar: Pick<Registrar, 'get'>): OrdererDeliverChannels {
  return {
    get: (channelId) => {
      const chain = registrar.get(channelId);
      if (chain === undefined) return undefined;
      return { reader: chain.reader(), policies: chain.bundle.policies, sequence: chain.sequence };
    },
  };
}
