import { errorMessage } from '../common/errors/weft-error.js';
import { FilteredBlock, FilteredChaincodeAction, FilteredTransaction, FilteredTransactionActions } from '../common/protos/deliver.js';
import { ChaincodeEvent } from '../common/protos/peer.js';
import { common, peer, type Block } from '../ledger/protos.js';
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

function filteredTransaction(bytes: Uint8Array, code: number): { channelId: string; filtered: FilteredTransaction } | undefined {
  let payload: InstanceType<typeof common.Payload>;
  try {
    payload = common.Payload.deserializeBinary(common.Envelope.deserializeBinary(bytes).getPayload_asU8());
  } catch {
    return undefined;
  }
  const header = payload.getHeader();
  if (header === undefined) return undefined;
  const channelHeader = read('channel header', () => common.ChannelHeader.deserializeBinary(header.getChannelHeader_asU8()));
  const filtered = new FilteredTransaction();
  filtered.setTxid(channelHeader.getTxId());
  filtered.setType(channelHeader.getType() as ReturnType<FilteredTransaction['getType']>);
  filtered.setTxValidationCode(code as ReturnType<FilteredTransaction['getTxValidationCode']>);
  if (channelHeader.getType() === common.HeaderType.ENDORSER_TRANSACTION) {
    const tx = read('transaction payload', () => peer.Transaction.deserializeBinary(payload.getData_asU8()));
    filtered.setTransactionActions(filteredActions(tx));
  }
  return { channelId: channelHeader.getChannelId(), filtered };
}

function filteredActions(tx: InstanceType<typeof peer.Transaction>): InstanceType<typeof FilteredTransactionActions> {
  const actions = new FilteredTransactionActions();
  for (const action of tx.getActionsList()) {
    const actionPayload = read('transaction action payload', () => peer.ChaincodeActionPayload.deserializeBinary(action.getPayload_asU8()));
    const endorsed = actionPayload.getAction();
    if (endorsed === undefined) continue;
    const event = read('chaincode event', () => {
      const responsePayload = peer.ProposalResponsePayload.deserializeBinary(endorsed.getProposalResponsePayload_asU8());
      const chaincodeAction = peer.ChaincodeAction.deserializeBinary(responsePayload.getExtension_asU8());
      return ChaincodeEvent.deserializeBinary(chaincodeAction.getEvents_asU8());
    });
    if (event.getChaincodeId() === '') continue;
    // The payload stays out: filtered blocks are for clients that may not see the data.
    const stripped = new ChaincodeEvent();
    stripped.setTxId(event.getTxId());
    stripped.setChaincodeId(event.getChaincodeId());
    stripped.setEventName(event.getEventName());
    const filteredAction = new FilteredChaincodeAction();
    filteredAction.setChaincodeEvent(stripped);
    actions.addChaincodeActions(filteredAction);
  }
  return actions;
}

function read<T>(part: string, decode: () => T): T {
  try {
    return decode();
  } catch (err) {
    throw new DeliverError('BAD_REQUEST', `error unmarshalling the ${part} for a filtered block: ${errorMessage(err)}`, { cause: err });
  }
}
