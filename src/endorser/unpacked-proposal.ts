import { createHash } from 'node:crypto';
import { errorMessage } from '../common/errors/weft-error.js';
import { HeaderType, type SignedProposal } from '../common/protos/proposal.js';
import { ChaincodeInput } from '../common/protos/peer.js';
import { forEachField, utf8 } from '../common/protos/proto-wire.js';
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
  const header = fieldsOf('proposal header', bytesAt(proposal, 1));
  const channelHeader = fieldsOf('channel header', bytesAt(header, 1));
  const headerType = numberAt(channelHeader, 1);
  if (headerType !== HeaderType.ENDORSER_TRANSACTION && headerType !== HeaderType.CONFIG) {
    throw new EndorserError('BAD_PROPOSAL', `invalid header type ${headerType}: a proposal is ENDORSER_TRANSACTION or CONFIG`);
  }
  const txId = utf8(bytesAt(channelHeader, 5));
  if (txId === '') throw new EndorserError('BAD_PROPOSAL', 'the proposal has no transaction ID');
  const signatureHeader = fieldsOf('signature header', bytesAt(header, 2));
  const extension = fieldsOf('chaincode header extension', bytesAt(channelHeader, 7));
  const inputBytes = bytesAt(fieldsOf('chaincode proposal payload', bytesAt(proposal, 2)), 1);
  const spec = fieldsOf('chaincode spec', bytesAt(fieldsOf('chaincode invocation spec', inputBytes), 1));
  const chaincodeName =
    utf8(bytesAt(fieldsOf('chaincode ID', bytesAt(spec, 2)), 2)) || utf8(bytesAt(fieldsOf('chaincode ID', bytesAt(extension, 2)), 2));
  if (chaincodeName === '') throw new EndorserError('BAD_PROPOSAL', 'the proposal names no chaincode');
  const specInput = spec[3];
  if (!(specInput instanceof Uint8Array)) throw new EndorserError('BAD_PROPOSAL', 'the proposal has no chaincode input');
  const input = decode('chaincode input', () => ChaincodeInput.deserializeBinary(specInput));
  // Raw concatenation, as the committer recomputes it from the transaction: the two header parts,
  // then the payload the transaction shows (its input alone, field 1: no transient map), written
  // here as its wire bytes rather than through a message object.
  const proposalHash = createHash('sha256')
    .update(bytesAt(header, 1))
    .update(bytesAt(header, 2))
    .update(inputBytes.length === 0 ? NO_BYTES : Buffer.concat([INPUT_TAG, varint(inputBytes.length)]))
    .update(inputBytes)
    .digest();
  return {
    channelId: utf8(bytesAt(channelHeader, 4)),
    txId,
    headerType,
    epoch: numberAt(channelHeader, 6),
    nonce: bytesAt(signatureHeader, 2),
    creator: bytesAt(signatureHeader, 1),
    chaincodeName,
    input,
    proposalHash,
    signed,
  };
}

/** A message's fields by number, as the wire gave them: bytes as views into the input, varints as numbers; the last occurrence wins. */
type Fields = Array<Uint8Array | number | undefined>;

function fieldsOf(what: string, bytes: Uint8Array): Fields {
  const fields: Fields = [];
  decode(what, () => {
    forEachField(bytes, (field, value, fieldBytes) => {
      if (field <= MAX_FIELD) fields[field] = fieldBytes ?? value;
    });
  });
  return fields;
}

// The highest field number read from any of the messages above.
const MAX_FIELD = 7;

/** A length-delimited field; empty (proto3's default) when absent or not length-delimited. */
function bytesAt(fields: Fields, field: number): Uint8Array {
  const value = fields[field];
  return value instanceof Uint8Array ? value : NO_BYTES;
}

/** A varint field; 0 (proto3's default) when absent or not a varint. */
function numberAt(fields: Fields, field: number): number {
  const value = fields[field];
  return typeof value === 'number' ? value : 0;
}

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
