import { ClientError } from '../src/client/client-error.js';
import type { CommitStatus } from '../src/client/commit-waiter.js';
import type { DeliverClient } from '../src/client/deliver-client.js';
import type { FilteredBlock } from '../src/common/protos/deliver.js';
import { validationCodeName } from '../src/common/protos/orderer.js';

interface Waiter {
  resolve: (status: CommitStatus) => void;
  reject: (err: Error) => void;
}

/**
 * One DeliverFiltered stream for many transactions in flight: CommitWaiter's one stream per
 * transaction would cost the peer a stream, a seek check and a filtered block per transaction per
 * block, and measure that instead of commits. A transaction is watched before it is broadcast, so
 * its block cannot come before its waiter.
 */
export class CommitWatch {
  private readonly waiters = new Map<string, Waiter>();
  private readonly abort = new AbortController();
  private failure: Error | undefined;
  private newest = -1;

  private constructor(private readonly channelId: string) {}

  /** Opens the stream and resolves once the peer has sent its newest block. */
  static async open(client: DeliverClient, channelId: string): Promise<CommitWatch> {
    const watch = new CommitWatch(channelId);
    const blocks = client.filteredBlocks({ channelId, start: 'newest' }, watch.abort.signal)[Symbol.asyncIterator]();
    const first = await blocks.next();
    if (first.done === true) throw new ClientError('CALL_FAILED', `deliver on channel ${channelId} ended before its newest block came`);
    watch.newest = first.value.getNumber();
    void watch.follow(blocks);
    return watch;
  }

  /** The number of the newest block seen. */
  get height(): number {
    return this.newest + 1;
  }

  /** The commit of `txId`, in a block to come. */
  watch(txId: string): Promise<CommitStatus> {
    if (this.failure !== undefined) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => this.waiters.set(txId, { resolve, reject }));
  }

  close(): void {
    this.abort.abort(new ClientError('CALL_FAILED', 'the commit watch was closed'));
  }

  private async follow(blocks: AsyncIterator<FilteredBlock, void, undefined>): Promise<void> {
    try {
      for (let next = await blocks.next(); next.done !== true; next = await blocks.next()) {
        const block = next.value;
        this.newest = block.getNumber();
        for (const tx of block.getFilteredTransactionsList()) {
          const waiter = this.waiters.get(tx.getTxid());
          if (waiter === undefined) continue;
          this.waiters.delete(tx.getTxid());
          const validationCode = tx.getTxValidationCode();
          waiter.resolve({ blockNumber: block.getNumber(), validationCode, validationCodeName: validationCodeName(validationCode) });
        }
      }
      this.fail(new ClientError('CALL_FAILED', `deliver on channel ${this.channelId} ended`));
    } catch (err) {
      this.fail(err);
    }
  }

  private fail(err: unknown): void {
    const failure = err instanceof Error ? err : new ClientError('CALL_FAILED', `deliver on channel ${this.channelId} failed: ${String(err)}`);
    this.failure = failure;
    for (const waiter of this.waiters.values()) waiter.reject(failure);
    this.waiters.clear();
  }
}
