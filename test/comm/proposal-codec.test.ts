import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeSignedProposal, encodeProposalResponse } from '../../src/comm/proposal-codec.js';
import { Response, Timestamp } from '../../src/common/protos/peer.js';
import { Endorsement, ProposalResponse, SignedProposal } from '../../src/common/protos/proposal.js';

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');

function reply(status: number, message: string, payloadSize: number, endorsed: boolean): ProposalResponse {
  const r = new ProposalResponse();
  r.setVersion(1);
  const response = new Response();
  response.setStatus(status);
  response.setMessage(message);
  response.setPayload(Buffer.alloc(payloadSize, 5));
  r.setResponse(response);
  r.setPayload(Buffer.alloc(payloadSize * 2, 6));
  if (endorsed) {
    const e = new Endorsement();
    e.setEndorser(Buffer.alloc(800, 7));
    e.setSignature(Buffer.alloc(71, 8));
    r.setEndorsement(e);
  }
  return r;
}

test('proposal responses are written byte for byte as the generated code writes them', () => {
  const cases = [
    reply(200, '', 10, true),
    reply(200, 'OK', 0, true),
    reply(500, 'access denied: channel [mychannel] creator org [Org2MSP]', 0, false),
    reply(-5, 'négatif', 3, false),
    reply(200, '', 40_000, true),
    new ProposalResponse(),
  ];
  for (const r of cases) assert.equal(hex(encodeProposalResponse(r)), hex(r.serializeBinary()));
  const withTime = reply(200, '', 1, true);
  const ts = new Timestamp();
  ts.setSeconds(5);
  withTime.setTimestamp(ts);
  assert.equal(hex(encodeProposalResponse(withTime)), hex(withTime.serializeBinary()));
});

test('a signed proposal is read from a slice of the call\'s buffer', () => {
  const sp = new SignedProposal();
  sp.setProposalBytes(Buffer.from('proposal'));
  sp.setSignature(Buffer.from('signature'));
  const framed = Buffer.concat([Buffer.alloc(5), Buffer.from(sp.serializeBinary()), Buffer.from('next')]);
  const read = decodeSignedProposal(framed.subarray(5, framed.length - 4));
  assert.equal(Buffer.from(read.getProposalBytes_asU8()).toString(), 'proposal');
  assert.equal(Buffer.from(read.getSignature_asU8()).toString(), 'signature');
});
