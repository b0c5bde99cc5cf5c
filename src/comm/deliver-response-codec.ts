import type { ServiceDefinition } from '@grpc/grpc-js';
import type { Block } from '../common/protos/common.js';
import { WireWriter } from '../common/protos/wire-writer.js';
import { bufferOf } from './wire-views.js';

/** The peer's and the orderer's DeliverResponse alike: a oneof whose field 2 is the block. */
interface DeliverResponseLike {
  getBlock(): Block | undefined;
  serializeBinary(): Uint8Array;
}

/**
 * A Deliver response, byte for byte as the generated code writes it. One that carries a block is
 * written in one pass into one buffer of about its size: google-protobuf wrote each of the block's
 * parts in a buffer of its own and then joined them, for every block sent to every reader.
 */
export function encodeDeliverResponse(response: DeliverResponseLike): Buffer {
  const block = response.getBlock();
  if (block === undefined) return bufferOf(response.serializeBinary());
  const data = block.getData()?.getDataList_asU8();
  const metadata = block.getMetadata()?.getMetadataList_asU8();
  let size = 160;
  for (const entry of data ?? []) size += entry.length + 6;
  for (const entry of metadata ?? []) size += entry.length + 6;
  const w = new WireWriter(size);
  w.message(2, () => {
    const header = block.getHeader();
    if (header !== undefined) {
      w.message(1, () => {
        const number = header.getNumber();
        if (number !== 0) w.varint(1, number);
        const previousHash = header.getPreviousHash_asU8();
        if (previousHash.length > 0) w.bytes(2, previousHash);
        const dataHash = header.getDataHash_asU8();
        if (dataHash.length > 0) w.bytes(3, dataHash);
      });
    }
    // Repeated bytes: every entry is written, an empty one too.
    if (data !== undefined) w.message(2, () => data.forEach((entry) => w.bytes(1, entry)));
    if (metadata !== undefined) w.message(3, () => metadata.forEach((entry) => w.bytes(1, entry)));
  });
  return w.finish();
}

/** `service` with the responses of its method `method` (a Deliver) written by encodeDeliverResponse. */
export function withDeliverResponseCodec<S extends ServiceDefinition>(service: S, method: keyof S & string): S {
  return { ...service, [method]: { ...service[method], responseSerialize: encodeDeliverResponse } };
}
