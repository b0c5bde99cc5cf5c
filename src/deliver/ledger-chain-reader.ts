import type { Block } from '../ledger/protos.js';
import type { ChainReader } from './chain-reader.js';
import { HeightWatch } from './height-watch.js';

/** What the reader needs of a channel's ledger (a PeerLedger has it). */
export interface BlockLedger {
  getBlockchainInfo(): Promise<{ getHeight(): number }>;
  getBlockByNumber(blockNumber: number): Promise<Block>;
}

/**
 * A peer ledger as a Deliver service reads it. The ledger has no commit events: whoever commits
 * a block calls `notifyCommitted` once the block is readable, which wakes the streams waiting for it.
 */
export class LedgerChainReader implements ChainReader {
  private constructor(
    private readonly ledger: BlockLedger,
    private readonly watch: HeightWatch,
  ) {}

  /** A reader starting at the ledger's current height. */
  static async open(ledger: BlockLedger): Promise<LedgerChainReader> {
    const info = await ledger.getBlockchainInfo();
    return new LedgerChainReader(ledger, new HeightWatch(info.getHeight()));
  }

  /** Block `blockNumber` is committed and readable. */
  notifyCommitted(blockNumber: number): void {
    this.watch.advance(blockNumber + 1);
  }

  /** Streams waiting for a block not yet committed. */
  get waiting(): number {
    return this.watch.waiting;
  }

  height(): number {
    return this.watch.height;
  }

  getBlockByNumber(blockNumber: number): Promise<Block> {
    return this.ledger.getBlockByNumber(blockNumber);
  }

  waitForBlock(blockNumber: number, signal: AbortSignal): Promise<void> {
    return this.watch.waitForBlock(blockNumber, signal);
  }
}
