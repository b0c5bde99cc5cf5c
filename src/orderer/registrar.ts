import { existsSync } from 'node:fs';
import { readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { ChannelBundle } from '../channel/channel-bundle.js';
import { errorMessage } from '../common/errors/weft-error.js';
import type { Logger, Logging } from '../common/logging/logging.js';
import { validateChannelId } from '../ledger/channel-id.js';
import type { Block } from '../ledger/protos.js';
import type { BlockSigner } from './block-signature.js';
import { BlockStore } from './block-store.js';
import { OrdererChain } from './orderer-chain.js';
import { OrderingError } from './orderer-error.js';

export interface RegistrarOptions {
  /** FileLedger.Location: chains go in `chains/<channel>`, their indexes in `index/<channel>`. */
  location: string;
  /** The orderer's local signing identity: it signs every block. */
  signer: BlockSigner;
  /** Chains log as `orderer.consensus.<type>`, the registrar as `orderer.common.multichannel`. */
  logging: Logging;
  /** Size past which a chain starts a new block file (64 MiB by default). */
  maxFileSize?: number;
}

/** A channel the orderer serves, as the channel participation API lists it (Fabric's types.ChannelInfo, without url). */
export interface ChannelInfo {
  name: string;
  /** The number of blocks in the orderer's chain of the channel. */
  height: number;
  /** A single orderer is the consenter of each of its channels. */
  consensusRelation: 'consenter';
  status: 'active';
}

/**
 * The channels an orderer serves (Fabric's multichannel.Registrar): those whose chains are on
 * disk at start, and those joined since. The channel participation API drives it: joinChannel,
 * list, remove.
 */
export class Registrar {
  private readonly chains = new Map<string, OrdererChain>();
  /** Channels being joined or removed: a second request for one of them is refused meanwhile. */
  private readonly busy = new Set<string>();
  private readonly logger: Logger;

  private constructor(private readonly opts: RegistrarOptions) {
    this.logger = opts.logging.logger('orderer.common.multichannel');
  }

  /** Opens every chain under `location`; a chain that cannot be opened stops the start, naming it. */
  static async open(opts: RegistrarOptions): Promise<Registrar> {
    const registrar = new Registrar(opts);
    const chainsDir = join(opts.location, 'chains');
    const names = existsSync(chainsDir) ? (await readdir(chainsDir, { withFileTypes: true })).filter((e) => e.isDirectory()).map((e) => e.name) : [];
    try {
      for (const name of names.sort()) {
        const chain = await registrar.openChain(name);
        if (chain === undefined) continue;
        registrar.chains.set(name, chain);
        registrar.logger.info('open', `Starting channel: ${name} at height ${String(chain.reader().height())}`);
      }
    } catch (err) {
      await registrar.stop();
      throw err;
    }
    return registrar;
  }

  /**
   * Starts serving the channel of a config block (a genesis block made by configtxgen, say): its
   * chain is created with the block as block 0. Throws CHANNEL_EXISTS when the channel is served
   * already, INVALID_JOIN_BLOCK when the block is not a config block with an orderer config, or is
   * not block 0 (joining at a later block needs the blocks before it from other orderers).
   */
  async joinChannel(configBlock: Block): Promise<ChannelInfo> {
    let bundle: ChannelBundle;
    try {
      bundle = ChannelBundle.fromBlock(configBlock);
      validateChannelId(bundle.channelId);
    } catch (err) {
      throw new OrderingError('INVALID_JOIN_BLOCK', `the join block is not a valid config block: ${errorMessage(err)}`, { cause: err });
    }
    const name = bundle.channelId;
    if (bundle.config.orderer === undefined) throw new OrderingError('INVALID_JOIN_BLOCK', `the config block of channel ${name} has no orderer config`);
    const number = configBlock.getHeader()?.getNumber() ?? 0;
    if (number !== 0) {
      throw new OrderingError('INVALID_JOIN_BLOCK', `the join block of channel ${name} is block ${String(number)}: this orderer joins channels from their genesis block only`);
    }
    if (this.chains.has(name) || this.busy.has(name)) throw new OrderingError('CHANNEL_EXISTS', `channel already exists: ${name}`);
    this.busy.add(name);
    try {
      const store = await this.openStore(name);
      try {
        if (store.height() === 0) store.append(configBlock);
      } catch (err) {
        await store.close();
        throw err;
      }
      const chain = await OrdererChain.open({ channelId: name, store, signer: this.opts.signer, logging: this.opts.logging });
      this.chains.set(name, chain);
      this.logger.info('joinChannel', `Joined channel: ${name}; height ${String(store.height())}`);
      return infoOf(name, chain);
    } finally {
      this.busy.delete(name);
    }
  }

  /** The channels served, by name. */
  list(): ChannelInfo[] {
    return [...this.chains.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([name, chain]) => infoOf(name, chain));
  }

  /** The chain of a channel served; undefined for any other. */
  get(channelId: string): OrdererChain | undefined {
    return this.chains.get(channelId);
  }

  /** Stops serving a channel and deletes its chain from disk. Throws NOT_FOUND for a channel not served. */
  async remove(channelId: string): Promise<void> {
    const chain = this.chains.get(channelId);
    if (chain === undefined || this.busy.has(channelId)) throw new OrderingError('NOT_FOUND', `channel does not exist: ${channelId}`);
    this.busy.add(channelId);
    try {
      this.chains.delete(channelId);
      await chain.stop();
      await this.removeFolders(channelId);
      this.logger.info('remove', `Removed channel: ${channelId}`);
    } finally {
      this.busy.delete(channelId);
    }
  }

  /** Stops every chain (an open batch of each is dropped, and re-sent by clients that got no block). */
  async stop(): Promise<void> {
    const chains = [...this.chains.values()];
    this.chains.clear();
    for (const chain of chains) await chain.stop();
  }

  /** The chain of a channel on disk; undefined (and the folders removed) for a join that did not get to write its block. */
  private async openChain(name: string): Promise<OrdererChain | undefined> {
    const store = await this.openStore(name);
    if (store.height() === 0) {
      await store.close();
      this.logger.warn('open', `Removing channel ${name}: its chain holds no block (a join that did not finish)`);
      await this.removeFolders(name);
      return undefined;
    }
    try {
      return await OrdererChain.open({ channelId: name, store, signer: this.opts.signer, logging: this.opts.logging });
    } catch (err) {
      await store.close();
      throw err instanceof OrderingError ? err : new OrderingError('STORE_CORRUPTED', `cannot open the chain of channel ${name}: ${errorMessage(err)}`, { cause: err });
    }
  }

  private async removeFolders(name: string): Promise<void> {
    await rm(this.chainDir(name), { recursive: true, force: true });
    await rm(this.indexDir(name), { recursive: true, force: true });
  }

  private openStore(name: string): Promise<BlockStore> {
    return BlockStore.open({ dir: this.chainDir(name), indexDir: this.indexDir(name), ...(this.opts.maxFileSize === undefined ? {} : { maxFileSize: this.opts.maxFileSize }) });
  }

  private chainDir(name: string): string {
    return join(this.opts.location, 'chains', name);
  }

  private indexDir(name: string): string {
    return join(this.opts.location, 'index', name);
  }
}

function infoOf(name: string, chain: OrdererChain): ChannelInfo {
  return { name, height: chain.reader().height(), consensusRelation: 'consenter', status: 'active' };
}
