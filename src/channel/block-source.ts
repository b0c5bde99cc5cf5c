import type { Block } from '../ledger/protos.js';

/** Where a channel's committer gets its blocks: yields blocks from `startNumber` on, in order, until the signal aborts. */
export interface BlockSource {
  blocks(startNumber: number, signal: AbortSignal): AsyncIterable<Block>;
}
