import assert from 'node:assert/strict';
import { generateKeyPairSync, sign, verify } from 'node:crypto';
import { describe, test } from 'node:test';
import transactionPb from '@hyperledger/fabric-protos/lib/peer/transaction_pb.js';
import { ClientError } from '../../src/client/client-error.js';
import { createTransactionEnvelope } from '../../src/client/transaction-envelope.js';
import { Envelope, Payload } from '../../src/common/protos/common.js';
import {
  ChaincodeProposalPayload,
  ChannelHeader,
  Endorsement,
  Header,
  Proposal,
  ProposalResponse,
  SignatureHeader,
  SignedProposal,
  type ProposalResponse as ProposalResponseType,
  type SignedProposal as SignedProposalType,
} from '../../src/common/protos/proposal.js';

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');

function signedProposal(transient: boolean): SignedProposalType {
  const channelHeader = new ChannelHeader();
  channelHeader.setType(3);
  channelHeader.setChannelId('mychannel');
  channelHeader.setTxId('ab'.repeat(32));
  const signatureHeader = new SignatureHeader();
  signatureHeader.setCreator(Buffer.from('creator'));
  signatureHeader.setNonce(Buffer.alloc(24, 9));
  const header = new Header();
  header.setChannelHeader(channelHeader.serializeBinary());
  header.setSignatureHeader(signatureHeader.serializeBinary());
  const payload = new ChaincodeProposalPayload();
  payload.setInput(Buffer.from('the invocation spec'));
  if (transient) payload.getTransientmapMap().set('secret', Buffer.from('not for the orderer'));
  const proposal = new Proposal();
  proposal.setHeader(header.serializeBinary());
  proposal.setPayload(payload.serializeBinary());
  const signed = new SignedProposal();
  signed.setProposalBytes(proposal.serializeBinary());
  signed.setSignature(Buffer.from('client signature'));
  return signed;
}

function response(payload: string, endorser: string): ProposalResponseType {
  const endorsement = new Endorsement();
  endorsement.setEndorser(Buffer.from(endorser));
  endorsement.setSignature(Buffer.from(`${endorser} signature`));
  const r = new ProposalResponse();
  r.setPayload(Buffer.from(payload));
  r.setEndorsement(endorsement);
  return r;
}

/** The same transaction built the long way, through the generated message classes. */
function reference(signed: SignedProposalType, responses: readonly ProposalResponseType[]): Uint8Array {
  const proposal = Proposal.deserializeBinary(signed.getProposalBytes_asU8());
  const header = Header.deserializeBinary(proposal.getHeader_asU8());
  const visible = new ChaincodeProposalPayload();
  visible.setInput(ChaincodeProposalPayload.deserializeBinary(proposal.getPayload_asU8()).getInput_asU8());
  const endorsed = new transactionPb.ChaincodeEndorsedAction();
  endorsed.setProposalResponsePayload(responses[0]?.getPayload_asU8() ?? new Uint8Array(0));
  for (const r of responses) {
    const endorsement = r.getEndorsement();
    if (endorsement !== undefined) endorsed.addEndorsements(endorsement);
  }
  const actionPayload = new transactionPb.ChaincodeActionPayload();
  actionPayload.setChaincodeProposalPayload(visible.serializeBinary());
  actionPayload.setAction(endorsed);
  const action = new transactionPb.TransactionAction();
  action.setHeader(header.getSignatureHeader_asU8());
  action.setPayload(actionPayload.serializeBinary());
  const tx = new transactionPb.Transaction();
  tx.addActions(action);
  const payload = new Payload();
  payload.setHeader(header);
  payload.setData(tx.serializeBinary());
  return payload.serializeBinary();
}

describe('createTransactionEnvelope', () => {
  test('writes the bytes the generated classes write, for one endorsement or several', () => {
    const signed = signedProposal(false);
    const one = [response('the response payload', 'peer0')];
    assert.equal(hex(createTransactionEnvelope(signed, one).getPayload_asU8()), hex(reference(signed, one)));
    const two = [response('the response payload', 'peer0'), response('the response payload', 'peer1')];
    const envelope = createTransactionEnvelope(signed, two);
    assert.equal(hex(envelope.getPayload_asU8()), hex(reference(signed, two)));
    assert.equal(envelope.getSignature_asU8().length, 0, 'unsigned without a signer');
    // It reads back as an envelope whose transaction carries both endorsements.
    const tx = transactionPb.Transaction.deserializeBinary(Payload.deserializeBinary(Envelope.deserializeBinary(envelope.serializeBinary()).getPayload_asU8()).getData_asU8());
    const action = transactionPb.ChaincodeActionPayload.deserializeBinary(tx.getActionsList()[0]?.getPayload_asU8() ?? new Uint8Array(0)).getAction();
    assert.deepEqual(action?.getEndorsementsList().map((e) => Buffer.from(e.getEndorser_asU8()).toString()), ['peer0', 'peer1']);
  });

  test('leaves the transient map out of the transaction', () => {
    const signed = signedProposal(true);
    const responses = [response('payload', 'peer0')];
    const payload = createTransactionEnvelope(signed, responses).getPayload_asU8();
    assert.equal(hex(payload), hex(reference(signed, responses)));
    assert.ok(!Buffer.from(payload).includes('not for the orderer'));
  });

  test('a signer signs the payload bytes', () => {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const envelope = createTransactionEnvelope(signedProposal(false), response('p', 'peer0'), { sign: (message) => sign('sha256', message, privateKey) });
    assert.ok(verify('sha256', envelope.getPayload_asU8(), publicKey, envelope.getSignature_asU8()));
  });

  test('responses with different payloads, or none, are refused', () => {
    const signed = signedProposal(false);
    assert.throws(
      () => createTransactionEnvelope(signed, [response('one', 'peer0'), response('two', 'peer1')]),
      (err: unknown) => err instanceof ClientError && err.code === 'PROPOSAL_FAILED' && err.message === 'ProposalResponsePayloads do not match',
    );
    assert.throws(() => createTransactionEnvelope(signed, []), (err: unknown) => err instanceof ClientError && /at least one proposal response/.test(err.message));
  });

  test('a proposal that is not protobuf is refused, naming the proposal', () => {
    const signed = new SignedProposal();
    signed.setProposalBytes(Buffer.from([0x0a, 0x7f, 0x01]));
    assert.throws(
      () => createTransactionEnvelope(signed, response('p', 'peer0')),
      (err: unknown) => err instanceof ClientError && err.code === 'PROPOSAL_FAILED' && /the proposal cannot be read/.test(err.message),
    );
  });
});
