import type { ChaincodeEvent, Response } from '../common/protos/peer.js';
import { writeResponse } from '../common/protos/response-wire.js';
import { WireWriter } from '../common/protos/wire-writer.js';

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
  const event = parts.event?.serializeBinary();
  const w = new WireWriter(parts.proposalHash.length + parts.results.length + (event?.length ?? 0) + parts.response.getPayload_asU8().length + 256);
  if (parts.proposalHash.length > 0) w.bytes(1, parts.proposalHash);
  // The extension, a ChaincodeAction: never empty, since its response and chaincode id are always written.
  w.message(2, () => {
    if (parts.results.length > 0) w.bytes(1, parts.results);
    if (event !== undefined && event.length > 0) w.bytes(2, event);
    w.message(3, () => writeResponse(w, parts.response));
    w.message(4, () => {
      if (parts.chaincodeName !== '') w.string(2, parts.chaincodeName);
      if (parts.chaincodeVersion !== '') w.string(3, parts.chaincodeVersion);
    });
  });
  return w.finish();
}
