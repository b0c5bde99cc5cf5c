import { Header, Proposal, SignatureHeader, type SignedProposal } from '../common/protos/proposal.js';
import { SerializedIdentity } from '../common/protos/collection.js';

/** The MSP id of the client who made the proposal (its creator's SerializedIdentity); undefined when unreadable. */
export function creatorMspId(signed: SignedProposal | undefined): string | undefined {
  if (signed === undefined) return undefined;
  try {
    const header = Header.deserializeBinary(Proposal.deserializeBinary(signed.getProposalBytes_asU8()).getHeader_asU8());
    const creator = SignatureHeader.deserializeBinary(header.getSignatureHeader_asU8()).getCreator_asU8();
    if (creator.length === 0) return undefined;
    return SerializedIdentity.deserializeBinary(creator).getMspid();
  } catch {
    return undefined;
  }
}
