import { createHash } from 'node:crypto';
import { errorMessage } from '../common/errors/weft-error.js';
import { TxValidationCode } from '../common/protos/orderer.js';
import { HeaderType } from '../common/protos/proposal.js';
import { bytesField, forEachField, repeatedBytesField, utf8 } from '../common/protos/proto-wire.js';
import type { IdentityDeserializer } from '../msp/identity.js';

/** A transaction that passed the envelope checks, with what the later checks read. */
export type CheckedEnvelope = CheckedEndorserTx | CheckedConfigTx;

/** An endorsement as it came: the endorser's serialized identity and its signature. */
export interface EndorsementBytes {
  readonly endorser: Uint8Array;
  readonly signature: Uint8Array;
}

export interface CheckedEndorserTx {
  readonly kind: 'endorser';
  readonly txId: string;
  /** The channel header's extension: a ChaincodeHeaderExtension. */
  readonly channelHeaderExtension: Uint8Array;
  readonly creator: Uint8Array;
  readonly payloadBytes: Uint8Array;
  readonly signature: Uint8Array;
  /** ChaincodeProposalPayload bytes: what the client asked (lscc's deploy arguments). */
  readonly proposalPayload: Uint8Array;
  readonly responsePayloadBytes: Uint8Array;
  /** The response payload's extension: the ChaincodeAction. */
  readonly chaincodeAction: Uint8Array;
  readonly endorsements: readonly EndorsementBytes[];
}

export interface CheckedConfigTx {
  readonly kind: 'config';
  readonly txId: string;
}

/** A transaction refused: its code, and why in Fabric's words (for the log). */
export interface Refusal {
  readonly code: number;
  readonly reason: string;
  readonly txId?: string;
}

const codes = TxValidationCode;
const KNOWN_TYPES = new Set<number>([HeaderType.ENDORSER_TRANSACTION, HeaderType.CONFIG_UPDATE, HeaderType.CONFIG]);
const NO_BYTES: Uint8Array = new Uint8Array(0);

/** The fields of a ChannelHeader the checks read (common.proto's numbers). */
interface ChannelHeaderFields {
  type: number;
  channelId: string;
  txId: string;
  epoch: number;
  extension: Uint8Array;
}

/**
 * The checks of Fabric's ValidateTransaction (core/common/validation/msgvalidation.go) on one
 * envelope of a block: it is well formed (BAD_PAYLOAD, BAD_COMMON_HEADER), of this channel
 * (TARGET_CHAIN_NOT_FOUND), signed by its creator, an identity valid in the channel's MSPs
 * (BAD_CREATOR_SIGNATURE), its txid bound to nonce and creator (BAD_PROPOSAL_TXID), one action
 * whose response answers the proposal (INVALID_ENDORSER_TRANSACTION). A CONFIG_UPDATE is not a
 * transaction (UNSUPPORTED_TX_PAYLOAD). A config transaction's content is checked by the caller.
 * The nested messages are read from the wire (field numbers of Fabric's common.proto,
 * transaction.proto and proposal_response.proto), as views into the block's bytes.
 */
export async function checkEnvelope(bytes: Uint8Array, channelId: string, msps: IdentityDeserializer): Promise<CheckedEnvelope | Refusal> {
  if (bytes.length === 0) return { code: codes.NIL_ENVELOPE, reason: 'Nil tx from block' };
  let payloadBytes: Uint8Array;
  let signature: Uint8Array;
  try {
    payloadBytes = bytesField(bytes, 1) ?? NO_BYTES;
    signature = bytesField(bytes, 2) ?? NO_BYTES;
  } catch (err) {
    return { code: codes.INVALID_OTHER_REASON, reason: `Error getting tx from block: ${errorMessage(err)}` };
  }
  let header: Uint8Array | undefined;
  let data: Uint8Array;
  try {
    header = bytesField(payloadBytes, 1);
    data = bytesField(payloadBytes, 2) ?? NO_BYTES;
  } catch (err) {
    return { code: codes.BAD_PAYLOAD, reason: `GetPayload returns err ${errorMessage(err)}` };
  }
  const headers = commonHeaders(header);
  if (typeof headers === 'string') return { code: codes.BAD_COMMON_HEADER, reason: `validateCommonHeader returns err ${headers}` };
  const { channelHeader, channelHeaderBytes, creator, nonce } = headers;
  const { txId } = channelHeader;
  if (channelHeader.channelId !== channelId) {
    return { code: codes.TARGET_CHAIN_NOT_FOUND, reason: `Dropping transaction for non-existent channel ${channelHeader.channelId}`, txId };
  }
  const creatorProblem = await checkCreator(creator, payloadBytes, signature, msps);
  if (creatorProblem !== undefined) return { code: codes.BAD_CREATOR_SIGNATURE, reason: `checkSignatureFromCreator returns err ${creatorProblem}`, txId };

  switch (channelHeader.type) {
    case HeaderType.CONFIG:
      return { kind: 'config', txId };
    case HeaderType.ENDORSER_TRANSACTION:
      break;
    default:
      return { code: codes.UNSUPPORTED_TX_PAYLOAD, reason: `unsupported transaction type ${channelHeader.type}`, txId };
  }
  const expected = createHash('sha256').update(nonce).update(creator).digest('hex');
  if (txId !== expected) {
    return { code: codes.BAD_PROPOSAL_TXID, reason: `CheckTxID returns err invalid txid. got [${txId}], expected [${expected}]`, txId };
  }
  const action = endorserAction(data, channelHeaderBytes);
  if (typeof action === 'string') return { code: codes.INVALID_ENDORSER_TRANSACTION, reason: `validateEndorserTransaction returns err ${action}`, txId };
  return { kind: 'endorser', txId, channelHeaderExtension: channelHeader.extension, creator, payloadBytes, signature, ...action };
}

function commonHeaders(
  header: Uint8Array | undefined,
): { channelHeader: ChannelHeaderFields; channelHeaderBytes: Uint8Array; creator: Uint8Array; nonce: Uint8Array } | string {
  if (header === undefined) return 'nil header';
  let channelHeaderBytes: Uint8Array;
  let channelHeader: ChannelHeaderFields;
  let signatureHeader: { creator: Uint8Array; nonce: Uint8Array };
  try {
    channelHeaderBytes = bytesField(header, 1) ?? NO_BYTES;
    channelHeader = channelHeaderFields(channelHeaderBytes);
    signatureHeader = signatureHeaderFields(bytesField(header, 2) ?? NO_BYTES);
  } catch (err) {
    return errorMessage(err);
  }
  if (!KNOWN_TYPES.has(channelHeader.type)) return `invalid header type ${channelHeader.type}`;
  if (channelHeader.epoch !== 0) return `invalid Epoch in ChannelHeader. Expected 0, got [${channelHeader.epoch}]`;
  const problem = signatureHeaderProblem(signatureHeader);
  return problem ?? { channelHeader, channelHeaderBytes, ...signatureHeader };
}

function channelHeaderFields(bytes: Uint8Array): ChannelHeaderFields {
  const fields: ChannelHeaderFields = { type: 0, channelId: '', txId: '', epoch: 0, extension: NO_BYTES };
  forEachField(bytes, (field, value, b) => {
    if (field === 1) fields.type = value;
    else if (field === 4) fields.channelId = utf8(b);
    else if (field === 5) fields.txId = utf8(b);
    else if (field === 6) fields.epoch = value;
    else if (field === 7 && b !== undefined) fields.extension = b;
  });
  return fields;
}

function signatureHeaderFields(bytes: Uint8Array): { creator: Uint8Array; nonce: Uint8Array } {
  return { creator: bytesField(bytes, 1) ?? NO_BYTES, nonce: bytesField(bytes, 2) ?? NO_BYTES };
}

function signatureHeaderProblem(header: { creator: Uint8Array; nonce: Uint8Array }): string | undefined {
  if (header.nonce.length === 0) return 'invalid nonce specified in the header';
  if (header.creator.length === 0) return 'invalid creator specified in the header';
  return undefined;
}

/**
 * Why the creator does not count, or undefined: a valid identity of the channel whose signature
 * verifies. The signature is checked on the thread pool, so that a block's transactions are checked
 * side by side (as Fabric's validator does them in goroutines) while the event loop serves on.
 */
async function checkCreator(creator: Uint8Array, message: Uint8Array, signature: Uint8Array, msps: IdentityDeserializer): Promise<string | undefined> {
  if (signature.length === 0 || message.length === 0) return 'nil arguments';
  let identity;
  try {
    identity = msps.deserializeIdentity(creator);
  } catch (err) {
    return `MSP error: ${errorMessage(err)}`;
  }
  try {
    identity.validate();
  } catch (err) {
    return `creator certificate is not valid: ${errorMessage(err)}`;
  }
  if (!(await identity.verifyAsync(message, signature))) return "creator's signature over the proposal is not valid";
  return undefined;
}

/** The one action of an endorser transaction, and the check that its response answers the proposal. */
function endorserAction(
  data: Uint8Array,
  channelHeader: Uint8Array,
): Pick<CheckedEndorserTx, 'proposalPayload' | 'responsePayloadBytes' | 'chaincodeAction' | 'endorsements'> | string {
  try {
    // Transaction.actions (1), each a TransactionAction { header (1), payload (2) }.
    const actions = repeatedBytesField(data, 1);
    const action = actions[0];
    if (actions.length !== 1 || action === undefined) return `only one action per transaction is supported, tx contains ${actions.length}`;
    const actionHeader = bytesField(action, 1) ?? NO_BYTES;
    const problem = signatureHeaderProblem(signatureHeaderFields(actionHeader));
    if (problem !== undefined) return problem;
    // ChaincodeActionPayload { chaincode_proposal_payload (1), action (2): ChaincodeEndorsedAction }.
    const actionPayload = bytesField(action, 2) ?? NO_BYTES;
    const endorsed = bytesField(actionPayload, 2);
    if (endorsed === undefined) return 'nil action';
    const proposalPayload = bytesField(actionPayload, 1) ?? NO_BYTES;
    // ChaincodeEndorsedAction { proposal_response_payload (1), endorsements (2) }.
    let responsePayloadBytes = NO_BYTES;
    const endorsements: EndorsementBytes[] = [];
    forEachField(endorsed, (field, _value, b) => {
      if (field === 1 && b !== undefined) responsePayloadBytes = b;
      else if (field === 2 && b !== undefined) endorsements.push({ endorser: bytesField(b, 1) ?? NO_BYTES, signature: bytesField(b, 2) ?? NO_BYTES });
    });
    // ProposalResponsePayload { proposal_hash (1), extension (2) }.
    let proposalHashOfResponse = NO_BYTES;
    let chaincodeAction = NO_BYTES;
    forEachField(responsePayloadBytes, (field, _value, b) => {
      if (field === 1 && b !== undefined) proposalHashOfResponse = b;
      else if (field === 2 && b !== undefined) chaincodeAction = b;
    });
    // The proposal's hash: its channel header, the action's signature header and the proposal payload.
    const proposalHash = createHash('sha256').update(channelHeader).update(actionHeader).update(proposalPayload).digest();
    if (!proposalHash.equals(proposalHashOfResponse)) return 'proposal hash does not match';
    return { proposalPayload, responsePayloadBytes, chaincodeAction, endorsements };
  } catch (err) {
    return errorMessage(err);
  }
}
