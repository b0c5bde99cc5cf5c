import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeChaincodeMessage, encodeChaincodeMessage } from '../../src/comm/chaincode-message-codec.js';
import { ChaincodeEvent, ChaincodeMessage, MessageTypes, Timestamp, type MessageType } from '../../src/common/protos/peer.js';
import { SignedProposal } from '../../src/common/protos/proposal.js';

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');

/** A small deterministic generator, so that a failure can be replayed. */
function random(seed: number): (n: number) => number {
  let state = seed;
  return (n) => {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    return state % n;
  };
}

function message(next: (n: number) => number): ChaincodeMessage {
  const msg = new ChaincodeMessage();
  msg.setType(next(22) as MessageType);
  if (next(4) > 0) msg.setPayload(Buffer.alloc(next(3) === 0 ? 200 + next(5000) : next(120), next(256)));
  if (next(4) > 0) msg.setTxid(Buffer.alloc(32, next(256)).toString('hex'));
  if (next(3) > 0) msg.setChannelId(['mychannel', 'ç-ünïcode', ''][next(3)] ?? '');
  if (next(2) === 0) {
    const proposal = new SignedProposal();
    if (next(5) > 0) proposal.setProposalBytes(Buffer.alloc(next(3000), 3));
    if (next(5) > 0) proposal.setSignature(Buffer.alloc(70 + next(3), 4));
    msg.setProposal(proposal);
  }
  return msg;
}

test('the peer writes every kind of chaincode message byte for byte as the generated code, and reads it back', () => {
  const next = random(7);
  for (let i = 0; i < 5000; i++) {
    const msg = message(next);
    const bytes = encodeChaincodeMessage(msg);
    assert.equal(hex(bytes), hex(msg.serializeBinary()), `message ${i}`);
    assert.deepEqual(decodeChaincodeMessage(bytes).toObject(), msg.toObject(), `message ${i}`);
  }
});

test('a message with a timestamp or an event (a chaincode\'s) is written by the generated code', () => {
  const withEvent = new ChaincodeMessage();
  withEvent.setType(MessageTypes.COMPLETED);
  const event = new ChaincodeEvent();
  event.setEventName('Created');
  withEvent.setChaincodeEvent(event);
  const withTime = new ChaincodeMessage();
  withTime.setType(MessageTypes.REGISTER);
  const ts = new Timestamp();
  ts.setSeconds(1_700_000_000);
  withTime.setTimestamp(ts);
  for (const msg of [withEvent, withTime]) {
    assert.equal(hex(encodeChaincodeMessage(msg)), hex(msg.serializeBinary()));
    assert.deepEqual(decodeChaincodeMessage(encodeChaincodeMessage(msg)).toObject(), msg.toObject());
  }
});

test('a read message keeps its bytes when gRPC hands over a slice of a larger buffer', () => {
  const msg = new ChaincodeMessage();
  msg.setType(MessageTypes.GET_STATE);
  msg.setPayload(Buffer.from('key1'));
  msg.setTxid('tx1');
  const framed = Buffer.concat([Buffer.from([0, 0, 0, 0, 9]), Buffer.from(msg.serializeBinary()), Buffer.from('trailing')]);
  const read = decodeChaincodeMessage(framed.subarray(5, framed.length - 'trailing'.length));
  assert.equal(Buffer.from(read.getPayload_asU8()).toString(), 'key1');
  assert.equal(read.getTxid(), 'tx1');
  assert.equal(read.getType(), MessageTypes.GET_STATE);
});

test('bytes that are not a chaincode message are refused', () => {
  assert.throws(() => decodeChaincodeMessage(Buffer.from([0x0a, 0x05, 0x01])));
});
