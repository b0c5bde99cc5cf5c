import { createHash } from 'node:crypto';
import { errorMessage } from '../common/errors/weft-error.js';
import {
  ChaincodeHeaderExtension,
  ChaincodeInvocationSpec,
  ChaincodeProposalPayload,
  ChannelHeader,
  Header,
  HeaderType,
  Proposal,
  SignatureHeader,
  type SignedProposal,
} from '../common/protos/proposal.js';
import type { ChaincodeInput } from '../common/protos/peer.js';
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

/** Unpacks a SignedProposal; a malformed one is an error naming the part that is wrong. */
export function unpackProposal(signed: SignedProposal): UnpackedProposal {
  const proposalBytes = signed.getProposalBytes_asU8();
  const proposal = decode('proposal', () => Proposal.deserializeBinary(proposalBytes));
  const header = decode('proposal header', () => Header.deserializeBinary(proposal.getHeader_asU8()));
  const channelHeader = decode('channel header', () => ChannelHeader.deserializeBinary(header.getChannelHeader_asU8()));
  const headerType = channelHeader.getType();
  if (headerType !== HeaderType.ENDORSER_TRANSACTION && headerType !== HeaderType.CONFIG) {
    throw new EndorserError('BAD_PROPOSAL', `invalid header type ${headerType}: a proposal is ENDORSER_TRANSACTION or CONFIG`);
  }
  const txId = channelHeader.getTxId();
  if (txId === '') throw new EndorserError('BAD_PROPOSAL', 'the proposal has no transaction ID');
  const signatureHeader = decode('signature header', () => SignatureHeader.deserializeBinary(header.getSignatureHeader_asU8()));
  const extension = decode('chaincode header extension', () => ChaincodeHeaderExtension.deserializeBinary(channelHeader.getExtension_asU8()));
  const payload = decode('chaincode proposal payload', () => ChaincodeProposalPayload.deserializeBinary(proposal.getPayload_asU8()));
  const cis = decode('chaincode invocation spec', () => ChaincodeInvocationSpec.deserializeBinary(payload.getInput_asU8()));
  const spec = cis.getChaincodeSpec();
  const chaincodeName = spec?.getChaincodeId()?.getName() || extension.getChaincodeId()?.getName() || '';
  if (chaincodeName === '') throw new EndorserError('BAD_PROPOSAL', 'the proposal names no chaincode');
  const input = spec?.getInput();
  if (input === undefined) throw new EndorserError('BAD_PROPOSAL', 'the proposal has no chaincode input');
  // Raw concatenation, as the committer recomputes it from the transaction: the two header parts,
  // then the payload the transaction shows (its input alone, field 1: no transient map), written
  // here as its wire bytes rather than through a message object.
  const inputBytes = payload.getInput_asU8();
  const proposalHash = createHash('sha256')
    .update(header.getChannelHeader_asU8())
    .update(header.getSignatureHeader_asU8())
    .update(inputBytes.length === 0 ? NO_BYTES : Buffer.concat([INPUT_TAG, varint(inputBytes.length)]))
    .update(inputBytes)
    .digest();
  return {
    channelId: channelHeader.getChannelId(),
    txId,
    headerType,
    epoch: channelHeader.getEpoch(),
    nonce: signatureHeader.getNonce_asU8(),
    creator: signatureHeader.getCreator_asU8(),
    chaincodeName,
    input,
    proposalHash,
    signed,
  };
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
