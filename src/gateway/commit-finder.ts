import { errorMessage } from '../common/errors/weft-error.js';
import type { Block } from '../common/protos/common.js';
import { envelopeHeaderOf } from '../ledger/tx-envelope.js';
import { GatewayError } from './gateway-error.js';

/** A committed transaction's outcome. */
export interface TxStatus {
  validationCode: number;
  blockNumber: number;
}

/** What the finder reads of a channel's ledger. */
export interface TxStatusLedger {
  getTxStatus(txId: string): Promise<TxStatus | undefined>;
}

interface Waiter {
  resolve(status: TxStatus): void;
}

/**
 * Answers CommitStatus: a transaction's validation code and block, from the ledger when it is
 * committed already, else as soon as the committer reports the block holding it (Fabric's
 * commit.Finder with its Notifier). Blocks are read for transaction IDs only while someone waits.
 */
export class CommitFinder {
  /** Waiters by channel, then by transaction ID. */
  private readonly waiting = new Map<string, Map<string, Set<Waiter>>>();

  constructor(private readonly ledgers: (channelId: string) => TxStatusLedger | undefined) {}

  /** The committer committed `block` with these validation codes. */
  notifyCommitted(channelId: string, block: Block, codes: readonly number[]): void {
    const waiters = this.waiting.get(channelId);
    if (waiters === undefined || waiters.size === 0) return;
    const blockNumber = block.getHeader()?.getNumber() ?? 0;
    block
      .getData()
      ?.getDataList_asU8()
      .forEach((bytes, index) => {
        const txId = txIdOf(bytes);
        const found = txId === undefined ? undefined : waiters.get(txId);
        if (found === undefined || txId === undefined) return;
        waiters.delete(txId);
        const status = { validationCode: codes[index] ?? 0, blockNumber };
        for (const waiter of found) waiter.resolve(status);
      });
  }

  /** Waits until the transaction is committed; rejects when `signal` aborts (the client went away or its deadline passed). */
  async transactionStatus(channelId: string, txId: string, signal: AbortSignal): Promise<TxStatus> {
    const ledger = this.ledgers(channelId);
    if (ledger === undefined) throw new GatewayError('NOT_FOUND', `channel not found: ${channelId}`);
    // Registered before the ledger is read, so that a commit between the two is not missed.
    let reject: (err: Error) => void = () => undefined;
    const waiter: Waiter = { resolve: () => undefined };
    const promise = new Promise<TxStatus>((resolve, rejectWait) => {
      waiter.resolve = resolve;
      reject = rejectWait;
    });
    // Observed at once: an abort while the ledger is read must not be an unhandled rejection.
    promise.catch(() => undefined);
    const forget = this.register(channelId, txId, waiter);
    const onAbort = (): void => {
      reject(new GatewayError('CANCELLED', `the wait for transaction ${txId} was cancelled`));
    };
    signal.addEventListener('abort', onAbort, { once: true });
    try {
      const committed = await ledger.getTxStatus(txId).catch((err: unknown) => {
        throw new GatewayError('ABORTED', `reading the status of transaction ${txId} failed: ${errorMessage(err)}`, [], { cause: err });
      });
      if (committed !== undefined) return committed;
      if (signal.aborted) onAbort();
      return await promise;
    } finally {
      forget();
      signal.removeEventListener('abort', onAbort);
    }
  }

  private register(channelId: string, txId: string, waiter: Waiter): () => void {
    let channel = this.waiting.get(channelId);
    if (channel === undefined) {
      channel = new Map();
      this.waiting.set(channelId, channel);
    }
    let set = channel.get(txId);
    if (set === undefined) {
      set = new Set();
      channel.set(txId, set);
    }
    set.add(waiter);
    return () => {
      const current = channel.get(txId);
      current?.delete(waiter);
      if (current?.size === 0) channel.delete(txId);
    };
  }
}

/** The transaction ID of a block entry, read from the wire; undefined for one that does not decode. */
function txIdOf(bytes: Uint8Array): string | undefined {
  try {
    return envelopeHeaderOf(bytes)?.txId;
  } catch {
    return undefined;
  }
}
