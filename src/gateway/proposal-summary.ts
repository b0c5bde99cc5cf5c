import { errorMessage } from '../common/errors/weft-error.js';
import type { SignedProposal } from '../common/protos/proposal.js';
import { bytesField, forEachField, utf8 } from '../common/protos/proto-wire.js';
import { GatewayError } from './gateway-error.js';

/** What the Gateway needs of a client's signed proposal to route it. */
export interface ProposalSummary {
  channelId: string;
  chaincodeName: string;
  hasTransientData: boolean;
}

const NO_BYTES: Uint8Array = new Uint8Array(0);

/**
 * Reads the channel, the chaincode and whether transient data comes with a proposal; a proposal
 * that cannot be read, or names no channel or chaincode, is INVALID_ARGUMENT naming the part. Read
 * from the wire (field numbers of Fabric's common.proto, proposal.proto and chaincode.proto): the
 * endorser unpacks the same proposal again, and message objects for a glance cost more than the glance.
 */
export function summarizeProposal(signed: SignedProposal | undefined): ProposalSummary {
  const bytes = signed?.getProposalBytes_asU8() ?? NO_BYTES;
  if (bytes.length === 0) throw invalid('a signed proposal is required');
  const proposal = decode('proposal', () => ({ header: bytesField(bytes, 1) ?? NO_BYTES, payload: bytesField(bytes, 2) ?? NO_BYTES }));
  const header = decode('proposal header', () => bytesField(proposal.header, 1) ?? NO_BYTES);
  const channelId = decode('channel header', () => utf8(bytesField(header, 4)));
  let input: Uint8Array = NO_BYTES;
  let hasTransientData = false;
  decode('chaincode proposal payload', () => {
    forEachField(proposal.payload, (field, _value, value) => {
      if (field === 1 && value !== undefined) input = value;
      else if (field === 2) hasTransientData = true;
    });
  });
  const spec = decode('chaincode invocation spec', () => bytesField(input, 1));
  if (channelId === '') throw invalid('no channel id provided');
  if (spec === undefined) throw invalid(`no chaincode spec is provided, channel id [${channelId}]`);
  const chaincodeId = decode('chaincode spec', () => bytesField(spec, 2) ?? NO_BYTES);
  const chaincodeName = decode('chaincode ID', () => utf8(bytesField(chaincodeId, 2)));
  if (chaincodeName === '') throw invalid(`no chaincode name is provided, channel id [${channelId}]`);
  return { channelId, chaincodeName, hasTransientData };
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
