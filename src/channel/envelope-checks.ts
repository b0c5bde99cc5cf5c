import { createHash } from 'node:crypto';
import transactionPb from '@hyperledger/fabric-protos/lib/peer/transaction_pb.js';
import { errorMessage } from '../common/errors/weft-error.js';
import { Envelope, Payload } from '../common/protos/common.js';
import { TxValidationCode } from '../common/protos/orderer.js';
import { ChannelHeader, HeaderType, ProposalResponsePayload, SignatureHeader, type Endorsement } from '../common/protos/proposal.js';
import type { IdentityDeserializer } from '../msp/identity.js';

const { ChaincodeActionPayload, Transaction } = transactionPb;

/** A transaction that passed the envelope checks, with what the later checks read. */
export type CheckedEnvelope = CheckedEndorserTx | CheckedConfigTx;

export interface CheckedEndorserTx {
  readonly kind: 'endorser';
  readonly txId: string;
  readonly channelHeader: ChannelHeader;
  readonly creator: Uint8Array;
  readonly payloadBytes: Uint8Array;
  readonly signature: Uint8Array;
  /** ChaincodeProposalPayload bytes: what the client asked (lscc's deploy arguments). */
  readonly proposalPayload: Uint8Array;
  readonly responsePayloadBytes: Uint8Array;
  readonly responsePayload: InstanceType<typeof ProposalResponsePayload>;
  readonly endorsements: readonly Endorsement[];
}

export interface CheckedConfigTx {
  readonly kind: 'config';
  readonly txId: string;
  readonly channelHeader: ChannelHeader;
}

/** A transaction refused: its code, and why in Fabric's words (for the log). */
export interface Refusal {
  readonly code: number;
  readonly reason: string;
  readonly txId?: string;
}

const codes = TxValidationCode;
const KNOWN_TYPES = new Set<number>([HeaderType.ENDORSER_TRANSACTION, HeaderType.CONFIG_UPDATE, HeaderType.CONFIG]);

/**
 * The checks of Fabric's ValidateTransaction (core/common/validation/msgvalidation.go) on one
 * envelope of a block: it is well formed (BAD_PAYLOAD, BAD_COMMON_HEADER), of this channel
 * (TARGET_CHAIN_NOT_FOUND), signed by its creator, an identity valid in the channel's MSPs
 * (BAD_CREATOR_SIGNATURE), its txid bound to nonce and creator (BAD_PROPOSAL_TXID), one action
 * whose response answers the proposal (INVALID_ENDORSER_TRANSACTION). A CONFIG_UPDATE is not a
 * transaction (UNSUPPORTED_TX_PAYLOAD). A config transaction's content is checked by the caller.
 */
export function checkEnvelope(bytes: Uint8Array, channelId: string, msps: IdentityDeserializer): CheckedEnvelope | Refusal {
  if (bytes.length === 0) return { code: codes.NIL_ENVELOPE, reason: 'Nil tx from block' };
  let envelope: InstanceType<typeof Envelope>;
  let payload: InstanceType<typeof Payload>;
  try {
    envelope = Envelope.deserializeBinary(bytes);
  } catch (err) {
    return { code: codes.INVALID_OTHER_REASON, reason: `Error getting tx from block: ${errorMessage(err)}` };
  }
  try {
    payload = Payload.deserializeBinary(envelope.getPayload_asU8());
  } catch (err) {
    return { code: codes.BAD_PAYLOAD, reason: `GetPayload returns err ${errorMessage(err)}` };
  }
  const headers = commonHeaders(payload);
  if (typeof headers === 'string') return { code: codes.BAD_COMMON_HEADER, reason: `validateCommonHeader returns err ${headers}` };
  const { channelHeader, signatureHeader } = headers;
  const txId = channelHeader.getTxId();
  if (channelHeader.getChannelId() !== channelId) {
    return { code: codes.TARGET_CHAIN_NOT_FOUND, reason: `Dropping transaction for non-existent channel ${channelHeader.getChannelId()}`, txId };
  }
  const creator = signatureHeader.getCreator_asU8();
  const payloadBytes = envelope.getPayload_asU8();
  const signature = envelope.getSignature_asU8();
  const creatorProblem = checkCreator(creator, payloadBytes, signature, msps);
  if (creatorProblem !== undefined) return { code: codes.BAD_CREATOR_SIGNATURE, reason: `checkSignatureFromCreator returns err ${creatorProblem}`, txId };

  switch (channelHeader.getType()) {
    case HeaderType.CONFIG:
      return { kind: 'config', txId, channelHeader };
    case HeaderType.ENDORSER_TRANSACTION:
      break;
    default:
      return { code: codes.UNSUPPORTED_TX_PAYLOAD, reason: `unsupported transaction type ${channelHeader.getType()}`, txId };
  }
  const expected = createHash('sha256').update(signatureHeader.getNonce_asU8()).update(creator).digest('hex');
  if (txId !== expected) {
    return { code: codes.BAD_PROPOSAL_TXID, reason: `CheckTxID returns err invalid txid. got [${txId}], expected [${expected}]`, txId };
  }
  const action = endorserAction(payload);
  if (typeof action === 'string') return { code: codes.INVALID_ENDORSER_TRANSACTION, reason: `validateEndorserTransaction returns err ${action}`, txId };
  return { kind: 'endorser', txId, channelHeader, creator, payloadBytes, signature, ...action };
}

function commonHeaders(
  payload: InstanceType<typeof Payload>,
): { channelHeader: ChannelHeader; signatureHeader: InstanceType<typeof SignatureHeader> } | string {
  const header = payload.getHeader();
  if (header === undefined) return 'nil header';
  let channelHeader: ChannelHeader;
  let signatureHeader: InstanceType<typeof SignatureHeader>;
  try {
    channelHeader = ChannelHeader.deserializeBinary(header.getChannelHeader_asU8());
    signatureHeader = SignatureHeader.deserializeBinary(header.getSignatureHeader_asU8());
  } catch (err) {
    return errorMessage(err);
  }
  if (!KNOWN_TYPES.has(channelHeader.getType())) return `invalid header type ${channelHeader.getType()}`;
  if (channelHeader.getEpoch() !== 0) return `invalid Epoch in ChannelHeader. Expected 0, got [${channelHeader.getEpoch()}]`;
  const problem = signatureHeaderProblem(signatureHeader);
  return problem ?? { channelHeader, signatureHeader };
}

function signatureHeaderProblem(header: InstanceType<typeof SignatureHeader>): string | undefined {
  if (header.getNonce_asU8().length === 0) return 'invalid nonce specified in the header';
  if (header.getCreator_asU8().length === 0) return 'invalid creator specified in the header';
  return undefined;
}

/** Why the creator does not count, or undefined: a valid identity of the channel whose signature verifies. */
function checkCreator(creator: Uint8Array, message: Uint8Array, signature: Uint8Array, msps: IdentityDeserializer): string | undefined {
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
  if (!identity.verify(message, signature)) return "creator's signature over the proposal is not valid";
  return undefined;
}

/** The one action of an endorser transaction, and the check that its response answers the proposal. */
function endorserAction(
  payload: InstanceType<typeof Payload>,
): Pick<CheckedEndorserTx, 'proposalPayload' | 'responsePayloadBytes' | 'responsePayload' | 'endorsements'> | string {
  try {
    const tx = Transaction.deserializeBinary(payload.getData_asU8());
    const actions = tx.getActionsList();
    const action = actions[0];
    if (actions.length !== 1 || action === undefined) return `only one action per transaction is supported, tx contains ${actions.length}`;
    const actionHeader = action.getHeader_asU8();
    const problem = signatureHeaderProblem(SignatureHeader.deserializeBinary(actionHeader));
    if (problem !== undefined) return problem;
    const actionPayload = ChaincodeActionPayload.deserializeBinary(action.getPayload_asU8());
    const endorsed = actionPayload.getAction();
    if (endorsed === undefined) return 'nil action';
    const responsePayloadBytes = endorsed.getProposalResponsePayload_asU8();
    const responsePayload = ProposalResponsePayload.deserializeBinary(responsePayloadBytes);
    const proposalPayload = actionPayload.getChaincodeProposalPayload_asU8();
    // The proposal's hash: its channel header, the action's signature header and the proposal payload.
    const proposalHash = createHash('sha256')
      .update(payload.getHeader()?.getChannelHeader_asU8() ?? new Uint8Array())
      .update(actionHeader)
      .update(proposalPayload)
      .digest();
    if (!proposalHash.equals(responsePayload.getProposalHash_asU8())) return 'proposal hash does not match';
    return { proposalPayload, responsePayloadBytes, responsePayload, endorsements: endorsed.getEndorsementsList() };
  } catch (err) {
    return errorMessage(err);
  }
}
