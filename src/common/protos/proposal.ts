/** Proposal and response protobufs of the Endorser service (deep imports: see peer.ts). */
import chaincodePb from '@hyperledger/fabric-protos/lib/peer/chaincode_pb.js';
import commonPb from '@hyperledger/fabric-protos/lib/common/common_pb.js';
import proposalPb from '@hyperledger/fabric-protos/lib/peer/proposal_pb.js';
import responsePb from '@hyperledger/fabric-protos/lib/peer/proposal_response_pb.js';

export const { SignedProposal, Proposal, ChaincodeHeaderExtension, ChaincodeProposalPayload, ChaincodeAction } = proposalPb;
export type SignedProposal = InstanceType<typeof proposalPb.SignedProposal>;
export type Proposal = InstanceType<typeof proposalPb.Proposal>;

export const { ProposalResponse, ProposalResponsePayload, Endorsement } = responsePb;
export type ProposalResponse = InstanceType<typeof responsePb.ProposalResponse>;
export type Endorsement = InstanceType<typeof responsePb.Endorsement>;

export const { Header, ChannelHeader, SignatureHeader, HeaderType } = commonPb;
export type ChannelHeader = InstanceType<typeof commonPb.ChannelHeader>;
export type HeaderTypeValue = ReturnType<ChannelHeader['getType']>;

export const { ChaincodeInvocationSpec } = chaincodePb;
