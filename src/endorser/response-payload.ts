import jspb from 'google-protobuf';
import { Response, type ChaincodeEvent } from '../common/protos/peer.js';

/** What the endorsement of a simulated proposal covers. */
export interface ResponsePayloadParts {
  /** The proposal hash (Fabric's GetProposalHash1). */
  proposalHash: Uint8Array;
  /** The serialized public read-write set. */
  results: Uint8Array;
  event: ChaincodeEvent | undefined;
  response: Response;
  chaincodeName: string;
  chaincodeVersion: string;
}

/**
 * The serialized ProposalResponsePayload {proposal_hash 1, extension 2: a ChaincodeAction
 * {results 1, events 2, response 3, chaincode_id 4 {path 1, name 2, version 3}}}, the bytes an
 * endorser signs. Written field by field, in field-number order with proto3's defaults left out,
 * as the generated code writes them: this runs for every endorsement, and building the three
 * messages as objects first cost more than writing them.
 */
export function responsePayloadBytes(parts: ResponsePayloadParts): Uint8Array {
  const action = new jspb.BinaryWriter();
  if (parts.results.length > 0) action.writeBytes(1, parts.results);
  if (parts.event !== undefined) {
    const event = parts.event.serializeBinary();
    if (event.length > 0) action.writeBytes(2, event);
  }
  action.writeMessage(3, parts.response, (response: Response, w: jspb.BinaryWriter) => {
    Response.serializeBinaryToWriter(response, w);
  });
  action.writeMessage(4, parts, () => {
    if (parts.chaincodeName !== '') action.writeString(2, parts.chaincodeName);
    if (parts.chaincodeVersion !== '') action.writeString(3, parts.chaincodeVersion);
  });
  const payload = new jspb.BinaryWriter();
  if (parts.proposalHash.length > 0) payload.writeBytes(1, parts.proposalHash);
  const extension = action.getResultBuffer();
  if (extension.length > 0) payload.writeBytes(2, extension);
  return payload.getResultBuffer();
}
