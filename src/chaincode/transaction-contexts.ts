import type { SignedProposal } from '../common/protos/proposal.js';
import type { ChaincodeMessage } from '../common/protos/peer.js';
import { ChaincodeError } from './chaincode-error.js';
import type { StateHistoryExecutor, StateQueryExecutor, StateSimulator, TransactionParams, WriteBudget } from './chaincode-context.js';
import type { QueryIterators } from './query-iterators.js';

/** One transaction in flight on a handler: where its state calls go, and who waits for its end. */
export interface TransactionContext {
  readonly channelId: string;
  readonly txId: string;
  /** The chaincode namespace its state calls read and write. */
  readonly namespaceId: string;
  /** A query executor without writes makes the transaction read-only. */
  readonly txSimulator: StateSimulator | StateQueryExecutor | undefined;
  readonly historyQueryExecutor: StateHistoryExecutor | undefined;
  /** The client's proposal, passed on to chaincodes this one calls. */
  readonly signedProposal: SignedProposal | undefined;
  /** An Init (INIT message): private data may not be used in it. */
  readonly isInitTransaction: boolean;
  /** What it has written so far, shared with the chaincodes it calls on its channel. */
  readonly writeBudget: WriteBudget;
  /** Its open range and history queries; made at the first one (most transactions have none). */
  queries: QueryIterators | undefined;
  /** Set when execute returns: open queries are closed and no more are taken. */
  ended: boolean;
  /** Settles the waiting execute with the chaincode's COMPLETED or ERROR message. */
  readonly notify: (msg: ChaincodeMessage) => void;
  /** Fails the waiting execute. */
  readonly fail: (err: Error) => void;
  /** Settles with the chaincode's answer, or fails when the execute timeout runs out first. */
  readonly response: Promise<ChaincodeMessage>;
  /** Stops the execute timer. */
  readonly clearTimer: () => void;
}

/**
 * The transactions in flight on one handler, by channel, then txid: two lookups rather than one of
 * a joined key, which each of a transaction's messages would build and hash anew.
 */
export class TransactionContexts {
  private readonly byChannel = new Map<string, Map<string, TransactionContext>>();
  private count = 0;

  create(txParams: TransactionParams, namespaceId: string, timeoutMs: number, isInitTransaction = false): TransactionContext {
    const { channelId, txId } = txParams;
    let contexts = this.byChannel.get(channelId);
    if (contexts === undefined) {
      contexts = new Map();
      this.byChannel.set(channelId, contexts);
    }
    if (contexts.has(txId)) {
      throw new ChaincodeError('DUPLICATE_TXID', `txid: ${txId}(${channelId}) exists`);
    }
    let notify!: (msg: ChaincodeMessage) => void;
    let fail!: (err: Error) => void;
    // One promise and one timer per transaction: this is the hot path.
    const response = new Promise<ChaincodeMessage>((resolve, reject) => {
      notify = resolve;
      fail = reject;
    });
    const timer = setTimeout(() => fail(new ChaincodeError('EXECUTE_TIMEOUT', 'timeout expired while executing transaction')), timeoutMs);
    const ctx: TransactionContext = {
      channelId,
      txId,
      namespaceId,
      txSimulator: txParams.txSimulator,
      historyQueryExecutor: txParams.historyQueryExecutor,
      signedProposal: txParams.signedProposal,
      isInitTransaction,
      writeBudget: txParams.writeBudget ?? { bytes: 0, exceeded: undefined },
      queries: undefined,
      ended: false,
      notify,
      fail,
      response,
      clearTimer: () => clearTimeout(timer),
    };
    contexts.set(txId, ctx);
    this.count++;
    return ctx;
  }

  get(channelId: string, txId: string): TransactionContext | undefined {
    return this.byChannel.get(channelId)?.get(txId);
  }

  delete(channelId: string, txId: string): void {
    const contexts = this.byChannel.get(channelId);
    if (contexts?.delete(txId) !== true) return;
    this.count--;
    // A channel's map goes with its last transaction: channels come and go on a long-lived handler.
    if (contexts.size === 0) this.byChannel.delete(channelId);
  }

  /** Fails every transaction in flight, when the chaincode is gone. */
  failAll(err: Error): void {
    for (const contexts of this.byChannel.values()) for (const ctx of contexts.values()) ctx.fail(err);
    this.byChannel.clear();
    this.count = 0;
  }

  get size(): number {
    return this.count;
  }
}
