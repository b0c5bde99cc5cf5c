import { errorMessage } from '../common/errors/weft-error.js';
import { ChaincodeInvocationSpec, ChaincodeProposalPayload, ChannelHeader, Header, Proposal, type SignedProposal } from '../common/protos/proposal.js';
import { GatewayError } from './gateway-error.js';

type Header = InstanceType<typeof Header>;
type ChaincodeProposalPayload = InstanceType<typeof ChaincodeProposalPayload>;

/** What the Gateway needs of a client's signed proposal to route it. */
export interface ProposalSummary {
  channelId: string;
  chaincodeName: string;
  hasTransientData: boolean;
  header: Header;
  payload: ChaincodeProposalPayload;
}

/**
 * Reads the channel, the chaincode and whether transient data comes with a proposal; a proposal
 * that cannot be read, or names no channel or chaincode, is INVALID_ARGUMENT naming the part.
 */
export function summarizeProposal(signed: SignedProposal | undefined): ProposalSummary {
  const bytes = signed?.getProposalBytes_asU8() ?? new Uint8Array(0);
  if (bytes.length === 0) throw invalid('a signed proposal is required');
  const proposal = decode('proposal', () => Proposal.deserializeBinary(bytes));
  const header = decode('proposal header', () => Header.deserializeBinary(proposal.getHeader_asU8()));
  const channelHeader = decode('channel header', () => ChannelHeader.deserializeBinary(header.getChannelHeader_asU8()));
  const payload = decode('chaincode proposal payload', () => ChaincodeProposalPayload.deserializeBinary(proposal.getPayload_asU8()));
  const spec = decode('chaincode invocation spec', () => ChaincodeInvocationSpec.deserializeBinary(payload.getInput_asU8())).getChaincodeSpec();
  const channelId = channelHeader.getChannelId();
  if (channelId === '') throw invalid('no channel id provided');
  if (spec === undefined) throw invalid(`no chaincode spec is provided, channel id [${channelId}]`);
  const chaincodeName = spec.getChaincodeId()?.getName() ?? '';
  if (chaincodeName === '') throw invalid(`no chaincode name is provided, channel id [${channelId}]`);
  return { channelId, chaincodeName, hasTransientData: payload.getTransientmapMap().getLength() > 0, header, payload };
}

function invalid(message: string): GatewayError {
  return new GatewayError('INVALID_ARGUMENT', `failed to unpack transaction proposal: ${message}`);
}

function decode<T>(part: string, read: () => T): T {
  try {
    return read();
  } catch (err) {
    throw invalid(`the ${part} cannot be decoded: ${errorMessage(err)}`);
  }
}
