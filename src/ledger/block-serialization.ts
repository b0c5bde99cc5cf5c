import { ByteReader, ByteWriter } from '../common/protos/byte-codec.js';
import { common, type Block } from './protos.js';

/** Where one transaction envelope sits inside a serialized block. */
export interface TxOffset {
  offset: number;
  length: number;
}

export interface SerializedBlock {
  bytes: Uint8Array;
  /** Position of each envelope's own bytes (after its length prefix), relative to `bytes`. */
  txOffsets: TxOffset[];
}

/**
 * Fabric's block file record body: the header's number, data hash and previous hash, the data
 * entries, then the metadata entries, each as a varint or a length-prefixed byte string. Not the
 * Block protobuf: this layout lets the index point straight at one transaction's envelope.
 */
export function serializeBlock(block: Block): SerializedBlock {
  const header = block.getHeader();
  const data = block.getData()?.getDataList_asU8() ?? [];
  const metadata = block.getMetadata()?.getMetadataList_asU8() ?? [];
  let size = 64;
  for (const d of data) size += d.length + 10;
  for (const m of metadata) size += m.length + 10;
  const w = new ByteWriter(size);
  w.varint(header?.getNumber() ?? 0);
  w.bytes(header?.getDataHash_asU8() ?? new Uint8Array(0));
  w.bytes(header?.getPreviousHash_asU8() ?? new Uint8Array(0));
  w.varint(data.length);
  const txOffsets: TxOffset[] = [];
  for (const envelope of data) {
    w.varint(envelope.length);
    txOffsets.push({ offset: w.length, length: envelope.length });
    w.raw(envelope);
  }
  w.varint(metadata.length);
  for (const entry of metadata) w.bytes(entry);
  return { bytes: w.finish(), txOffsets };
}

/** The inverse of serializeBlock; throws TruncatedInputError on short input. */
export function deserializeBlock(bytes: Uint8Array): { block: Block; txOffsets: TxOffset[] } {
  const r = new ByteReader(bytes);
  const header = new common.BlockHeader();
  header.setNumber(r.varint());
  header.setDataHash(r.bytes());
  header.setPreviousHash(r.bytes());
  const data = new common.BlockData();
  const txOffsets: TxOffset[] = [];
  const count = r.varint();
  const envelopes: Uint8Array[] = [];
  for (let i = 0; i < count; i++) {
    const length = r.varint();
    txOffsets.push({ offset: r.pos, length });
    envelopes.push(r.raw(length));
  }
  data.setDataList(envelopes);
  const metadata = new common.BlockMetadata();
  const metadataCount = r.varint();
  const entries: Uint8Array[] = [];
  for (let i = 0; i < metadataCount; i++) entries.push(r.bytes());
  metadata.setMetadataList(entries);
  if (r.remaining !== 0) throw new RangeError(`${r.remaining} unexpected bytes after the block`);
  const block = new common.Block();
  block.setHeader(header);
  block.setData(data);
  block.setMetadata(metadata);
  return { block, txOffsets };
}
