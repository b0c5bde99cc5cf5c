import transactionPb from '@hyperledger/fabric-protos/lib/peer/transaction_pb.js';
import { Envelope, Payload } from '../common/protos/common.js';
import { ChaincodeProposalPayload, Header, Proposal, type ProposalResponse, type SignedProposal } from '../common/protos/proposal.js';

/**
 * The transaction a client sends to ordering once its proposal is endorsed (Fabric's
 * protoutil.CreateSignedTx): the proposal's header, and the endorsed action with the proposal
 * payload stripped of its transient data, signed by the client when it has an identity.
 */
export function createTransactionEnvelope(
  signed: SignedProposal,
  response: ProposalResponse,
  signer?: { sign(message: Uint8Array): Uint8Array },
): Envelope {
  const proposal = Proposal.deserializeBinary(signed.getProposalBytes_asU8());
  const header = Header.deserializeBinary(proposal.getHeader_asU8());
  const full = ChaincodeProposalPayload.deserializeBinary(proposal.getPayload_asU8());
  const visible = new ChaincodeProposalPayload();
  visible.setInput(full.getInput_asU8());

  const endorsed = new transactionPb.ChaincodeEndorsedAction();
  endorsed.setProposalResponsePayload(response.getPayload_asU8());
  const endorsement = response.getEndorsement();
  if (endorsement !== undefined) endorsed.addEndorsements(endorsement);
  const actionPayload = new transactionPb.ChaincodeActionPayload();
  actionPayload.setChaincodeProposalPayload(visible.serializeBinary());
  actionPayload.setAction(endorsed);

  const action = new transactionPb.TransactionAction();
  action.setHeader(header.getSignatureHeader_asU8());
  action.setPayload(actionPayload.serializeBinary());
  const tx = new transactionPb.Transaction();
  tx.addActions(action);

  const payload = new Payload();
  payload.setHeader(header);
  payload.setData(tx.serializeBinary());
  const envelope = new Envelope();
  const payloadBytes = payload.serializeBinary();
  envelope.setPayload(payloadBytes);
  if (signer !== undefined) envelope.setSignature(signer.sign(payloadBytes));
  return envelope;
}
