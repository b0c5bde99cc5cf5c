import { createHash, randomBytes } from 'node:crypto';
import type { TxSimulationResults } from './ledger.js';
import { common, peer, Timestamp, type Envelope, type ProtoTimestamp } from './protos.js';
import { bytesField, forEachField, repeatedBytesField, utf8, WireFields } from '../common/protos/proto-wire.js';

export interface EndorserTxEnvelopeOptions {
  channelId: string;
  txId: string;
  /** The simulation results: the `results` of the ChaincodeAction. */
  results: TxSimulationResults | Uint8Array;
  chaincodeName: string;
  chaincodeVersion?: string;
  /** The channel header timestamp, which history queries report; now when absent. */
  timestamp?: Date;
  /** Serialized identity of the submitter (a `msp.SerializedIdentity`); empty when absent. */
  creator?: Uint8Array;
  /** The chaincode response status and payload the endorser saw. */
  response?: { status: number; message?: string; payload?: Uint8Array };
  /** The chaincode event the transaction sets: a serialized `peer.ChaincodeEvent`. */
  events?: Uint8Array;
}

/**
 * Builds an unsigned endorser transaction envelope in Fabric's nesting: Envelope > Payload
 * (ENDORSER_TRANSACTION header) > Transaction > TransactionAction > ChaincodeActionPayload >
 * ChaincodeEndorsedAction > ProposalResponsePayload > ChaincodeAction carrying the rwset. There are
 * no endorsements or signatures; the ledger does not check them.
 */
export function createEndorserTxEnvelope(opts: EndorserTxEnvelopeOptions): Envelope {
  const chaincodeId = new peer.ChaincodeID();
  chaincodeId.setName(opts.chaincodeName);
  chaincodeId.setVersion(opts.chaincodeVersion ?? '');

  const extension = new peer.ChaincodeHeaderExtension();
  extension.setChaincodeId(chaincodeId);
  const channelHeader = new common.ChannelHeader();
  channelHeader.setType(common.HeaderType.ENDORSER_TRANSACTION);
  channelHeader.setChannelId(opts.channelId);
  channelHeader.setTxId(opts.txId);
  channelHeader.setTimestamp(toTimestamp(opts.timestamp ?? new Date()));
  channelHeader.setExtension$(extension.serializeBinary());

  const signatureHeader = new common.SignatureHeader();
  signatureHeader.setCreator(opts.creator ?? new Uint8Array(0));
  signatureHeader.setNonce(randomBytes(24));
  const signatureHeaderBytes = signatureHeader.serializeBinary();

  const response = new peer.Response();
  response.setStatus(opts.response?.status ?? 200);
  response.setMessage(opts.response?.message ?? '');
  response.setPayload(opts.response?.payload ?? new Uint8Array(0));
  const chaincodeAction = new peer.ChaincodeAction();
  chaincodeAction.setResults(opts.results instanceof Uint8Array ? opts.results : opts.results.pubSimulationBytes);
  chaincodeAction.setResponse(response);
  chaincodeAction.setChaincodeId(chaincodeId);
  if (opts.events !== undefined) chaincodeAction.setEvents(opts.events);

  const header = new common.Header();
  header.setChannelHeader(channelHeader.serializeBinary());
  header.setSignatureHeader(signatureHeaderBytes);

  const proposalPayload = new peer.ChaincodeProposalPayload();
  const proposalPayloadBytes = proposalPayload.serializeBinary();
  const proposalResponsePayload = new peer.ProposalResponsePayload();
  proposalResponsePayload.setProposalHash(
    createHash('sha256').update(header.getChannelHeader_asU8()).update(signatureHeaderBytes).update(proposalPayloadBytes).digest(),
  );
  proposalResponsePayload.setExtension$(chaincodeAction.serializeBinary());

  const endorsedAction = new peer.ChaincodeEndorsedAction();
  endorsedAction.setProposalResponsePayload(proposalResponsePayload.serializeBinary());
  const actionPayload = new peer.ChaincodeActionPayload();
  actionPayload.setChaincodeProposalPayload(proposalPayloadBytes);
  actionPayload.setAction(endorsedAction);
  const action = new peer.TransactionAction();
  action.setHeader(signatureHeaderBytes);
  action.setPayload(actionPayload.serializeBinary());
  const transaction = new peer.Transaction();
  transaction.setActionsList([action]);

  const payload = new common.Payload();
  payload.setHeader(header);
  payload.setData(transaction.serializeBinary());
  const envelope = new common.Envelope();
  envelope.setPayload(payload.serializeBinary());
  return envelope;
}

export function toTimestamp(date: Date): ProtoTimestamp {
  const ts = new Timestamp();
  const ms = date.getTime();
  ts.setSeconds(Math.floor(ms / 1000));
  ts.setNanos((ms % 1000) * 1_000_000);
  return ts;
}

/** What the committer needs from one transaction of a block. */
export interface ParsedTransaction {
  txId: string;
  headerType: number;
  timestamp: { seconds: number; nanos: number } | undefined;
  /** The serialized TxReadWriteSet of an endorser transaction. */
  rwsetBytes: Uint8Array | undefined;
  /** TxValidationCode; VALID (0) when the envelope is well formed. */
  code: number;
  /** The ChaincodeID of an endorser transaction's chaincode action, serialized (a view, not a copy). */
  chaincodeId?: Uint8Array | undefined;
}

/**
 * Unpacks an envelope down to its read-write set. A malformed transaction is not an error of the
 * block: it gets an invalid code, as Fabric's validator gives it, and the block still commits.
 * Reads the wire format directly (see proto-wire.ts): this runs for every transaction committed.
 */
export function parseTransaction(envelopeBytes: Uint8Array, channelId: string): ParsedTransaction {
  const codes = peer.TxValidationCode;
  const result: ParsedTransaction = { txId: '', headerType: -1, timestamp: undefined, rwsetBytes: undefined, code: codes.VALID };
  if (envelopeBytes.length === 0) return { ...result, code: codes.NIL_ENVELOPE };
  let data: Uint8Array | undefined;
  let chChannelId = '';
  try {
    const payload = bytesField(envelopeBytes, 1);
    if (payload === undefined) return { ...result, code: codes.BAD_PAYLOAD };
    let header: Uint8Array | undefined;
    forEachField(payload, (field, _v, bytes) => {
      if (field === 1) header = bytes;
      else if (field === 2) data = bytes;
    });
    const channelHeader = header === undefined ? undefined : bytesField(header, 1);
    if (channelHeader === undefined) return { ...result, code: codes.BAD_COMMON_HEADER };
    let type = 0;
    forEachField(channelHeader, (field, value, bytes) => {
      if (field === 1) type = value;
      else if (field === 3 && bytes !== undefined) result.timestamp = readTimestamp(bytes);
      else if (field === 4) chChannelId = utf8(bytes);
      else if (field === 5) result.txId = utf8(bytes);
    });
    result.headerType = type;
  } catch {
    return { ...result, code: codes.BAD_PAYLOAD };
  }
  if (chChannelId !== channelId) return { ...result, code: codes.TARGET_CHAIN_NOT_FOUND };
  if (result.headerType === common.HeaderType.CONFIG) return result;
  if (result.headerType !== common.HeaderType.ENDORSER_TRANSACTION) return { ...result, code: codes.UNKNOWN_TX_TYPE };
  if (result.txId === '') return { ...result, code: codes.BAD_PROPOSAL_TXID };
  const action = chaincodeActionOf(data);
  if (typeof action === 'number') return { ...result, code: action };
  result.rwsetBytes = bytesField(action, 1) ?? new Uint8Array(0);
  result.chaincodeId = bytesField(action, 4);
  return result;
}

/** The ChaincodeAction of a Transaction's bytes, or the TxValidationCode saying why there is none. */
function chaincodeActionOf(data: Uint8Array | undefined): Uint8Array | number {
  const codes = peer.TxValidationCode;
  try {
    // Transaction.actions[0].payload -> ChaincodeActionPayload.action ->
    // ChaincodeEndorsedAction.proposal_response_payload -> ProposalResponsePayload.extension
    const action = data === undefined ? undefined : repeatedBytesField(data, 1)[0];
    if (action === undefined) return codes.NIL_TXACTION;
    const endorsed = bytesField(bytesField(action, 2) ?? new Uint8Array(0), 2);
    if (endorsed === undefined) return codes.NIL_TXACTION;
    const responsePayload = bytesField(endorsed, 1) ?? new Uint8Array(0);
    const chaincodeAction = bytesField(responsePayload, 2) ?? new Uint8Array(0);
    // Read here, inside the try: a malformed action is caught as the results were before.
    bytesField(chaincodeAction, 1);
    bytesField(chaincodeAction, 4);
    return chaincodeAction;
  } catch {
    return codes.INVALID_ENDORSER_TRANSACTION;
  }
}

function readTimestamp(bytes: Uint8Array): { seconds: number; nanos: number } {
  const ts = { seconds: 0, nanos: 0 };
  forEachField(bytes, (field, value) => {
    if (field === 1) ts.seconds = value;
    else if (field === 2) ts.nanos = value;
  });
  return ts;
}

/** An envelope's channel header fields and payload data, read from the wire (views into it). */
export interface EnvelopeHeader {
  type: number;
  channelId: string;
  txId: string;
  /** The payload's data: a Transaction for an endorser transaction. */
  data: Uint8Array;
}

/**
 * The channel header and data of an envelope's payload; undefined when the bytes are not an
 * envelope or its payload has no header. Throws a RangeError when the channel header itself
 * cannot be walked (the envelope, payload and header messages read as Fabric's unmarshalling of
 * the envelope would: their failure is "not an envelope").
 */
export function envelopeHeaderOf(envelopeBytes: Uint8Array): EnvelopeHeader | undefined {
  let channelHeader: Uint8Array;
  let data: Uint8Array;
  try {
    // Field numbers of common.proto: Envelope.payload 1; Payload.header 1, data 2; Header.channel_header 1.
    const payload = new WireFields(new WireFields(envelopeBytes, 1).bytes(1), 2);
    const header = payload.maybeBytes(1);
    if (header === undefined) return undefined;
    channelHeader = new WireFields(header, 1).bytes(1);
    data = payload.bytes(2);
  } catch {
    return undefined;
  }
  // ChannelHeader: type 1, channel_id 4, tx_id 5.
  const fields = new WireFields(channelHeader, 5);
  return { type: fields.number(1), channelId: utf8(fields.bytes(4)), txId: utf8(fields.bytes(5)), data };
}

/**
 * The serialized ChaincodeEvent of one action of a Transaction (TransactionAction bytes): empty
 * when it set none; undefined when the action carries no endorsed action. Throws a RangeError when
 * a message on the way cannot be walked.
 */
export function chaincodeEventOfAction(action: Uint8Array): Uint8Array | undefined {
  // TransactionAction.payload 2 -> ChaincodeActionPayload.action 2 -> ChaincodeEndorsedAction.proposal_response_payload 1
  // -> ProposalResponsePayload.extension 2 -> ChaincodeAction.events 2.
  const endorsed = new WireFields(new WireFields(action, 2).bytes(2), 2).maybeBytes(2);
  if (endorsed === undefined) return undefined;
  const responsePayload = new WireFields(new WireFields(endorsed, 1).bytes(1), 2);
  return new WireFields(responsePayload.bytes(2), 2).bytes(2);
}

/** The channel id of a block's first transaction (a config block's channel). */
export function channelIdOfEnvelope(envelopeBytes: Uint8Array): { channelId: string; headerType: number } {
  const payload = common.Payload.deserializeBinary(common.Envelope.deserializeBinary(envelopeBytes).getPayload_asU8());
  const header = payload.getHeader();
  if (header === undefined) throw new RangeError('envelope payload has no header');
  const channelHeader = common.ChannelHeader.deserializeBinary(header.getChannelHeader_asU8());
  return { channelId: channelHeader.getChannelId(), headerType: channelHeader.getType() };
}

/** `name:version` of a transaction's chaincode, or Fabric's "unknown" when it has none. */
export function chaincodeLabelOf(tx: ParsedTransaction): string {
  if (tx.chaincodeId === undefined) return 'unknown';
  let name = '';
  let version = '';
  try {
    forEachField(tx.chaincodeId, (field, _v, bytes) => {
      if (field === 2) name = utf8(bytes);
      else if (field === 3) version = utf8(bytes);
    });
  } catch {
    return 'unknown';
  }
  return `${name}:${version}`;
}
