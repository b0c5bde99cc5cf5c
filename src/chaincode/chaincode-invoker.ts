import type { SignedProposal } from '../common/protos/proposal.js';
import type { ChaincodeInput, ChaincodeMessage } from '../common/protos/peer.js';
import type { StateHistoryExecutor, StateQueryExecutor, StateSimulator, WriteBudget } from './chaincode-context.js';

/** The chaincode a cc2cc call targets: its name, and the channel it runs on. */
export interface ChaincodeTarget {
  name: string;
  channelId: string;
}

/** The calling transaction of a cc2cc call. */
export interface CallerTransaction {
  txId: string;
  channelId: string;
  txSimulator: StateSimulator | StateQueryExecutor | undefined;
  historyQueryExecutor?: StateHistoryExecutor | undefined;
  /** The client's proposal: the callee sees the same creator and transient data, as in Fabric. */
  signedProposal?: SignedProposal | undefined;
  /** The caller's write budget: a callee on the same channel writes into the caller's simulator. */
  writeBudget?: WriteBudget | undefined;
}

/**
 * How the handler runs INVOKE_CHAINCODE (Fabric's chaincode.Invoker). It resolves with the callee's
 * COMPLETED or ERROR message, which goes back to the caller as it is; it rejects only when the
 * callee could not be run at all. As in Fabric, a callee on the caller's channel runs with the
 * caller's simulator (its writes join the caller's read-write set); on another channel it runs
 * read-only, on a fresh query executor of that channel's ledger. The composition root provides it.
 */
export interface ChaincodeInvoker {
  invoke(target: ChaincodeTarget, input: ChaincodeInput, callerTx: CallerTransaction): Promise<ChaincodeMessage>;
}

/** Which calls to system chaincodes chaincode may not make (the SCC provider knows). */
export interface SystemChaincodeInfo {
  /**
   * Why chaincode `caller` may not call system chaincode `name` with `args`, in Fabric's words;
   * undefined when it may, or when `name` is no system chaincode.
   */
  cc2ccRefusal(name: string, args: readonly Uint8Array[], caller: string): string | undefined;
  /** Whether `name` is a system chaincode's (built-in or plugin): no chaincode may register as one. */
  isSysCC?(name: string): boolean;
}
