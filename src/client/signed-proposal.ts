import { createHash, randomBytes } from 'node:crypto';
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

export interface ProposalRequest {
  /** '' for the system channel. */
  channelId: string;
  chaincodeName: string;
  args: Uint8Array[];
  headerType: HeaderTypeValue;
}

/**
 * A proposal as Fabric's CLI makes one (protoutil.CreateProposalFromCIS), unsigned: the txid is
 * the hex SHA-256 of the nonce and the (empty) creator, as Fabric computes it.
 */
export function createSignedProposal(req: ProposalRequest): { signed: SignedProposal; txId: string } {
  const nonce = randomBytes(24);
  const creator = new Uint8Array();
  const txId = createHash('sha256').update(nonce).update(creator).digest('hex');

  const id = new ChaincodeID();
  id.setName(req.chaincodeName);
  const input = new ChaincodeInput();
  input.setArgsList(req.args);
  const spec = new ChaincodeSpec();
  spec.setType(1);
  spec.setChaincodeId(id);
  spec.setInput(input);
  const cis = new ChaincodeInvocationSpec();
  cis.setChaincodeSpec(spec);
  const payload = new ChaincodeProposalPayload();
  payload.setInput(cis.serializeBinary());

  const extension = new ChaincodeHeaderExtension();
  extension.setChaincodeId(id);
  const channelHeader = new ChannelHeader();
  channelHeader.setType(req.headerType);
  channelHeader.setChannelId(req.channelId);
  channelHeader.setTxId(txId);
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
  signed.setProposalBytes(proposal.serializeBinary());
  return { signed, txId };
}
