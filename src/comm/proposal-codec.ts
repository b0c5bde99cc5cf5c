import type { MethodDefinition } from '@grpc/grpc-js';
import { SignedProposal, type Endorsement, type ProposalResponse } from '../common/protos/proposal.js';
import { writeResponse } from '../common/protos/response-wire.js';
import { WireWriter } from '../common/protos/wire-writer.js';
import { bufferOf, viewOf } from './wire-views.js';

/**
 * The wire codec of Endorser.ProcessProposal, in place of the generated one, which copied each
 * proposal it read into a fresh array and ended each response it wrote in another (allocations
 * outside V8's heap, on every endorsement).
 */
export function decodeSignedProposal(buf: Buffer): SignedProposal {
  return SignedProposal.deserializeBinary(viewOf(buf));
}

/**
 * The serialized ProposalResponse {version 1, timestamp 2, response 4, payload 5, endorsement 6,
 * interest 7}, byte for byte as the generated code writes it. The endorser sets neither a
 * timestamp nor an interest; a response that has one goes through the generated code.
 */
export function encodeProposalResponse(reply: ProposalResponse): Buffer {
  const response = reply.getResponse();
  const version = reply.getVersion();
  if (reply.hasTimestamp() || reply.hasInterest()) return bufferOf(reply.serializeBinary());
  const payload = reply.getPayload_asU8();
  const responsePayload = response?.getPayload_asU8();
  const endorsement = reply.getEndorsement();
  const w = new WireWriter(payload.length + (responsePayload?.length ?? 0) + 1280);
  if (version !== 0) w.int32(1, version);
  if (response !== undefined) w.message(4, () => writeResponse(w, response));
  if (payload.length > 0) w.bytes(5, payload);
  if (endorsement !== undefined) w.message(6, () => writeEndorsement(w, endorsement));
  return w.finish();
}

/** An Endorsement {endorser 1, signature 2}. */
function writeEndorsement(w: WireWriter, endorsement: Endorsement): void {
  const endorser = endorsement.getEndorser_asU8();
  if (endorser.length > 0) w.bytes(1, endorser);
  const signature = endorsement.getSignature_asU8();
  if (signature.length > 0) w.bytes(2, signature);
}

/** ProcessProposal with this codec on the server's side. */
export function withProposalCodec(method: MethodDefinition<SignedProposal, ProposalResponse>): MethodDefinition<SignedProposal, ProposalResponse> {
  return { ...method, requestDeserialize: decodeSignedProposal, responseSerialize: encodeProposalResponse };
}
