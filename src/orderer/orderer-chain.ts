import { randomBytes } from 'node:crypto';
import { ChannelBundle } from '../channel/channel-bundle.js';
import { errorMessage } from '../common/errors/weft-error.js';
import type { Logger, Logging } from '../common/logging/logging.js';
import type { ChainReader } from '../deliver/chain-reader.js';
import { newBlock } from '../ledger/block-builder.js';
import { hashOfBlock } from '../ledger/block-hash.js';
import type { Block, Envelope } from '../ledger/protos.js';
import { BlockCutter } from './block-cutter.js';
import { lastConfigIndexOf, signBlock, type BlockSigner } from './block-signature.js';
import type { BlockStore } from './block-store.js';
import { OrderingError } from './orderer-error.js';

export interface OrdererChainOptions {
  channelId: string;
  /** The channel's own chain, holding at least its genesis (or join) block. */
  store: BlockStore;
  /** Signs every block this chain writes: the orderer's local signing identity. */
  signer: BlockSigner;
  /** The chain logs as `orderer.consensus.<type>`, the consensus type of its config. */
  logging: Logging;
}

/**
 * One channel of the ordering service, as a single orderer runs it: envelopes accepted by
 * Broadcast are cut into batches (BatchSize, BatchTimeout of the channel's current config), each
 * batch becomes the next block, signed by the orderer and appended to the channel's own chain. A
 * config envelope is cut alone into a config block, which makes its config the channel's.
 */
export class OrdererChain {
  private readonly cutter: BlockCutter;
  private readonly logger: Logger;
  private timer: NodeJS.Timeout | undefined;
  private failure: OrderingError | undefined;
  private stopped = false;

  private constructor(
    private readonly opts: OrdererChainOptions,
    private currentBundle: ChannelBundle,
    private lastConfigIndex: number,
  ) {
    this.cutter = new BlockCutter({ batchSize: () => this.ordererConfig.batchSize });
    this.logger = opts.logging.logger(`orderer.consensus.${currentBundle.config.orderer?.type ?? 'solo'}`);
  }

  /** Opens the chain at its tip: its config is the one of the last config block it names. */
  static async open(opts: OrdererChainOptions): Promise<OrdererChain> {
    const last = opts.store.lastBlock();
    if (last === undefined) throw new OrderingError('STORE_CORRUPTED', `the chain of channel ${opts.channelId} is empty`);
    const lastConfigIndex = (last.getHeader()?.getNumber() ?? 0) === 0 ? 0 : lastConfigIndexOf(last);
    const bundle = ChannelBundle.fromBlock(await opts.store.getBlockByNumber(lastConfigIndex));
    return new OrdererChain(opts, bundle, lastConfigIndex);
  }

  get channelId(): string {
    return this.opts.channelId;
  }

  /** The channel's config as of the last config block written. */
  get bundle(): ChannelBundle {
    return this.currentBundle;
  }

  /** The config sequence a message was validated against, to tell whether it is still current. */
  get sequence(): number {
    return this.currentBundle.config.sequence;
  }

  /** The chain as Deliver reads it. */
  reader(): ChainReader {
    return this.opts.store;
  }

  private get ordererConfig(): NonNullable<ChannelBundle['config']['orderer']> {
    const orderer = this.currentBundle.config.orderer;
    // A channel is joined only with an Orderer group, and no config update may remove it.
    if (orderer === undefined) throw new OrderingError('SERVICE_UNAVAILABLE', `channel ${this.channelId} has no orderer config`);
    return orderer;
  }

  /** Throws SERVICE_UNAVAILABLE when the chain takes no messages (stopped, or its store failed). */
  checkReady(): void {
    if (this.failure !== undefined) throw this.failure;
    if (this.stopped) throw new OrderingError('SERVICE_UNAVAILABLE', `channel ${this.channelId} is stopped`);
  }

  /** Orders a validated normal envelope: it goes into the open batch, and whatever batches are full are written. */
  order(envelope: Envelope): void {
    this.checkReady();
    const { batches, pending } = this.cutter.ordered(envelope);
    for (const batch of batches) this.writeBlock(batch, false);
    if (!pending) {
      this.clearTimer();
    } else if (this.timer === undefined) {
      const timeoutMs = this.ordererConfig.batchTimeoutMs;
      this.logger.debug('ordered', `Just began ${String(timeoutMs)}ms batch timer`);
      this.timer = setTimeout(() => this.onBatchTimeout(), timeoutMs);
    }
  }

  /**
   * Orders a validated CONFIG envelope: the open batch is written first, then the config alone in
   * its block; from then on the channel runs on that config. A config that does not make a
   * channel config is refused (BAD_REQUEST) and nothing is written for it.
   */
  configure(configEnvelope: Envelope): void {
    this.checkReady();
    const block = this.nextBlock([configEnvelope]);
    let bundle: ChannelBundle;
    try {
      bundle = ChannelBundle.fromBlock(block);
    } catch (err) {
      throw new OrderingError('BAD_REQUEST', `the config of channel ${this.channelId} cannot be applied: ${errorMessage(err)}`, { cause: err });
    }
    if (bundle.channelId !== this.channelId) {
      throw new OrderingError('BAD_REQUEST', `the config envelope names channel ${bundle.channelId}, not ${this.channelId}`);
    }
    const pending = this.cutter.cut();
    if (pending.length > 0) this.writeBlock(pending, false);
    this.clearTimer();
    // Numbered after the batch just written.
    this.writeBlock([configEnvelope], true);
    this.currentBundle = bundle;
  }

  /** Stops the timer and closes the chain's store; an open batch is dropped, as a crash would drop it. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.clearTimer();
    await this.opts.store.close();
  }

  private onBatchTimeout(): void {
    this.timer = undefined;
    const batch = this.cutter.cut();
    if (batch.length === 0) {
      this.logger.warn('onBatchTimeout', 'Batch timer expired with no pending requests, this might indicate a bug');
      return;
    }
    this.logger.debug('onBatchTimeout', 'Batch timer expired, creating block');
    try {
      this.writeBlock(batch, false);
    } catch {
      // Logged and kept as the chain's failure by writeBlock.
    }
  }

  private nextBlock(envelopes: Envelope[]): Block {
    const last = this.opts.store.lastBlock();
    const number = this.opts.store.height();
    return newBlock({ number, previousHash: last === undefined ? new Uint8Array(0) : hashOfBlock(last), envelopes });
  }

  private writeBlock(envelopes: Envelope[], isConfig: boolean): void {
    const block = this.nextBlock(envelopes);
    const number = block.getHeader()?.getNumber() ?? 0;
    if (isConfig) this.lastConfigIndex = number;
    signBlock(block, this.opts.signer, { lastConfigIndex: this.lastConfigIndex, nonce: randomBytes(24) });
    try {
      this.opts.store.append(block);
    } catch (err) {
      this.failure = new OrderingError('SERVICE_UNAVAILABLE', `channel ${this.channelId} cannot write blocks: ${errorMessage(err)}`, { cause: err });
      this.clearTimer();
      this.logger.error('writeBlock', `[channel: ${this.channelId}] Could not append block [${String(number)}]: ${errorMessage(err)}`);
      throw this.failure;
    }
    this.logger.info('writeBlock', `[channel: ${this.channelId}] Wrote ${isConfig ? 'config block' : 'block'} [${String(number)}] with ${String(envelopes.length)} transaction(s)`);
  }

  private clearTimer(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }
}
