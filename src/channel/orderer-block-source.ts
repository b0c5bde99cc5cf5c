import { setTimeout as sleep } from 'node:timers/promises';
import type { ClientTls } from '../client/client-tls.js';
import { ClientError } from '../client/client-error.js';
import { DeliverClient, type SeekSigner } from '../client/deliver-client.js';
import { errorMessage } from '../common/errors/weft-error.js';
import type { Logger } from '../common/logging/logging.js';
import type { Block } from '../ledger/protos.js';
import type { BlockSource } from './block-source.js';
import { BlockSourceError } from './block-source-error.js';

/** An ordering service node of the channel: its address (the channel config's orderer endpoints) and how to reach it. */
export interface OrdererEndpoint {
  address: string;
  /** The orderer organisation's MSP ID, when the channel config lists endpoints per organisation. */
  mspId?: string | undefined;
  /** The orderer organisation's TLS CA certificates (and this peer's client certificate); plaintext without. */
  tls?: ClientTls | undefined;
}

/** Fabric's retry schedule of the peer's delivery client (blocksprovider): 100 ms, then 1.2 times longer each failure, up to the threshold. */
export const DELIVERY_CLIENT_DEFAULTS = {
  initialRetryDelayMs: 100,
  backoffExponentBase: 1.2,
  /** peer.deliveryclient.reConnectBackoffThreshold */
  reconnectBackoffThresholdMs: 3600_000,
} as const;

export interface OrdererBlockSourceOptions {
  channelId: string;
  endpoints: readonly OrdererEndpoint[];
  /** Signs the seeks: the peer's own identity, which the orderer checks against /Channel/Readers. */
  signer: SeekSigner;
  initialRetryDelayMs?: number;
  /** peer.deliveryclient.reConnectBackoffThreshold: the longest wait between two attempts. */
  reconnectBackoffThresholdMs?: number;
  /**
   * peer.deliveryclient.reconnectTotalTimeThreshold: the source fails (GAVE_UP) after waiting this
   * long in all without a block. Fabric ignores it for a static leader, which this peer is: unset, it retries for ever.
   */
  reconnectTotalTimeThresholdMs?: number;
  /** Fabric's `deliveryClient` logger. */
  logger: Logger;
}

/** The wait before the attempt after `failures` consecutive failures (Fabric's blocksprovider schedule). */
export function retryDelayMs(failures: number, opts: { initialRetryDelayMs?: number; reconnectBackoffThresholdMs?: number } = {}): number {
  const initial = opts.initialRetryDelayMs ?? DELIVERY_CLIENT_DEFAULTS.initialRetryDelayMs;
  const max = opts.reconnectBackoffThresholdMs ?? DELIVERY_CLIENT_DEFAULTS.reconnectBackoffThresholdMs;
  return Math.min(Math.round(initial * DELIVERY_CLIENT_DEFAULTS.backoffExponentBase ** Math.max(0, failures - 1)), max);
}

/**
 * A channel's blocks pulled from its ordering service over Deliver, as Fabric's peer delivery
 * client pulls them: one seek from the next block the committer needs, never stopping; a lost
 * stream, or an orderer that cannot be reached, is retried after a growing wait on the next
 * endpoint, from the block after the last one yielded. Blocks are yielded unverified: the
 * committer checks their signatures.
 */
export class OrdererBlockSource implements BlockSource {
  constructor(private readonly opts: OrdererBlockSourceOptions) {}

  async *blocks(startNumber: number, signal: AbortSignal): AsyncGenerator<Block, void, undefined> {
    const { endpoints, channelId, logger } = this.opts;
    if (endpoints.length === 0) throw new BlockSourceError('NO_ENDPOINTS', `channel ${channelId} has no orderer endpoints`);
    let next = startNumber;
    let failures = 0;
    let waited = 0;
    for (let attempt = 0; !signal.aborted; attempt++) {
      const endpoint = endpoints[attempt % endpoints.length] as OrdererEndpoint;
      let client: DeliverClient | undefined;
      try {
        client = await DeliverClient.connect(endpoint.address, { service: 'orderer', signer: this.opts.signer, tls: endpoint.tls });
        logger.debug('DeliverBlocks', `[${channelId}] Pulling blocks from ${endpoint.address} starting at block ${next}`);
        for await (const block of client.blocks({ channelId, start: next }, signal)) {
          const number = block.getHeader()?.getNumber();
          if (number !== next) throw new ClientError('CALL_FAILED', `the orderer at ${endpoint.address} sent block ${String(number)} when block ${next} was expected`);
          yield block;
          next++;
          failures = 0;
          waited = 0;
        }
        throw new ClientError('CALL_FAILED', `the orderer at ${endpoint.address} ended a seek that has no end`);
      } catch (err) {
        if (isAborted(signal)) return;
        failures++;
        const delay = retryDelayMs(failures, this.opts);
        waited += delay;
        const limit = this.opts.reconnectTotalTimeThresholdMs;
        if (limit !== undefined && waited > limit) {
          logger.warn('DeliverBlocks', `[${channelId}] attempted to retry block delivery for more than peer.deliveryclient.reconnectTotalTimeThreshold duration ${limit}ms, giving up`);
          throw new BlockSourceError('GAVE_UP', `no block from the ordering service of channel ${channelId} for ${waited}ms: ${errorMessage(err)}`, { cause: err });
        }
        logger.warn('DeliverBlocks', `[${channelId}] Got error from ${endpoint.address}: ${errorMessage(err)}`);
        logger.warn('DeliverBlocks', `[${channelId}] Disconnected from ordering service. Attempt to re-connect in ${delay}ms`);
        try {
          await sleep(delay, undefined, { signal });
        } catch {
          return;
        }
      } finally {
        client?.close();
      }
    }
  }
}

/** The signal's state now (a function, so that an earlier check does not narrow it for the type checker). */
function isAborted(signal: AbortSignal): boolean {
  return signal.aborted;
}
