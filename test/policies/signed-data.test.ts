import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Envelope, Payload } from '../../src/common/protos/common.js';
import { Header, Proposal, SignatureHeader, SignedProposal } from '../../src/common/protos/proposal.js';
import { signedDataOfEnvelope, signedDataOfProposal } from '../../src/policies/signed-data.js';

const creator = new TextEncoder().encode('the creator');
const signature = Uint8Array.of(1, 2, 3);

function signatureHeader(): Uint8Array {
  const sh = new SignatureHeader();
  sh.setCreator(creator);
  sh.setNonce(Uint8Array.of(9));
  return sh.serializeBinary();
}

describe('signed data', () => {
  test('of a proposal: the proposal bytes, the creator of its signature header, its signature', () => {
    const header = new Header();
    header.setSignatureHeader(signatureHeader());
    const proposal = new Proposal();
    proposal.setHeader(header.serializeBinary());
    const sp = new SignedProposal();
    sp.setProposalBytes(proposal.serializeBinary());
    sp.setSignature(signature);
    assert.deepEqual(signedDataOfProposal(sp), [{ data: proposal.serializeBinary(), identity: creator, signature }]);
  });

  test('of an envelope: the payload bytes, the creator of the payload signature header, its signature', () => {
    const header = new Header();
    header.setSignatureHeader(signatureHeader());
    const payload = new Payload();
    payload.setHeader(header);
    const env = new Envelope();
    env.setPayload(payload.serializeBinary());
    env.setSignature(signature);
    assert.deepEqual(signedDataOfEnvelope(env), [{ data: payload.serializeBinary(), identity: creator, signature }]);
  });

  test('malformed parts are named', () => {
    const sp = new SignedProposal();
    sp.setProposalBytes(Uint8Array.of(0xff, 0xff, 0xff));
    assert.throws(() => signedDataOfProposal(sp), { code: 'MALFORMED_SIGNED_DATA', message: /^error unmarshalling Proposal/ });
    const proposal = new Proposal();
    proposal.setHeader(Uint8Array.of(0x0a, 0x05, 0x01));
    sp.setProposalBytes(proposal.serializeBinary());
    assert.throws(() => signedDataOfProposal(sp), { code: 'MALFORMED_SIGNED_DATA', message: /^error unmarshalling Header/ });
    const env = new Envelope();
    env.setPayload(new Payload().serializeBinary());
    assert.throws(() => signedDataOfEnvelope(env), { code: 'MALFORMED_SIGNED_DATA', message: 'Missing Header in the envelope payload' });
    env.setPayload(Uint8Array.of(0xff, 0xff));
    assert.throws(() => signedDataOfEnvelope(env), { code: 'MALFORMED_SIGNED_DATA', message: /^error unmarshalling Payload/ });
  });
});
