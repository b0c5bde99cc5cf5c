import { createHash, randomBytes } from 'node:crypto';
import timestampPb from 'google-protobuf/google/protobuf/timestamp_pb.js';
import { ChaincodeID, ChaincodeInput, ChaincodeSpec } from '../common/protos/peer.js';
import {
  ChaincodeHeaderExtension,
  ChaincodeInvocationSpec,
  ChaincodeProposalPayload,
  ChannelHeader,
  Header,
  Proposal,
  SignatureHeader,
  SignedProposal,
  type HeaderTypeValue,
} from '../common/protos/proposal.js';

/** Who makes a proposal: the creator it names, and the signature over it. */
export interface ProposalSigner {
  serialize(): Uint8Array;
  sign(message: Uint8Array): Uint8Array;
}

export interface ProposalRequest {
  /** '' for the system channel. */
  channelId: string;
  chaincodeName: string;
  args: Uint8Array[];
  headerType: HeaderTypeValue;
  /** The client identity; without one the proposal names no creator and is not signed. */
  signer?: ProposalSigner | undefined;
  /** Private inputs: the chaincode reads them, the transaction does not carry them. */
  transient?: ReadonlyMap<string, Uint8Array> | undefined;
  /** ChaincodeInput.is_init: this call is the chaincode's Init (`peer chaincode invoke --isInit`). */
  isInit?: boolean | undefined;
}

/**
 * A proposal as Fabric's CLI makes one (protoutil.CreateProposalFromCIS): the txid is the hex
 * SHA-256 of the nonce and the creator, as Fabric computes it, and the signer signs the proposal bytes.
 */
const { Timestamp } = timestampPb;

export function createSignedProposal(req: ProposalRequest): { signed: SignedProposal; txId: string } {
  const nonce = randomBytes(24);
  const creator = req.signer?.serialize() ?? new Uint8Array();
  const txId = createHash('sha256').update(nonce).update(creator).digest('hex');

  const id = new ChaincodeID();
  id.setName(req.chaincodeName);
  const input = new ChaincodeInput();
  input.setArgsList(req.args);
  if (req.isInit === true) input.setIsInit(true);
  const spec = new ChaincodeSpec();
  spec.setType(1);
  spec.setChaincodeId(id);
  spec.setInput(input);
  const cis = new ChaincodeInvocationSpec();
  cis.setChaincodeSpec(spec);
  const payload = new ChaincodeProposalPayload();
  payload.setInput(cis.serializeBinary());
  for (const [key, value] of req.transient ?? []) payload.getTransientmapMap().set(key, value);

  const extension = new ChaincodeHeaderExtension();
  extension.setChaincodeId(id);
  const channelHeader = new ChannelHeader();
  channelHeader.setType(req.headerType);
  channelHeader.setChannelId(req.channelId);
  channelHeader.setTxId(txId);
  const now = Date.now();
  const timestamp = new Timestamp();
  timestamp.setSeconds(Math.floor(now / 1000));
  timestamp.setNanos((now % 1000) * 1e6);
  channelHeader.setTimestamp(timestamp);
  channelHeader.setExtension$(extension.serializeBinary());
  const signatureHeader = new SignatureHeader();
  signatureHeader.setNonce(nonce);
  signatureHeader.setCreator(creator);
  const header = new Header();
  header.setChannelHeader(channelHeader.serializeBinary());
  header.setSignatureHeader(signatureHeader.serializeBinary());

  const proposal = new Proposal();
  proposal.setHeader(header.serializeBinary());
  proposal.setPayload(payload.serializeBinary());
  const signed = new SignedProposal();
  const proposalBytes = proposal.serializeBinary();
  signed.setProposalBytes(proposalBytes);
  if (req.signer !== undefined) signed.setSignature(req.signer.sign(proposalBytes));
  return { signed, txId };
}
