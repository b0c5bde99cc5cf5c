import type { MethodDefinition } from '@grpc/grpc-js';
import { ChaincodeMessage } from '../common/protos/peer.js';
import { WireWriter } from '../common/protos/wire-writer.js';
import { bufferOf, viewOf } from './wire-views.js';

/**
 * The wire codec of the chaincode conversation (ChaincodeSupport.Register, Chaincode.Connect),
 * in place of the generated one, which copied every message it read into a fresh array and ended
 * every message it wrote in another: two allocations outside V8's heap per message, six messages
 * per transaction.
 */
export function encodeChaincodeMessage(msg: ChaincodeMessage): Buffer {
  // The peer's messages never carry a timestamp or an event; a message that does goes through the generated code.
  if (msg.hasTimestamp() || msg.hasChaincodeEvent()) return bufferOf(msg.serializeBinary());
  const payload = msg.getPayload_asU8();
  const proposal = msg.getProposal();
  const proposalBytes = proposal?.getProposalBytes_asU8();
  const signature = proposal?.getSignature_asU8();
  const w = new WireWriter(payload.length + (proposalBytes?.length ?? 0) + (signature?.length ?? 0) + 192);
  const type = msg.getType();
  if (type !== 0) w.varint(1, type);
  if (payload.length > 0) w.bytes(3, payload);
  const txId = msg.getTxid();
  if (txId !== '') w.string(4, txId);
  if (proposal !== undefined) w.message(5, () => writeSignedProposal(w, proposalBytes, signature));
  const channelId = msg.getChannelId();
  if (channelId !== '') w.string(7, channelId);
  return w.finish();
}

/** Reads a ChaincodeMessage; its bytes fields are views into `buf`, which gRPC does not reuse. */
export function decodeChaincodeMessage(buf: Buffer): ChaincodeMessage {
  return ChaincodeMessage.deserializeBinary(viewOf(buf));
}

/** A method of the chaincode services with this codec in both directions. */
export function withChaincodeMessageCodec(method: MethodDefinition<ChaincodeMessage, ChaincodeMessage>): MethodDefinition<ChaincodeMessage, ChaincodeMessage> {
  return {
    ...method,
    requestSerialize: encodeChaincodeMessage,
    requestDeserialize: decodeChaincodeMessage,
    responseSerialize: encodeChaincodeMessage,
    responseDeserialize: decodeChaincodeMessage,
  };
}

function writeSignedProposal(w: WireWriter, proposalBytes: Uint8Array | undefined, signature: Uint8Array | undefined): void {
  if (proposalBytes !== undefined && proposalBytes.length > 0) w.bytes(1, proposalBytes);
  if (signature !== undefined && signature.length > 0) w.bytes(2, signature);
}
