import { errorMessage } from '../common/errors/weft-error.js';
import { truncate } from '../common/logging/truncate.js';
import type { ChaincodeInput, ChaincodeMessage } from '../common/protos/peer.js';
import { ChaincodeError } from './chaincode-error.js';
import type { CCContext, ChaincodeContainerInfo, StateHistoryExecutor, StateQueryExecutor, TransactionParams } from './chaincode-context.js';
import type { CallerTransaction, ChaincodeInvoker, ChaincodeTarget } from './chaincode-invoker.js';

/** What the invoker needs of a channel's ledger: read-only executors for calls from other channels. */
export interface InvokerLedger {
  newQueryExecutor(): Promise<StateQueryExecutor & { done(): void }>;
  newHistoryQueryExecutor(): Promise<StateHistoryExecutor>;
}

export interface ChaincodeSupportInvokerOptions {
  /**
   * Runs a TRANSACTION and resolves with the callee's COMPLETED or ERROR (ChaincodeSupport.invoke);
   * with a container info it launches a callee that is not running first.
   */
  support: {
    invoke(txParams: TransactionParams, cccid: CCContext, input: ChaincodeInput, ccci?: ChaincodeContainerInfo): Promise<ChaincodeMessage>;
  };
  ledgers: { getLedger(channelId: string): InvokerLedger | undefined };
  /** The version the chaincode runs at on the channel: its handler is registered as `name:version`. */
  version: (name: string, channelId: string) => string;
  /**
   * How to launch a user chaincode, from its definition read through `state` (the callee's view of
   * the channel); undefined for a system chaincode, or when the peer cannot tell.
   */
  containerInfo?: (name: string, state: StateQueryExecutor, channelId: string) => Promise<ChaincodeContainerInfo | undefined>;
  /**
   * Fabric's check of a call to a user chaincode: the caller's proposal against the target
   * channel's peer/ChaincodeToChaincode ACL (its Writers by default). Throws when refused. System
   * chaincodes check their own ACLs.
   */
  checkCallAccess(target: ChaincodeTarget, signedProposal: TransactionParams['signedProposal']): void;
}

/**
 * Fabric's cc2cc rules over chaincode support: a callee on the caller's channel runs in the
 * caller's transaction, with the caller's simulator, so its reads and writes join the caller's
 * read-write set. A callee on another channel runs on a fresh query executor of that channel's
 * ledger: it may read, its writes are refused, and only its response reaches the caller.
 */
export class ChaincodeSupportInvoker implements ChaincodeInvoker {
  constructor(private readonly opts: ChaincodeSupportInvokerOptions) {}

  async invoke(target: ChaincodeTarget, input: ChaincodeInput, callerTx: CallerTransaction): Promise<ChaincodeMessage> {
    try {
      this.opts.checkCallAccess(target, callerTx.signedProposal);
    } catch (err) {
      throw new ChaincodeError('CC2CC_REFUSED', `access denied for chaincode ${truncate(target.name)} on channel ${truncate(target.channelId)}: ${errorMessage(err)}`, {
        cause: err,
      });
    }
    if (target.channelId === callerTx.channelId) {
      const txParams: TransactionParams = {
        txId: callerTx.txId,
        channelId: callerTx.channelId,
        txSimulator: callerTx.txSimulator,
        historyQueryExecutor: callerTx.historyQueryExecutor,
        signedProposal: callerTx.signedProposal,
        writeBudget: callerTx.writeBudget,
      };
      return this.run(target, txParams, input);
    }
    const ledger = this.opts.ledgers.getLedger(target.channelId);
    if (ledger === undefined) {
      throw new ChaincodeError('LEDGER_NOT_FOUND', `failed to find ledger for channel: ${truncate(target.channelId)}`);
    }
    const queryExecutor = await ledger.newQueryExecutor();
    try {
      const txParams: TransactionParams = {
        txId: callerTx.txId,
        channelId: target.channelId,
        txSimulator: queryExecutor,
        historyQueryExecutor: await ledger.newHistoryQueryExecutor(),
        signedProposal: callerTx.signedProposal,
      };
      return await this.run(target, txParams, input);
    } finally {
      queryExecutor.done();
    }
  }

  /** Runs the callee, launching it first when it has a definition and is not running. */
  private async run(target: ChaincodeTarget, txParams: TransactionParams, input: ChaincodeInput): Promise<ChaincodeMessage> {
    const state = txParams.txSimulator;
    const ccci = state === undefined ? undefined : await this.opts.containerInfo?.(target.name, state, target.channelId);
    const cccid: CCContext = { name: target.name, version: ccci?.version ?? this.opts.version(target.name, target.channelId) };
    return this.opts.support.invoke(txParams, cccid, input, ccci);
  }
}
