import { Payload, type Envelope } from '../common/protos/common.js';
import { Header, Proposal, SignatureHeader, type SignedProposal } from '../common/protos/proposal.js';
import { errorMessage } from '../common/errors/weft-error.js';
import { PolicyError } from './policy-error.js';

/** One signature to check (Fabric's protoutil.SignedData): who signed what. */
export interface SignedData {
  data: Uint8Array;
  /** A serialized identity (msp.SerializedIdentity bytes). */
  identity: Uint8Array;
  signature: Uint8Array;
}

/** The proposal bytes, signed by the creator of its signature header. */
export function signedDataOfProposal(sp: SignedProposal): SignedData[] {
  const proposalBytes = sp.getProposalBytes_asU8();
  const proposal = decode('Proposal', () => Proposal.deserializeBinary(proposalBytes));
  const header = decode('Header', () => Header.deserializeBinary(proposal.getHeader_asU8()));
  const signatureHeader = decode('SignatureHeader', () => SignatureHeader.deserializeBinary(header.getSignatureHeader_asU8()));
  return [{ data: proposalBytes, identity: signatureHeader.getCreator_asU8(), signature: sp.getSignature_asU8() }];
}

/** The payload bytes of an envelope, signed by the creator of the payload's signature header. */
export function signedDataOfEnvelope(env: Envelope): SignedData[] {
  const payloadBytes = env.getPayload_asU8();
  const payload = decode('Payload', () => Payload.deserializeBinary(payloadBytes));
  const header = payload.getHeader();
  if (header === undefined) throw new PolicyError('MALFORMED_SIGNED_DATA', 'Missing Header in the envelope payload');
  const signatureHeader = decode('SignatureHeader', () => SignatureHeader.deserializeBinary(header.getSignatureHeader_asU8()));
  return [{ data: payloadBytes, identity: signatureHeader.getCreator_asU8(), signature: env.getSignature_asU8() }];
}

function decode<T>(part: string, read: () => T): T {
  try {
    return read();
  } catch (err) {
    throw new PolicyError('MALFORMED_SIGNED_DATA', `error unmarshalling ${part}: ${errorMessage(err)}`, { cause: err });
  }
}
