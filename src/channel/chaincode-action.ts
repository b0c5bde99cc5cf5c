import { errorMessage } from '../common/errors/weft-error.js';
import { TxValidationCode } from '../common/protos/orderer.js';
import { ChaincodeEvent } from '../common/protos/peer.js';
import { ChaincodeAction, ChaincodeHeaderExtension } from '../common/protos/proposal.js';
import { fromTxReadWriteSetBytes, type ParsedNamespaceRwSet } from '../ledger/rwset-codec.js';
import type { CheckedEndorserTx, Refusal } from './envelope-checks.js';

/** What an endorser transaction did: the chaincode it invoked, and the namespaces it writes. */
export interface ChaincodeActionSummary {
  readonly chaincodeName: string;
  readonly chaincodeVersion: string;
  readonly namespaces: readonly ParsedNamespaceRwSet[];
  /** The namespaces the transaction writes (public, private hashes or metadata), the invoked chaincode's first. */
  readonly written: readonly string[];
}

const codes = TxValidationCode;

/**
 * The first checks of Fabric's plugin dispatcher (txvalidator/v20/plugindispatcher): the header
 * extension names the chaincode (BAD_HEADER_EXTENSION), the action and its read-write set decode
 * (BAD_RESPONSE_PAYLOAD, BAD_RWSET), name and version are consistent (INVALID_CHAINCODE), its
 * event is the chaincode's own and no namespace appears twice (INVALID_OTHER_REASON, ILLEGAL_WRITESET).
 */
export function summarizeAction(tx: CheckedEndorserTx): ChaincodeActionSummary | Refusal {
  const { txId } = tx;
  let extensionName: string | undefined;
  try {
    extensionName = ChaincodeHeaderExtension.deserializeBinary(tx.channelHeaderExtension).getChaincodeId()?.getName();
  } catch (err) {
    return { code: codes.BAD_HEADER_EXTENSION, reason: errorMessage(err), txId };
  }
  let action: InstanceType<typeof ChaincodeAction>;
  try {
    action = ChaincodeAction.deserializeBinary(tx.chaincodeAction);
  } catch (err) {
    return { code: codes.BAD_RESPONSE_PAYLOAD, reason: `GetActionFromEnvelope failed: ${errorMessage(err)}`, txId };
  }
  let namespaces: ParsedNamespaceRwSet[];
  try {
    namespaces = fromTxReadWriteSetBytes(action.getResults_asU8());
  } catch (err) {
    return { code: codes.BAD_RWSET, reason: `txRWSet.FromProtoBytes failed: ${errorMessage(err)}`, txId };
  }
  if (extensionName === undefined) return { code: codes.INVALID_OTHER_REASON, reason: 'nil ChaincodeId in header extension', txId };
  const id = action.getChaincodeId();
  if (id === undefined) return { code: codes.INVALID_OTHER_REASON, reason: 'nil ChaincodeId in ChaincodeAction', txId };
  const name = extensionName;
  const version = id.getVersion();
  if (name === '') return { code: codes.INVALID_CHAINCODE, reason: 'invalid chaincode ID', txId };
  if (name !== id.getName()) return { code: codes.INVALID_CHAINCODE, reason: `inconsistent ccid info (${name}/${id.getName()})`, txId };
  if (version === '') return { code: codes.INVALID_CHAINCODE, reason: 'invalid chaincode version', txId };
  const eventProblem = eventProblemOf(action.getEvents_asU8(), name);
  if (eventProblem !== undefined) return { code: codes.INVALID_OTHER_REASON, reason: eventProblem, txId };

  const written = [name];
  const seen = new Set<string>();
  for (const ns of namespaces) {
    if (seen.has(ns.namespace)) return { code: codes.ILLEGAL_WRITESET, reason: `duplicate namespace '${ns.namespace}' in txRWSet`, txId };
    seen.add(ns.namespace);
    if (ns.namespace !== name && writes(ns)) written.push(ns.namespace);
  }
  return { chaincodeName: name, chaincodeVersion: version, namespaces, written };
}

function eventProblemOf(events: Uint8Array, chaincodeName: string): string | undefined {
  if (events.length === 0) return undefined;
  try {
    if (ChaincodeEvent.deserializeBinary(events).getChaincodeId() !== chaincodeName) {
      return 'chaincode event chaincode id does not match chaincode action chaincode id';
    }
  } catch (err) {
    return `invalid chaincode event: ${errorMessage(err)}`;
  }
  return undefined;
}

/** Does the transaction write to this namespace: keys, private data hashes, or metadata? */
function writes(ns: ParsedNamespaceRwSet): boolean {
  return ns.writes.length > 0 || ns.metadataWrites.length > 0 || ns.collectionHashes.some((c) => c.writes.length > 0 || c.metadataWrites.length > 0);
}
