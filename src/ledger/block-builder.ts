import { blockDataHash } from './block-hash.js';
import { WireWriter } from '../common/protos/wire-writer.js';
import { common, type Block, type Envelope } from './protos.js';

export interface NewBlockOptions {
  number: number;
  /** The header hash of the previous block (`BlockchainInfo.currentBlockHash`). */
  previousHash: Uint8Array;
  envelopes: ReadonlyArray<Envelope | Uint8Array>;
}

/**
 * A block as an orderer cuts it: header with number, previous hash and data hash, the envelopes,
 * and Fabric's five metadata slots left empty for the orderer and committer to fill.
 */
export function newBlock(opts: NewBlockOptions): Block {
  const data = opts.envelopes.map((e) => (e instanceof Uint8Array ? e : envelopeBytes(e)));
  const header = new common.BlockHeader();
  header.setNumber(opts.number);
  header.setPreviousHash(opts.previousHash);
  header.setDataHash(blockDataHash(data));
  const blockData = new common.BlockData();
  blockData.setDataList(data);
  const metadata = new common.BlockMetadata();
  metadata.setMetadataList(Array.from({ length: 5 }, () => new Uint8Array(0)));
  const block = new common.Block();
  block.setHeader(header);
  block.setData(blockData);
  block.setMetadata(metadata);
  return block;
}

/**
 * An Envelope {payload 1, signature 2} as the generated code writes it, in one buffer from Node's
 * pool: the orderer writes every transaction it orders into its block this way.
 */
function envelopeBytes(envelope: Envelope): Uint8Array {
  const payload = envelope.getPayload_asU8();
  const signature = envelope.getSignature_asU8();
  const w = new WireWriter(payload.length + signature.length + 12);
  if (payload.length > 0) w.bytes(1, payload);
  if (signature.length > 0) w.bytes(2, signature);
  return w.finish();
}
