import assert from 'node:assert/strict';
import { createVerify, X509Certificate } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { SerializedIdentity } from '../../src/common/protos/msp.js';
import { newBlock } from '../../src/ledger/block-builder.js';
import { common, type Block } from '../../src/ledger/protos.js';
import { loadSigningIdentity } from '../../src/msp/signing-identity.js';
import { blockSignatureMessage, lastConfigIndexOf, signBlock, signaturesMetadataOf } from '../../src/orderer/block-signature.js';
import { FIXTURE_MSP, readFixtureBlocks } from '../helpers/fabric-fixture.js';

/** Verifies every signature of a block's SIGNATURES metadata with node:crypto; returns the signers' certificates. */
function verifyBlockSignatures(block: Block): string[] {
  const metadata = signaturesMetadataOf(block);
  assert.ok(metadata.getSignaturesList().length > 0, `block ${String(block.getHeader()?.getNumber())} is signed`);
  return metadata.getSignaturesList().map((signature) => {
    const header = common.SignatureHeader.deserializeBinary(signature.getSignatureHeader_asU8());
    const creator = SerializedIdentity.deserializeBinary(header.getCreator_asU8());
    const pem = Buffer.from(creator.getIdBytes_asU8()).toString('utf8');
    const verifier = createVerify('sha256');
    verifier.update(blockSignatureMessage(block, signature));
    assert.equal(verifier.verify(new X509Certificate(pem).publicKey, signature.getSignature_asU8()), true, `signature of block ${String(block.getHeader()?.getNumber())}`);
    return pem;
  });
}

test('the blocks a Fabric 2.4.9 orderer signed verify with blockSignatureMessage against its certificate', async () => {
  const signcerts = join(FIXTURE_MSP.ordererNode, 'signcerts');
  const ordererCert = await readFile(join(signcerts, (await readdir(signcerts))[0] ?? ''), 'utf8');
  const blocks = await readFixtureBlocks();
  assert.equal(blocks.length, 26);
  for (const block of blocks.slice(1)) {
    const signers = verifyBlockSignatures(block);
    assert.deepEqual(signers.map((pem) => new X509Certificate(pem).fingerprint256), [new X509Certificate(ordererCert).fingerprint256]);
    assert.equal(lastConfigIndexOf(block), 0);
  }
});

test('a block whose header was changed after signing no longer verifies', async () => {
  const block = (await readFixtureBlocks())[5] as Block;
  block.getHeader()?.setNumber(6);
  const signature = signaturesMetadataOf(block).getSignaturesList()[0];
  assert.ok(signature !== undefined);
  const cert = SerializedIdentity.deserializeBinary(common.SignatureHeader.deserializeBinary(signature.getSignatureHeader_asU8()).getCreator_asU8()).getIdBytes_asU8();
  const verifier = createVerify('sha256');
  verifier.update(blockSignatureMessage(block, signature));
  assert.equal(verifier.verify(new X509Certificate(Buffer.from(cert)).publicKey, signature.getSignature_asU8()), false);
});

test('signBlock writes SIGNATURES and LAST_CONFIG in the layout of the Fabric blocks, and its signature verifies', async () => {
  const signer = await loadSigningIdentity(FIXTURE_MSP.ordererNode, 'OrdererMSP');
  const fabric = (await readFixtureBlocks())[7] as Block;
  const block = newBlock({ number: 7, previousHash: new Uint8Array(32).fill(1), envelopes: [new Uint8Array([1, 2, 3])] });
  signBlock(block, signer, { lastConfigIndex: 4, nonce: new Uint8Array(24).fill(9) });

  assert.deepEqual(verifyBlockSignatures(block), [signer.certificatePem]);
  assert.equal(lastConfigIndexOf(block), 4);
  const slots = block.getMetadata()?.getMetadataList_asU8() ?? [];
  assert.equal(slots.length, 5);
  // The legacy LAST_CONFIG slot: Metadata{ value: LastConfig{ index } }, as Fabric still writes it.
  const legacy = common.Metadata.deserializeBinary(slots[1] ?? new Uint8Array(0));
  assert.equal(common.LastConfig.deserializeBinary(legacy.getValue_asU8()).getIndex(), 4);
  assert.equal(legacy.getSignaturesList().length, 0);
  // The same fields as Fabric's: one signature whose header holds creator and nonce.
  const ours = signaturesMetadataOf(block);
  const theirs = signaturesMetadataOf(fabric);
  assert.equal(ours.getSignaturesList().length, theirs.getSignaturesList().length);
  const header = common.SignatureHeader.deserializeBinary(ours.getSignaturesList()[0]?.getSignatureHeader_asU8() ?? new Uint8Array(0));
  assert.deepEqual(Buffer.from(header.getCreator_asU8()), Buffer.from(signer.serialize()));
  assert.deepEqual(Buffer.from(header.getNonce_asU8()), Buffer.alloc(24, 9));
  const value = common.OrdererBlockMetadata.deserializeBinary(ours.getValue_asU8());
  assert.equal(value.getLastConfig()?.getIndex(), 4);
  // Fabric's legacy slot of its block holds the same shape.
  const fabricLegacy = common.Metadata.deserializeBinary(fabric.getMetadata()?.getMetadataList_asU8()[1] ?? new Uint8Array(0));
  assert.equal(common.LastConfig.deserializeBinary(fabricLegacy.getValue_asU8()).getIndex(), 0);
});
