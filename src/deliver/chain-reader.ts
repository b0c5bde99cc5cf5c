import type { Block } from '../ledger/protos.js';
/** A channel's chain of blocks as a Deliver service serves it (the peer's ledger or the orderer's block store). */
export interface ChainReader {
  /** Number of blocks in the chain. */
  height(): number;
  getBlockByNumber(blockNumber: number): Promise<Block>;
  /** Resolves once the chain's height exceeds blockNumber; rejects with signal.reason when aborted. */
  waitForBlock(blockNumber: number, signal: AbortSignal): Promise<void>;
}
