import transactionPb from '@hyperledger/fabric-protos/lib/peer/transaction_pb.js';
import { Envelope, Payload } from '../common/protos/common.js';
import { ClientError } from './client-error.js';
import { ChaincodeProposalPayload, Header, Proposal, type ProposalResponse, type SignedProposal } from '../common/protos/proposal.js';

/**
 * The transaction a client sends to ordering once its proposal is endorsed (Fabric's
 * protoutil.CreateSignedTx): the proposal's header, and the endorsed action with the proposal
 * payload stripped of its transient data, signed by the client when it has an identity. Several
 * responses (one per endorsing peer) must carry the same payload; their endorsements are gathered.
 */
export function createTransactionEnvelope(
  signed: SignedProposal,
  responses: ProposalResponse | readonly ProposalResponse[],
  signer?: { sign(message: Uint8Array): Uint8Array },
): Envelope {
  const all: readonly ProposalResponse[] = isResponseList(responses) ? responses : [responses];
  const response = all[0];
  if (response === undefined) throw new ClientError('PROPOSAL_FAILED', 'at least one proposal response is necessary');
  const payload0 = Buffer.from(response.getPayload_asU8());
  if (all.some((r) => !payload0.equals(r.getPayload_asU8()))) {
    throw new ClientError('PROPOSAL_FAILED', 'ProposalResponsePayloads do not match');
  }
  const proposal = Proposal.deserializeBinary(signed.getProposalBytes_asU8());
  const header = Header.deserializeBinary(proposal.getHeader_asU8());
  const full = ChaincodeProposalPayload.deserializeBinary(proposal.getPayload_asU8());
  const visible = new ChaincodeProposalPayload();
  visible.setInput(full.getInput_asU8());

  const endorsed = new transactionPb.ChaincodeEndorsedAction();
  endorsed.setProposalResponsePayload(response.getPayload_asU8());
  for (const r of all) {
    const endorsement = r.getEndorsement();
    if (endorsement !== undefined) endorsed.addEndorsements(endorsement);
  }
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

function isResponseList(responses: ProposalResponse | readonly ProposalResponse[]): responses is readonly ProposalResponse[] {
  return Array.isArray(responses);
}
