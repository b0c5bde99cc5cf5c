import jspb from 'google-protobuf';
import { errorMessage } from '../common/errors/weft-error.js';
import { Envelope } from '../common/protos/common.js';
import type { ProposalResponse, SignedProposal } from '../common/protos/proposal.js';
import { bytesField } from '../common/protos/proto-wire.js';
import { ClientError } from './client-error.js';

/**
 * The transaction a client sends to ordering once its proposal is endorsed (Fabric's
 * protoutil.CreateSignedTx): the proposal's header, and the endorsed action with the proposal
 * payload stripped of its transient data, signed by the client when it has an identity. Several
 * responses (one per endorsing peer) must carry the same payload; their endorsements are gathered.
 *
 * Written on the wire (field numbers of Fabric's common.proto, proposal.proto and
 * transaction.proto), the proposal's parts taken as they came: the Gateway assembles one per
 * Endorse, and six message objects built to be serialized once cost more than the rest of it.
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
  const proposalBytes = signed.getProposalBytes_asU8();
  let header: Uint8Array;
  let input: Uint8Array;
  try {
    header = bytesField(proposalBytes, 1) ?? NO_BYTES;
    input = bytesField(bytesField(proposalBytes, 2) ?? NO_BYTES, 1) ?? NO_BYTES;
  } catch (err) {
    throw new ClientError('PROPOSAL_FAILED', `the proposal cannot be read: ${errorMessage(err)}`, { cause: err });
  }
  const signatureHeader = bytesField(header, 2) ?? NO_BYTES;

  // ChaincodeActionPayload: the proposal payload without its transient map, then the endorsed action.
  const actionPayload = new jspb.BinaryWriter();
  actionPayload.writeMessage(1, input, () => {
    writeNonEmpty(actionPayload, 1, input);
  });
  actionPayload.writeMessage(2, all, () => {
    writeNonEmpty(actionPayload, 1, payload0);
    for (const r of all) {
      const endorsement = r.getEndorsement();
      if (endorsement === undefined) continue;
      actionPayload.writeMessage(2, endorsement, () => {
        writeNonEmpty(actionPayload, 1, endorsement.getEndorser_asU8());
        writeNonEmpty(actionPayload, 2, endorsement.getSignature_asU8());
      });
    }
  });
  const actionPayloadBytes = actionPayload.getResultBuffer();

  // Payload { header, data: Transaction { actions: [TransactionAction { header: signature header, payload }] } }
  const payload = new jspb.BinaryWriter();
  writeNonEmpty(payload, 1, header);
  payload.writeMessage(2, actionPayloadBytes, () => {
    payload.writeMessage(1, actionPayloadBytes, () => {
      writeNonEmpty(payload, 1, signatureHeader);
      writeNonEmpty(payload, 2, actionPayloadBytes);
    });
  });
  const payloadBytes = payload.getResultBuffer();
  const envelope = new Envelope();
  envelope.setPayload(payloadBytes);
  if (signer !== undefined) envelope.setSignature(signer.sign(payloadBytes));
  return envelope;
}

const NO_BYTES: Uint8Array = new Uint8Array(0);

/** A bytes field, left out when empty as proto3 leaves a default value out. */
function writeNonEmpty(w: jspb.BinaryWriter, field: number, bytes: Uint8Array): void {
  if (bytes.length > 0) w.writeBytes(field, bytes);
}

function isResponseList(responses: ProposalResponse | readonly ProposalResponse[]): responses is readonly ProposalResponse[] {
  return Array.isArray(responses);
}
