import { errorMessage } from '../common/errors/weft-error.js';
import { blockHeaderBytes } from '../ledger/block-hash.js';
import { common, type Block } from '../ledger/protos.js';

type MetadataSignature = InstanceType<typeof common.MetadataSignature>;

/** Fabric's block metadata slots (common.BlockMetadataIndex). */
export const SIGNATURES_INDEX = 0;
export const LAST_CONFIG_INDEX = 1;
const METADATA_SLOTS = 5;

/** Who signs blocks: the orderer's local signing identity. */
export interface BlockSigner {
  /** The serialized identity (msp.SerializedIdentity bytes). */
  serialize(): Uint8Array;
  sign(message: Uint8Array): Uint8Array;
}

/**
 * The bytes an orderer signs for a block, and a committer verifies: the SIGNATURES metadata value
 * (an OrdererBlockMetadata), then the signature's own SignatureHeader, then the DER block header.
 * The value comes from the block's SIGNATURES slot, so metadata the committer adds later
 * (TRANSACTIONS_FILTER) leaves it unchanged.
 */
export function blockSignatureMessage(block: Block, metadataSignature: MetadataSignature): Uint8Array {
  const header = block.getHeader();
  const value = signaturesMetadataOf(block).getValue_asU8();
  return Buffer.concat([
    value,
    metadataSignature.getSignatureHeader_asU8(),
    blockHeaderBytes({
      number: header?.getNumber() ?? 0,
      previousHash: header?.getPreviousHash_asU8() ?? new Uint8Array(0),
      dataHash: header?.getDataHash_asU8() ?? new Uint8Array(0),
    }),
  ]);
}

/** The Metadata in a block's SIGNATURES slot (empty when the slot is). */
export function signaturesMetadataOf(block: Block): InstanceType<typeof common.Metadata> {
  const bytes = block.getMetadata()?.getMetadataList_asU8()[SIGNATURES_INDEX] ?? new Uint8Array(0);
  try {
    return common.Metadata.deserializeBinary(bytes);
  } catch (err) {
    throw new RangeError(`block ${String(block.getHeader()?.getNumber() ?? 0)}: the SIGNATURES metadata does not decode: ${errorMessage(err)}`);
  }
}

/**
 * The number of the last config block a block names: the OrdererBlockMetadata in its SIGNATURES
 * slot, or, for blocks of orderers before Fabric 1.4.1, its LAST_CONFIG slot.
 */
export function lastConfigIndexOf(block: Block): number {
  const value = signaturesMetadataOf(block).getValue_asU8();
  if (value.length > 0) return common.OrdererBlockMetadata.deserializeBinary(value).getLastConfig()?.getIndex() ?? 0;
  const legacy = block.getMetadata()?.getMetadataList_asU8()[LAST_CONFIG_INDEX] ?? new Uint8Array(0);
  return common.LastConfig.deserializeBinary(common.Metadata.deserializeBinary(legacy).getValue_asU8()).getIndex();
}

export interface SignBlockOptions {
  /** The number of the channel's last config block (this block's own number for a config block). */
  lastConfigIndex: number;
  /** The consenter's own metadata (etcdraft's RaftMetadata); none for a single-node orderer. */
  consenterMetadata?: Uint8Array;
  nonce: Uint8Array;
}

/**
 * Fills a block's SIGNATURES and LAST_CONFIG metadata as a Fabric 2.x orderer writes them: SIGNATURES
 * holds Metadata{ value: OrdererBlockMetadata{ last_config, consenter_metadata: Metadata{value} },
 * signatures: [ { signature_header: SignatureHeader{creator, nonce}, signature } ] }; LAST_CONFIG
 * still holds Metadata{ value: LastConfig }, for readers of the older layout.
 */
export function signBlock(block: Block, signer: BlockSigner, opts: SignBlockOptions): void {
  const lastConfig = new common.LastConfig();
  lastConfig.setIndex(opts.lastConfigIndex);
  const consenter = new common.Metadata();
  if (opts.consenterMetadata !== undefined) consenter.setValue(opts.consenterMetadata);
  const ordererMetadata = new common.OrdererBlockMetadata();
  ordererMetadata.setLastConfig(lastConfig);
  ordererMetadata.setConsenterMetadata(consenter.serializeBinary());

  const signatureHeader = new common.SignatureHeader();
  signatureHeader.setCreator(signer.serialize());
  signatureHeader.setNonce(opts.nonce);
  const metadataSignature = new common.MetadataSignature();
  metadataSignature.setSignatureHeader(signatureHeader.serializeBinary());
  const signatures = new common.Metadata();
  signatures.setValue(ordererMetadata.serializeBinary());
  signatures.addSignatures(metadataSignature);

  const slots = [...(block.getMetadata()?.getMetadataList_asU8() ?? [])];
  while (slots.length < METADATA_SLOTS) slots.push(new Uint8Array(0));
  slots[SIGNATURES_INDEX] = signatures.serializeBinary();
  const legacy = new common.Metadata();
  legacy.setValue(lastConfig.serializeBinary());
  slots[LAST_CONFIG_INDEX] = legacy.serializeBinary();
  const metadata = block.getMetadata() ?? new common.BlockMetadata();
  metadata.setMetadataList(slots);
  block.setMetadata(metadata);

  // Signed once the SIGNATURES value is in place: the message reads it from the block.
  metadataSignature.setSignature(signer.sign(blockSignatureMessage(block, metadataSignature)));
  signatures.setSignaturesList([metadataSignature]);
  slots[SIGNATURES_INDEX] = signatures.serializeBinary();
  metadata.setMetadataList(slots);
}
