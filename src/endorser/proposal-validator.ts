import { createHash } from 'node:crypto';
import { errorMessage } from '../common/errors/weft-error.js';
import { SerializedIdentity } from '../common/protos/collection.js';
import { EndorserError } from './endorser-error.js';
import type { UnpackedProposal } from './unpacked-proposal.js';

/** The part of an identity the endorser checks a proposal's creator with. */
export interface CreatorIdentity {
  readonly mspId: string;
  /** Throws, naming why the identity is not valid in its MSP. */
  validate(): void;
  verify(message: Uint8Array, signature: Uint8Array): boolean;
}

/** Turns a creator's SerializedIdentity into an identity of a known MSP; throws when it cannot. */
export interface CreatorDeserializer<I extends CreatorIdentity = CreatorIdentity> {
  deserializeIdentity(serialized: Uint8Array): I;
}

/** Fabric's refusal of a creator; the MSP ID is read for its words only: the hot path reads the creator once. */
function denied(channelId: string, mspId: string, reason: string): AccessDeniedError {
  return new AccessDeniedError(`access denied: channel [${channelId}] creator org [${quote(mspId)}]`, reason);
}

/**
 * Checks a proposal as Fabric 2.5's endorser does before anything runs: the header, the txid's
 * binding to the nonce and the creator, the creator's identity in the MSPs of the channel (the
 * local MSP for a channel-less proposal), and the creator's signature over the proposal bytes.
 * Resolves with the creator. A refusal is an EndorserError whose message is what Fabric tells the
 * client (no more: an attacker learns nothing of why); its `reason` says why, for the log.
 */
export function validateProposal<I extends CreatorIdentity>(up: UnpackedProposal, deserializer: CreatorDeserializer<I>): I {
  if (up.epoch !== 0) throw new EndorserError('BAD_PROPOSAL', 'epoch is non-zero');
  if (up.nonce.length === 0) throw new EndorserError('BAD_PROPOSAL', 'nonce is empty');
  if (up.creator.length === 0) throw new EndorserError('BAD_PROPOSAL', 'creator is empty');
  const expected = computeTxId(up.nonce, up.creator);
  if (up.txId !== expected) {
    throw new EndorserError('BAD_PROPOSAL', `incorrectly computed txid '${quote(up.txId)}' -- expected '${expected}'`);
  }
  if (up.signed.getProposalBytes_asU8().length === 0) throw new EndorserError('BAD_PROPOSAL', 'empty proposal bytes');
  const signature = up.signed.getSignature_asU8();
  if (signature.length === 0) throw new EndorserError('BAD_PROPOSAL', 'empty signature bytes');

  let creator: I;
  try {
    creator = deserializer.deserializeIdentity(up.creator);
  } catch (err) {
    const mspId = creatorMspId(up.creator);
    if (mspId === undefined) {
      throw new AccessDeniedError(`access denied: channel [${up.channelId}] creator org unknown, creator is malformed`, 'the creator is not a SerializedIdentity');
    }
    throw denied(up.channelId, mspId, errorMessage(err));
  }
  try {
    creator.validate();
  } catch (err) {
    throw denied(up.channelId, creator.mspId, `identity is not valid: ${errorMessage(err)}`);
  }
  if (!creator.verify(up.signed.getProposalBytes_asU8(), signature)) {
    throw denied(up.channelId, creator.mspId, "the creator's signature over the proposal is not valid");
  }
  return creator;
}

/** A refused creator: the client's message, and the reason for the log. */
export class AccessDeniedError extends EndorserError {
  constructor(
    message: string,
    readonly reason: string,
  ) {
    super('ACCESS_DENIED', message);
  }
}

/** Fabric's transaction ID: hex SHA-256 over the nonce then the creator. */
export function computeTxId(nonce: Uint8Array, creator: Uint8Array): string {
  return createHash('sha256').update(nonce).update(creator).digest('hex');
}

function creatorMspId(creator: Uint8Array): string | undefined {
  try {
    return SerializedIdentity.deserializeBinary(creator).getMspid();
  } catch {
    return undefined;
  }
}

// What a refusal quotes of the caller's input stays short, whatever was sent.
const QUOTE_LIMIT = 64;

function quote(text: string): string {
  return text.length <= QUOTE_LIMIT ? text : `${text.slice(0, QUOTE_LIMIT)}...`;
}
