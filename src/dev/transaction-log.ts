import type { FilteredBlock } from '../common/protos/deliver.js';
import { validationCodeName } from '../common/protos/orderer.js';
import { failureLine } from './dev-error.js';
import type { RunnerTransaction } from './runner-protocol.js';

const SHORT_TXID = 8;
// Transactions the chaincode ran, kept until their block comes (or, for evaluations, forgotten).
const REMEMBERED = 1_000;
const SUCCESS_LIMIT = 400;

/**
 * weft dev's account of the chaincode's work: each call as the chaincode answered it (function,
 * arguments, status, payload or error), and each of its transactions as the peer committed it
 * (validation code, block, chaincode event).
 */
export class TransactionLog {
  private readonly ran = new Map<string, RunnerTransaction>();

  constructor(private readonly print: (line: string) => void) {}

  /** A call the chaincode answered (or threw from). */
  executed(tx: RunnerTransaction): void {
    this.ran.set(tx.txid, tx);
    if (this.ran.size > REMEMBERED) this.ran.delete(this.ran.keys().next().value ?? '');
    const call = `${tx.kind} ${tx.fcn}(${tx.args.map((arg) => JSON.stringify(arg)).join(', ')})`;
    const where = `${tx.ms.toFixed(1)} ms, tx ${tx.txid.slice(0, SHORT_TXID)}`;
    if (tx.thrown !== undefined) {
      this.print(`${call} threw ${failureLine(tx.thrown)} (${where})`);
      return;
    }
    const status = tx.status ?? 0;
    const answer = status < SUCCESS_LIMIT ? tx.payload : tx.message ?? '';
    this.print(`${call} -> ${status}${answer === '' ? '' : ` ${answer}`} (${where})`);
  }

  /** A committed block: the chaincode's transactions in it, with their validation codes and events. */
  committed(block: FilteredBlock): void {
    for (const filtered of block.getFilteredTransactionsList()) {
      const txid = filtered.getTxid();
      const ran = this.ran.get(txid);
      if (ran === undefined) continue;
      this.ran.delete(txid);
      const events = filtered
        .getTransactionActions()
        ?.getChaincodeActionsList()
        .map((action) => action.getChaincodeEvent()?.getEventName() ?? '')
        .filter((name) => name !== '');
      const code = validationCodeName(filtered.getTxValidationCode());
      const event = events === undefined || events.length === 0 ? '' : `, event ${events.join(', ')}${ran.event?.payload === undefined || ran.event.payload === '' ? '' : ` ${ran.event.payload}`}`;
      this.print(`commit ${txid.slice(0, SHORT_TXID)} ${code} in block ${block.getNumber()}${event}`);
    }
  }
}
