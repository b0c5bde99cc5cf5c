import { createHash } from 'node:crypto';
import { errorMessage } from '../common/errors/weft-error.js';
import { HeaderType, type SignedProposal } from '../common/protos/proposal.js';
import { ChaincodeInput } from '../common/protos/peer.js';
import { utf8, WireFields } from '../common/protos/proto-wire.js';
import { EndorserError } from './endorser-error.js';

// ChaincodeProposalPayload's input: field 1, length-delimited.
const INPUT_TAG = Uint8Array.of(0x0a);
const NO_BYTES = new Uint8Array(0);

/** What a proposal asks for, taken out of its nested messages (Fabric's UnpackedProposal). */
export interface UnpackedProposal {
  channelId: string;
  txId: string;
  headerType: number;
  /** The channel header's epoch: Fabric requires 0. */
  epoch: number;
  /** The signature header's nonce and creator (a SerializedIdentity): the txid is bound to both. */
  nonce: Uint8Array;
  creator: Uint8Array;
  chaincodeName: string;
  input: ChaincodeInput;
  /** The proposal as it came, for the chaincode to read its creator and transient data from. */
  signed: SignedProposal;
  /** The proposal hash of the response (Fabric's GetProposalHash1): SHA-256 over the header and the payload without its transient map. */
  proposalHash: Uint8Array;
}

/**
 * Unpacks a SignedProposal; a malformed one is an error naming the part that is wrong. The seven
 * nested messages down to the chaincode input are read from the wire, as views into the proposal's
 * bytes: building each as a message object cost more than the rest of the unpacking.
 */
export function unpackProposal(signed: SignedProposal): UnpackedProposal {
  // Field numbers from Fabric's common.proto, proposal.proto and chaincode.proto.
  const proposal = fieldsOf('proposal', signed.getProposalBytes_asU8());
  const header = fieldsOf('proposal header', proposal.bytes(1));
  const channelHeader = fieldsOf('channel header', header.bytes(1));
  const headerType = channelHeader.number(1);
  if (headerType !== HeaderType.ENDORSER_TRANSACTION && headerType !== HeaderType.CONFIG) {
    throw new EndorserError('BAD_PROPOSAL', `invalid header type ${headerType}: a proposal is ENDORSER_TRANSACTION or CONFIG`);
  }
  const txId = utf8(channelHeader.bytes(5));
  if (txId === '') throw new EndorserError('BAD_PROPOSAL', 'the proposal has no transaction ID');
  const signatureHeader = fieldsOf('signature header', header.bytes(2));
  const extension = fieldsOf('chaincode header extension', channelHeader.bytes(7));
  const inputBytes = fieldsOf('chaincode proposal payload', proposal.bytes(2)).bytes(1);
  const spec = fieldsOf('chaincode spec', fieldsOf('chaincode invocation spec', inputBytes).bytes(1));
  const chaincodeName =
    utf8(fieldsOf('chaincode ID', spec.bytes(2)).bytes(2)) || utf8(fieldsOf('chaincode ID', extension.bytes(2)).bytes(2));
  if (chaincodeName === '') throw new EndorserError('BAD_PROPOSAL', 'the proposal names no chaincode');
  const specInput = spec.maybeBytes(3);
  if (specInput === undefined) throw new EndorserError('BAD_PROPOSAL', 'the proposal has no chaincode input');
  const input = decode('chaincode input', () => ChaincodeInput.deserializeBinary(specInput));
  // Raw concatenation, as the committer recomputes it from the transaction: the two header parts,
  // then the payload the transaction shows (its input alone, field 1: no transient map), written
  // here as its wire bytes rather than through a message object.
  const proposalHash = createHash('sha256')
    .update(header.bytes(1))
    .update(header.bytes(2))
    .update(inputBytes.length === 0 ? NO_BYTES : Buffer.concat([INPUT_TAG, varint(inputBytes.length)]))
    .update(inputBytes)
    .digest();
  return {
    channelId: utf8(channelHeader.bytes(4)),
    txId,
    headerType,
    epoch: channelHeader.number(6),
    nonce: signatureHeader.bytes(2),
    creator: signatureHeader.bytes(1),
    chaincodeName,
    input,
    proposalHash,
    signed,
  };
}

function fieldsOf(what: string, bytes: Uint8Array): WireFields {
  return decode(what, () => new WireFields(bytes, MAX_FIELD));
}

// The highest field number read from any of the messages above.
const MAX_FIELD = 7;

/** A protobuf varint. */
function varint(value: number): Uint8Array {
  const bytes: number[] = [];
  let rest = value;
  while (rest >= 0x80) {
    bytes.push((rest & 0x7f) | 0x80);
    rest = Math.floor(rest / 0x80);
  }
  bytes.push(rest);
  return Uint8Array.from(bytes);
}

function decode<T>(what: string, fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    throw new EndorserError('BAD_PROPOSAL', `error unmarshalling the ${what}: ${errorMessage(err)}`, { cause: err });
  }
}
