import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ChaincodeID, ChaincodeInput, ChaincodeSpec } from '../../src/common/protos/peer.js';
import {
  ChaincodeInvocationSpec,
  ChaincodeProposalPayload,
  ChannelHeader,
  Header,
  Proposal,
  SignedProposal,
  type SignedProposal as SignedProposalType,
} from '../../src/common/protos/proposal.js';
import { GatewayError } from '../../src/gateway/gateway-error.js';
import { summarizeProposal } from '../../src/gateway/proposal-summary.js';

function signed(opts: { channelId?: string; chaincode?: string; spec?: boolean; transient?: boolean }): SignedProposalType {
  const channelHeader = new ChannelHeader();
  channelHeader.setType(3);
  channelHeader.setChannelId(opts.channelId ?? 'mychannel');
  channelHeader.setTxId('tx1');
  const header = new Header();
  header.setChannelHeader(channelHeader.serializeBinary());
  const invocation = new ChaincodeInvocationSpec();
  if (opts.spec !== false) {
    const id = new ChaincodeID();
    id.setName(opts.chaincode ?? 'basic');
    const spec = new ChaincodeSpec();
    spec.setChaincodeId(id);
    spec.setInput(new ChaincodeInput());
    invocation.setChaincodeSpec(spec);
  }
  const payload = new ChaincodeProposalPayload();
  payload.setInput(invocation.serializeBinary());
  if (opts.transient === true) payload.getTransientmapMap().set('asset', Buffer.from('secret'));
  const proposal = new Proposal();
  proposal.setHeader(header.serializeBinary());
  proposal.setPayload(payload.serializeBinary());
  const s = new SignedProposal();
  s.setProposalBytes(proposal.serializeBinary());
  return s;
}

function refusedWith(message: string): (err: unknown) => boolean {
  return (err) => err instanceof GatewayError && err.code === 'INVALID_ARGUMENT' && err.message === `failed to unpack transaction proposal: ${message}`;
}

describe('summarizeProposal', () => {
  test('reads the channel, the chaincode and whether transient data comes along', () => {
    assert.deepEqual(summarizeProposal(signed({})), { channelId: 'mychannel', chaincodeName: 'basic', hasTransientData: false });
    assert.deepEqual(summarizeProposal(signed({ channelId: 'other', chaincode: 'private', transient: true })), { channelId: 'other', chaincodeName: 'private', hasTransientData: true });
  });

  test('refuses a proposal without a channel, a chaincode spec or a chaincode name, as Fabric words it', () => {
    assert.throws(() => summarizeProposal(undefined), refusedWith('a signed proposal is required'));
    assert.throws(() => summarizeProposal(signed({ channelId: '' })), refusedWith('no channel id provided'));
    assert.throws(() => summarizeProposal(signed({ spec: false })), refusedWith('no chaincode spec is provided, channel id [mychannel]'));
    assert.throws(() => summarizeProposal(signed({ chaincode: '' })), refusedWith('no chaincode name is provided, channel id [mychannel]'));
  });

  test('a proposal that is not protobuf is refused, naming the part that cannot be read', () => {
    const s = new SignedProposal();
    s.setProposalBytes(Buffer.from([0x0a, 0x7f, 0x01]));
    assert.throws(() => summarizeProposal(s), (err: unknown) => err instanceof GatewayError && err.code === 'INVALID_ARGUMENT' && /the proposal cannot be decoded/.test(err.message));
  });
});
