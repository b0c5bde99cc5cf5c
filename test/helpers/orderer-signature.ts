import { randomBytes } from 'node:crypto';
import { BlockMetadataIndex, LastConfig, Metadata, MetadataSignature, OrdererBlockMetadata, type Block } from '../../src/common/protos/common.js';
import { SignatureHeader } from '../../src/common/protos/proposal.js';
import { blockHeaderBytes } from '../../src/ledger/block-hash.js';
import type { SigningIdentity } from '../../src/msp/signing-identity.js';

/**
 * Signs a block as a Fabric 2.x orderer does (the orderer helper's src/orderer/block-signature.ts
 * is not on main yet): metadata[SIGNATURES] = Metadata{value: OrdererBlockMetadata{last_config},
 * signatures: [{signature_header, signature over value || signature_header || header bytes}]},
 * metadata[LAST_CONFIG] = Metadata{value: LastConfig}. Several signers make several signatures.
 */
export function signBlock(block: Block, signers: readonly SigningIdentity[], lastConfigIndex = 0): Block {
  const header = block.getHeader();
  if (header === undefined) throw new Error('block has no header');
  const lastConfig = new LastConfig();
  lastConfig.setIndex(lastConfigIndex);
  const ordererMetadata = new OrdererBlockMetadata();
  ordererMetadata.setLastConfig(lastConfig);
  const value = ordererMetadata.serializeBinary();
  const headerBytes = blockHeaderBytes({ number: header.getNumber(), previousHash: header.getPreviousHash_asU8(), dataHash: header.getDataHash_asU8() });
  const signatures = new Metadata();
  signatures.setValue(value);
  for (const signer of signers) {
    const signatureHeader = new SignatureHeader();
    signatureHeader.setCreator(signer.serialize());
    signatureHeader.setNonce(randomBytes(24));
    const shBytes = signatureHeader.serializeBinary();
    const ms = new MetadataSignature();
    ms.setSignatureHeader(shBytes);
    ms.setSignature(signer.sign(Buffer.concat([value, shBytes, headerBytes])));
    signatures.addSignatures(ms);
  }
  const legacy = new Metadata();
  legacy.setValue(lastConfig.serializeBinary());
  const slots = block.getMetadata()?.getMetadataList_asU8().slice() ?? [];
  while (slots.length < 5) slots.push(new Uint8Array(0));
  slots[BlockMetadataIndex.SIGNATURES] = signatures.serializeBinary();
  slots[BlockMetadataIndex.LAST_CONFIG] = legacy.serializeBinary();
  block.getMetadata()?.setMetadataList(slots);
  return block;
}
