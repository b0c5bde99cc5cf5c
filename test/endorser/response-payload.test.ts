import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ChaincodeEvent, Response } from '../../src/common/protos/peer.js';
import { ChaincodeAction, ProposalResponsePayload } from '../../src/common/protos/proposal.js';
import { responsePayloadBytes } from '../../src/endorser/response-payload.js';

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');

function response(status: number, message: string, payload: string): Response {
  const r = new Response();
  r.setStatus(status);
  r.setMessage(message);
  r.setPayload(Buffer.from(payload));
  return r;
}

test('the payload an endorser signs reads back through the generated code, in its canonical bytes', () => {
  const event = new ChaincodeEvent();
  event.setChaincodeId('mycc');
  event.setTxId('tx1');
  event.setEventName('Created');
  event.setPayload(Buffer.from('{"id":1}'));
  const bytes = responsePayloadBytes({
    proposalHash: Buffer.alloc(32, 7),
    results: Buffer.from([0x12, 0x03, 0x0a, 0x01, 0x61]),
    event,
    response: response(200, 'OK', 'value'),
    chaincodeName: 'mycc',
    chaincodeVersion: '1.0',
  });
  const payload = ProposalResponsePayload.deserializeBinary(bytes);
  assert.equal(hex(payload.serializeBinary()), hex(bytes));
  assert.equal(hex(payload.getProposalHash_asU8()), hex(Buffer.alloc(32, 7)));
  const action = ChaincodeAction.deserializeBinary(payload.getExtension_asU8());
  assert.equal(hex(action.serializeBinary()), hex(payload.getExtension_asU8()));
  assert.equal(hex(action.getResults_asU8()), '12030a0161');
  assert.deepEqual(ChaincodeEvent.deserializeBinary(action.getEvents_asU8()).toObject(), event.toObject());
  assert.deepEqual([action.getResponse()?.getStatus(), action.getResponse()?.getMessage(), Buffer.from(action.getResponse()?.getPayload_asU8() ?? []).toString()], [200, 'OK', 'value']);
  assert.deepEqual([action.getChaincodeId()?.getPath(), action.getChaincodeId()?.getName(), action.getChaincodeId()?.getVersion()], ['', 'mycc', '1.0']);
});

test('no event, no results and an empty response leave their fields out, as proto3 does', () => {
  const bytes = responsePayloadBytes({ proposalHash: Buffer.alloc(32), results: new Uint8Array(0), event: undefined, response: new Response(), chaincodeName: 'cc', chaincodeVersion: '' });
  const action = ChaincodeAction.deserializeBinary(ProposalResponsePayload.deserializeBinary(bytes).getExtension_asU8());
  assert.equal(hex(action.serializeBinary()), hex(ProposalResponsePayload.deserializeBinary(bytes).getExtension_asU8()));
  assert.equal(action.getEvents_asU8().length, 0);
  assert.equal(action.getResults_asU8().length, 0);
  assert.equal(action.hasResponse(), true, 'the response is always there, even empty');
});

test('a negative status and a payload larger than the first guess are written as the generated code writes them', () => {
  const big = 'x'.repeat(70_000);
  const bytes = responsePayloadBytes({ proposalHash: Buffer.alloc(32, 1), results: Buffer.alloc(300, 2), event: undefined, response: response(-1, 'é failed', big), chaincodeName: 'cc', chaincodeVersion: '2' });
  const payload = ProposalResponsePayload.deserializeBinary(bytes);
  assert.equal(hex(payload.serializeBinary()), hex(bytes));
  const action = ChaincodeAction.deserializeBinary(payload.getExtension_asU8());
  assert.equal(hex(action.serializeBinary()), hex(payload.getExtension_asU8()));
  assert.equal(action.getResponse()?.getStatus(), -1);
  assert.equal(action.getResponse()?.getMessage(), 'é failed');
  assert.equal(Buffer.from(action.getResponse()?.getPayload_asU8() ?? []).toString(), big);
});
