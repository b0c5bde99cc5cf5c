import type { FilteredBlock } from '../common/protos/deliver.js';
import { validationCodeName } from '../common/protos/orderer.js';
import { ClientError } from './client-error.js';
import type { DeliverClient } from './deliver-client.js';

/** Where and how a transaction was committed. */
export interface CommitStatus {
  blockNumber: number;
  validationCode: number;
  /** Fabric's name of the code: VALID, MVCC_READ_CONFLICT, ENDORSEMENT_POLICY_FAILURE, ... */
  validationCodeName: string;
}

/**
 * Watches a peer's DeliverFiltered for a transaction's commit, as `peer chaincode invoke
 * --waitForEvent` does. It is opened before the transaction is broadcast and is ready once the
 * peer has sent its newest block: every block after that is seen, so a commit that follows the
 * broadcast cannot be missed however fast it comes.
 */
export class CommitWaiter {
  private constructor(
    private readonly blocks: AsyncIterator<FilteredBlock, void, undefined>,
    private readonly channelId: string,
    private readonly abort: AbortController,
    private readonly timeoutMs: number,
  ) {}

  /** Opens the stream on `channelId` and resolves once the peer's newest block has come. */
  static async open(client: DeliverClient, opts: { channelId: string; timeoutMs: number }): Promise<CommitWaiter> {
    const abort = new AbortController();
    const blocks = client.filteredBlocks({ channelId: opts.channelId, start: 'newest' }, abort.signal)[Symbol.asyncIterator]();
    const waiter = new CommitWaiter(blocks, opts.channelId, abort, opts.timeoutMs);
    const first = await waiter.within(blocks.next(), 'the peer to send its newest block');
    if (first.done === true) throw new ClientError('CALL_FAILED', `deliver on channel ${opts.channelId} ended before its newest block came`);
    return waiter;
  }

  /** The commit of `txId`, in a block after the newest one at open; the stream is closed when it resolves. */
  async wait(txId: string): Promise<CommitStatus> {
    const deadline = Date.now() + this.timeoutMs;
    try {
      for (;;) {
        const next = await this.within(this.blocks.next(), `transaction ${txId} to be committed`, deadline);
        if (next.done === true) throw new ClientError('CALL_FAILED', `deliver on channel ${this.channelId} ended before transaction ${txId} was committed`);
        const tx = next.value.getFilteredTransactionsList().find((t) => t.getTxid() === txId);
        if (tx === undefined) continue;
        const validationCode = tx.getTxValidationCode();
        return { blockNumber: next.value.getNumber(), validationCode, validationCodeName: validationCodeName(validationCode) };
      }
    } finally {
      this.close();
    }
  }

  /** Cancels the stream (when the transaction was not sent after all). */
  close(): void {
    this.abort.abort(new ClientError('CALL_FAILED', 'the commit wait was closed'));
  }

  /** `step`, unless `deadline` (a Date.now() time) comes first. */
  private async within<T>(step: Promise<T>, what: string, deadline = Date.now() + this.timeoutMs): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        reject(new ClientError('PEER_UNREACHABLE', `timed out after ${this.timeoutMs} ms waiting for ${what} on channel ${this.channelId}`));
      }, Math.max(0, deadline - Date.now()));
    });
    try {
      return await Promise.race([step, timeout]);
    } catch (err) {
      this.close();
      throw err;
    } finally {
      clearTimeout(timer);
    }
  }
}
