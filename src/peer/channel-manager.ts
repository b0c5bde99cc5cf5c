import { errorMessage } from '../common/errors/weft-error.js';
import type { Logging, Logger } from '../common/logging/logging.js';
import type { Block } from '../common/protos/common.js';
import { lastConfigIndexOf } from '../orderer/block-signature.js';
import { ChannelBundle } from '../channel/channel-bundle.js';
import type { LedgerManager, PeerLedger } from '../ledger/index.js';
import type { ChannelRegistry } from './channel-registry.js';
import { PeerError } from './peer-error.js';

/** Deploys the system chaincodes on a channel (the SCC provider). */
export interface SysCCDeployer {
  deploySysCCs(channelId: string): Promise<void>;
}

export interface ChannelManagerOptions {
  channels: ChannelRegistry;
  deployer: SysCCDeployer;
  /** Starts the channel's commit pipeline once it is on the peer; `configBlock` is its newest config. */
  onChannel?: (ledger: PeerLedger, configBlock: Block) => Promise<void>;
  /** The genesis block of a channel this peer makes for itself (`--join`): the built-in profile. */
  genesisBlock(channelId: string): Promise<Block>;
  logging: Logging;
}

/**
 * The channels of the peer: loads those on disk, creates new ones, and deploys the system
 * chaincodes on each as it comes (the seed's second block of log lines).
 */
export class ChannelManager {
  private ledgers: LedgerManager | undefined;
  private readonly peerLogger: Logger;
  private readonly ledgerLogger: Logger;

  constructor(private readonly opts: ChannelManagerOptions) {
    this.peerLogger = opts.logging.logger('peer');
    this.ledgerLogger = opts.logging.logger('ledgermgmt');
  }

  /** Takes the opened ledger store and loads every channel on it. */
  async loadAll(ledgers: LedgerManager): Promise<void> {
    this.ledgers = ledgers;
    for (const channelId of await ledgers.list()) {
      this.peerLogger.info('Initialize', `Loading chain ${channelId}`);
      let ledger: PeerLedger;
      try {
        ledger = await ledgers.open(channelId);
      } catch (err) {
        // One damaged ledger must not keep the peer off its other channels.
        this.peerLogger.error('Initialize', `Failed to load ledger for channel ${channelId}, the peer goes on without it: ${errorMessage(err)}`);
        continue;
      }
      let bundle: ChannelBundle;
      let configBlock: Block;
      try {
        configBlock = await configBlockOf(ledger);
        bundle = ChannelBundle.fromBlock(configBlock, { deferMsps: true });
      } catch (err) {
        this.peerLogger.error('Initialize', `Failed to load the config of channel ${channelId}, the peer goes on without it: ${errorMessage(err)}`);
        continue;
      }
      this.opts.channels.add(ledger, bundle);
      await this.opts.deployer.deploySysCCs(channelId);
      await this.opts.onChannel?.(ledger, configBlock);
    }
  }

  /** Creates a channel's ledger from its genesis block and deploys the system chaincodes on it. */
  async join(genesisBlock: Block): Promise<string> {
    const ledgers = this.store();
    // Read before the ledger is made: a block that is no usable channel config creates nothing.
    const bundle = ChannelBundle.fromBlock(genesisBlock);
    const ledger = await ledgers.create(genesisBlock);
    const channelId = ledger.channelId;
    this.ledgerLogger.info('CreateLedger', `Created ledger [${channelId}] with genesis block`);
    this.opts.channels.add(ledger, bundle);
    await this.opts.deployer.deploySysCCs(channelId);
    await this.opts.onChannel?.(ledger, genesisBlock);
    return channelId;
  }

  /** Joins a channel of this peer's own: a genesis block made here, for local use. */
  async create(channelId: string): Promise<void> {
    this.ledgerLogger.info('CreateLedger', `Creating ledger [${channelId}] with a local genesis block`);
    await this.join(await this.opts.genesisBlock(channelId));
  }

  /** The newest config block of a channel, or undefined when the peer is not on it. */
  async configBlock(channelId: string): Promise<Block | undefined> {
    const ledger = this.opts.channels.getLedger(channelId);
    return ledger === undefined ? undefined : configBlockOf(ledger);
  }

  getLedger(channelId: string): PeerLedger | undefined {
    return this.opts.channels.getLedger(channelId);
  }

  has(channelId: string): boolean {
    return this.opts.channels.has(channelId);
  }

  channelIds(): string[] {
    return this.opts.channels.channelIds();
  }

  private store(): LedgerManager {
    if (this.ledgers === undefined) throw new PeerError('NOT_READY', 'the peer has not opened its ledgers yet');
    return this.ledgers;
  }
}

/**
 * The newest config block of a ledger: the one its newest block's LAST_CONFIG metadata names, or
 * the genesis block when that is not recorded.
 */
async function configBlockOf(ledger: PeerLedger): Promise<Block> {
  const info = await ledger.getBlockchainInfo();
  const newest = await ledger.getBlockByNumber(info.getHeight() - 1);
  let index = 0;
  try {
    index = lastConfigIndexOf(newest);
  } catch {
    // metadata that does not decode names no config block: the genesis block is the one known
  }
  return ledger.getBlockByNumber(index);
}
