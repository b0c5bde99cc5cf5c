import { errorMessage } from '../common/errors/weft-error.js';
import { ChaincodeEventsResponse } from '../common/protos/gateway.js';
import { ChaincodeEvent } from '../common/protos/peer.js';
import { repeatedBytesField } from '../common/protos/proto-wire.js';
import type { ChainReader } from '../deliver/chain-reader.js';
import { common, peer, type Block } from '../ledger/protos.js';
import { chaincodeEventOfAction, envelopeHeaderOf } from '../ledger/tx-envelope.js';
import { GatewayError } from './gateway-error.js';

const TRANSACTIONS_FILTER = common.BlockMetadataIndex.TRANSACTIONS_FILTER;
const VALID = peer.TxValidationCode.VALID;

export interface ChaincodeEventsQuery {
  chaincodeId: string;
  startBlock: number;
  /** Events of the start block up to and including this transaction's are skipped (a checkpoint). */
  afterTxId: string | undefined;
}

/**
 * Streams the chaincode's events block by block from `startBlock`, waiting for each block to be
 * committed; only blocks with a matching event are sent. Runs until `signal` aborts (the client
 * cancelled) or `send` fails; the stream never ends on its own, as Fabric's.
 */
export async function streamChaincodeEvents(
  chain: ChainReader,
  query: ChaincodeEventsQuery,
  send: (response: InstanceType<typeof ChaincodeEventsResponse>) => Promise<void>,
  signal: AbortSignal,
): Promise<void> {
  let skipUntilPast = query.afterTxId;
  for (let number = query.startBlock; !signal.aborted; number++) {
    await chain.waitForBlock(number, signal);
    let block: Block;
    try {
      block = await chain.getBlockByNumber(number);
    } catch (err) {
      throw new GatewayError('ABORTED', `reading block ${number} failed: ${errorMessage(err)}`, [], { cause: err });
    }
    const events: InstanceType<typeof ChaincodeEvent>[] = [];
    for (const { txId, event } of validTransactionEvents(block)) {
      if (skipUntilPast !== undefined) {
        if (txId === skipUntilPast) skipUntilPast = undefined;
        continue;
      }
      if (event?.getChaincodeId() === query.chaincodeId) events.push(event);
    }
    // The checkpointed transaction is in the start block only.
    skipUntilPast = undefined;
    if (events.length === 0) continue;
    const response = new ChaincodeEventsResponse();
    response.setBlockNumber(number);
    response.setEventsList(events);
    await send(response);
  }
}

/** Each valid endorser transaction of the block, with its chaincode event when it set one. */
export function* validTransactionEvents(block: Block): Generator<{ txId: string; event: InstanceType<typeof ChaincodeEvent> | undefined }> {
  const flags = block.getMetadata()?.getMetadataList_asU8()[TRANSACTIONS_FILTER] ?? new Uint8Array(0);
  const entries = block.getData()?.getDataList_asU8() ?? [];
  for (const [index, bytes] of entries.entries()) {
    if (flags[index] !== VALID) continue;
    const found = transactionEvent(bytes);
    if (found !== undefined) yield found;
  }
}

function transactionEvent(bytes: Uint8Array): { txId: string; event: InstanceType<typeof ChaincodeEvent> | undefined } | undefined {
  try {
    const header = envelopeHeaderOf(bytes);
    if (header === undefined) return undefined;
    const { txId } = header;
    if (header.type !== common.HeaderType.ENDORSER_TRANSACTION) return { txId, event: undefined };
    // Transaction.actions (field 1): the first one's event.
    const action = repeatedBytesField(header.data, 1)[0];
    const eventBytes = action === undefined ? undefined : chaincodeEventOfAction(action);
    return { txId, event: eventBytes === undefined || eventBytes.length === 0 ? undefined : ChaincodeEvent.deserializeBinary(eventBytes) };
  } catch {
    // A valid transaction decodes; one that does not has no event to give.
    return undefined;
  }
}
