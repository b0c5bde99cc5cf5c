import type { SignedProposal } from '../common/protos/proposal.js';

/**
 * The ACL check a system chaincode makes for each function, on the proposal it runs for (Fabric's
 * aclmgmt.ACLProvider as the SCCs use it). Throws an error with Fabric's message when the proposal's
 * creator may not use `resource` (`qscc/GetChainInfo`, `cscc/JoinChain`, ...) on the channel; a
 * channel-less resource ('' channel) is checked against the peer's local MSP.
 */
export interface SccAcl {
  checkACL(resource: string, channelId: string, signed: SignedProposal | undefined): void;
}
