import { errorMessage } from '../common/errors/weft-error.js';
import { FilteredBlock, FilteredChaincodeAction, FilteredTransaction, FilteredTransactionActions } from '../common/protos/deliver.js';
import { ChaincodeEvent } from '../common/protos/peer.js';
import { repeatedBytesField, utf8, WireFields } from '../common/protos/proto-wire.js';
import { common, peer, type Block } from '../ledger/protos.js';
import { chaincodeEventOfAction, envelopeHeaderOf } from '../ledger/tx-envelope.js';
import { DeliverError } from './deliver-error.js';

const TRANSACTIONS_FILTER = common.BlockMetadataIndex.TRANSACTIONS_FILTER;

/**
 * The filtered form of a block that DeliverFiltered sends (Fabric's toFilteredBlock): per
 * transaction its id, header type and validation code, and the chaincode events of endorser
 * transactions without their payloads. An entry that is not an envelope is left out; a
 * transaction whose contents cannot be read is a BAD_REQUEST, as in Fabric.
 */
export function toFilteredBlock(block: Block): FilteredBlock {
  const filtered = new FilteredBlock();
  filtered.setNumber(block.getHeader()?.getNumber() ?? 0);
  const flags = block.getMetadata()?.getMetadataList_asU8()[TRANSACTIONS_FILTER] ?? new Uint8Array(0);
  block
    .getData()
    ?.getDataList_asU8()
    .forEach((bytes, txIndex) => {
      const tx = filteredTransaction(bytes, flags[txIndex] ?? peer.TxValidationCode.NOT_VALIDATED);
      if (tx === undefined) return;
      filtered.setChannelId(tx.channelId);
      filtered.addFilteredTransactions(tx.filtered);
    });
  return filtered;
}

/**
 * One transaction's entry, read from the wire as views into the block: every transaction of every
 * block a DeliverFiltered stream sends passes here, and building its nine nested messages as
 * objects cost more than reading the few fields a filtered block keeps.
 */
function filteredTransaction(bytes: Uint8Array, code: number): { channelId: string; filtered: FilteredTransaction } | undefined {
  const header = read('channel header', () => envelopeHeaderOf(bytes));
  if (header === undefined) return undefined;
  const filtered = new FilteredTransaction();
  filtered.setTxid(header.txId);
  filtered.setType(header.type as ReturnType<FilteredTransaction['getType']>);
  filtered.setTxValidationCode(code as ReturnType<FilteredTransaction['getTxValidationCode']>);
  if (header.type === common.HeaderType.ENDORSER_TRANSACTION) {
    // Transaction.actions: field 1.
    const actions = read('transaction payload', () => repeatedBytesField(header.data, 1));
    filtered.setTransactionActions(filteredActions(actions));
  }
  return { channelId: header.channelId, filtered };
}

function filteredActions(actions: readonly Uint8Array[]): InstanceType<typeof FilteredTransactionActions> {
  const filtered = new FilteredTransactionActions();
  for (const action of actions) {
    // ChaincodeEvent: chaincode_id 1, tx_id 2, event_name 3 (payload 4 stays out: filtered blocks
    // are for clients that may not see the data).
    const event = read('chaincode event', () => {
      const bytes = chaincodeEventOfAction(action);
      return bytes === undefined ? undefined : new WireFields(bytes, 3);
    });
    if (event === undefined) continue;
    const chaincodeId = utf8(event.bytes(1));
    if (chaincodeId === '') continue;
    const stripped = new ChaincodeEvent();
    stripped.setTxId(utf8(event.bytes(2)));
    stripped.setChaincodeId(chaincodeId);
    stripped.setEventName(utf8(event.bytes(3)));
    const filteredAction = new FilteredChaincodeAction();
    filteredAction.setChaincodeEvent(stripped);
    filtered.addChaincodeActions(filteredAction);
  }
  return filtered;
}

function read<T>(part: string, decode: () => T): T {
  try {
    return decode();
  } catch (err) {
    throw new DeliverError('BAD_REQUEST', `error unmarshalling the ${part} for a filtered block: ${errorMessage(err)}`, { cause: err });
  }
}
