import type { Block } from '../../src/common/protos/common.js';
import type { ChainReader } from '../../src/deliver/chain-reader.js';
import { HeightWatch } from '../../src/deliver/height-watch.js';
import { createGenesisBlock, hashOfBlock, newBlock } from '../../src/ledger/index.js';

/** A chain of blocks in memory, as an orderer's block store would serve them. */
export class MemoryChain implements ChainReader {
  private readonly blocks: Block[];
  private readonly watch: HeightWatch;

  constructor(readonly channelId: string) {
    this.blocks = [createGenesisBlock(channelId)];
    this.watch = new HeightWatch(1);
  }

  get waiting(): number {
    return this.watch.waiting;
  }

  /** Appends `count` blocks (one empty-ish envelope each); returns the new height. */
  append(count = 1): number {
    for (let i = 0; i < count; i++) {
      const previous = this.blocks[this.blocks.length - 1];
      const previousHash = previous === undefined ? new Uint8Array(0) : hashOfBlock(previous);
      this.blocks.push(newBlock({ number: this.blocks.length, previousHash, envelopes: [Buffer.from(`tx ${this.blocks.length}`)] }));
    }
    this.watch.advance(this.blocks.length);
    return this.blocks.length;
  }

  height(): number {
    return this.blocks.length;
  }

  async getBlockByNumber(blockNumber: number): Promise<Block> {
    const block = this.blocks[blockNumber];
    if (block === undefined) throw new Error(`no block ${blockNumber}`);
    return block;
  }

  waitForBlock(blockNumber: number, signal: AbortSignal): Promise<void> {
    return this.watch.waitForBlock(blockNumber, signal);
  }
}
