import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { BlockVerificationError } from '../../src/channel/block-verification-error.js';
import { BLOCK_VALIDATION_POLICY, verifyBlock } from '../../src/channel/block-verifier.js';
import { ChannelBundle } from '../../src/channel/channel-bundle.js';
import { Block, Envelope, Metadata } from '../../src/common/protos/common.js';
import { HeaderType } from '../../src/common/protos/proposal.js';
import { hashOfBlock, newBlock } from '../../src/ledger/index.js';
import { channelIdOfEnvelope } from '../../src/ledger/tx-envelope.js';
import { loadSigningIdentity, type SigningIdentity } from '../../src/msp/signing-identity.js';
import { FIXTURE_MSP, readFixtureBlocks } from '../helpers/fabric-fixture.js';
import { signBlock } from '../helpers/orderer-signature.js';

const CHANNEL = 'mychannel';

describe('verifyBlock over the blocks of a real Fabric 2.4.9 channel', () => {
  let blocks: Block[];
  /** The channel's config as of each block (config blocks change it). */
  const bundles: ChannelBundle[] = [];
  let orderer: SigningIdentity;
  let org1Peer: SigningIdentity;

  before(async () => {
    blocks = await readFixtureBlocks();
    let bundle = ChannelBundle.fromBlock(blocks[0] as Block, { checkExpiry: false });
    for (const block of blocks) {
      bundles.push(bundle);
      const first = block.getData()?.getDataList_asU8()[0];
      if (first !== undefined && channelIdOfEnvelope(first).headerType === HeaderType.CONFIG) bundle = ChannelBundle.fromBlock(block, { checkExpiry: false });
    }
    orderer = await loadSigningIdentity(FIXTURE_MSP.ordererNode, 'OrdererMSP');
    org1Peer = await loadSigningIdentity(FIXTURE_MSP.org1Peer0, 'Org1MSP');
  });

  /** A copy, so that a test's alterations stay in it. */
  const copy = (n: number): Block => Block.deserializeBinary((blocks[n] as Block).serializeBinary());
  const expected = (n: number) => ({ channelId: CHANNEL, number: n, previousHash: hashOfBlock(blocks[n - 1] as Block) });
  const policy = (n: number) => (bundles[n] as ChannelBundle).policies.getPolicy(BLOCK_VALIDATION_POLICY);
  const refusal = (block: Block, n: number): BlockVerificationError => {
    try {
      verifyBlock(block, expected(n), policy(n));
    } catch (err) {
      assert.ok(err instanceof BlockVerificationError, String(err));
      return err;
    }
    assert.fail(`block ${n} was not refused`);
  };

  test("blocks 1 to 25 verify against the channel's BlockValidation policy, signatures, data hash and chain", () => {
    assert.equal(blocks.length, 26);
    for (let n = 1; n < blocks.length; n++) verifyBlock(blocks[n] as Block, expected(n), policy(n));
  });

  test('a block whose orderer signature is altered is refused', () => {
    const block = copy(5);
    const slots = block.getMetadata()?.getMetadataList_asU8() ?? [];
    const metadata = Metadata.deserializeBinary(slots[0] ?? new Uint8Array());
    const [ms] = metadata.getSignaturesList();
    assert.ok(ms !== undefined);
    const signature = Uint8Array.from(ms.getSignature_asU8());
    signature[signature.length - 3] = (signature[signature.length - 3] ?? 0) ^ 0x01;
    ms.setSignature(signature);
    slots[0] = metadata.serializeBinary();
    block.getMetadata()?.setMetadataList(slots);
    const err = refusal(block, 5);
    assert.equal(err.code, 'SIGNATURE_INVALID');
    assert.match(err.message, /^block \[5\] on channel \[mychannel\] does not satisfy the \/Channel\/Orderer\/BlockValidation policy \(1 signature\(s\)\): /);
  });

  test('a block without orderer signatures is refused', () => {
    const block = copy(5);
    const slots = block.getMetadata()?.getMetadataList_asU8() ?? [];
    slots[0] = new Uint8Array();
    block.getMetadata()?.setMetadataList(slots);
    assert.match(refusal(block, 5).message, /does not satisfy the \/Channel\/Orderer\/BlockValidation policy \(0 signature\(s\)\)/);
  });

  test('a block whose data is altered is refused: its data no longer hashes to its header', () => {
    const block = copy(6);
    const data = block.getData()?.getDataList_asU8() ?? [];
    // Another well-formed envelope of the same channel in place of the block's own.
    data[0] = (blocks[7] as Block).getData()?.getDataList_asU8()[0] ?? new Uint8Array();
    block.getData()?.setDataList(data);
    const err = refusal(block, 6);
    assert.equal(err.code, 'DATA_HASH_MISMATCH');
    assert.equal(err.message, 'Header.DataHash is different from Hash(block.Data) for block with id [6] on channel [mychannel]');
  });

  test('a block whose data hash is altered with its data is refused by the orderer signature', () => {
    const block = copy(6);
    const data = block.getData()?.getDataList_asU8() ?? [];
    data[0] = (blocks[7] as Block).getData()?.getDataList_asU8()[0] ?? new Uint8Array();
    const forged = newBlock({ number: 6, previousHash: expected(6).previousHash, envelopes: data });
    forged.setMetadata(block.getMetadata());
    assert.equal(refusal(forged, 6).code, 'SIGNATURE_INVALID');
  });

  test('a block that does not chain to the ledger is refused', () => {
    const block = copy(8);
    block.getHeader()?.setPreviousHash(hashOfBlock(blocks[6] as Block));
    const err = refusal(block, 8);
    assert.equal(err.code, 'PREVIOUS_HASH_MISMATCH');
    assert.match(err.message, /^unexpected Previous block hash in block \[8\] on channel \[mychannel\]\. Expected PreviousHash = \[[0-9a-f]{64}\], PreviousHash referred in the latest block= \[[0-9a-f]{64}\]$/);
  });

  test('a block that is not the next one is refused', () => {
    const err = refusal(copy(9), 8);
    assert.equal(err.code, 'BLOCK_OUT_OF_ORDER');
    assert.equal(err.message, 'Claimed seqNum is [8] but actual seqNum inside block is [9]');
  });

  test("a block of another channel is refused", () => {
    let err: unknown;
    try {
      verifyBlock(copy(9), { ...expected(9), channelId: 'other' }, policy(9));
    } catch (e) {
      err = e;
    }
    assert.ok(err instanceof BlockVerificationError);
    assert.equal(err.code, 'WRONG_CHANNEL');
    assert.equal(err.message, "Invalid block's channel id. Expected [other]. Given [mychannel]");
  });

  test("a new block signed by the channel's orderer verifies; one signed by a peer is refused", () => {
    const envelopes = (blocks[9] as Block).getData()?.getDataList_asU8() ?? [];
    const previousHash = hashOfBlock(blocks[25] as Block);
    const byOrderer = signBlock(newBlock({ number: 26, previousHash, envelopes }), [orderer]);
    verifyBlock(byOrderer, { channelId: CHANNEL, number: 26, previousHash }, policy(25));
    const byPeer = signBlock(newBlock({ number: 26, previousHash, envelopes }), [org1Peer]);
    assert.throws(() => {
      verifyBlock(byPeer, { channelId: CHANNEL, number: 26, previousHash }, policy(25));
    }, (err: unknown) => err instanceof BlockVerificationError && err.code === 'SIGNATURE_INVALID');
  });

  test('a block with an unsigned envelope or no metadata is refused as malformed', () => {
    const previousHash = hashOfBlock(blocks[25] as Block);
    const envelope = Envelope.deserializeBinary((blocks[9] as Block).getData()?.getDataList_asU8()[0] ?? new Uint8Array());
    envelope.setSignature(new Uint8Array());
    const unsigned = signBlock(newBlock({ number: 26, previousHash, envelopes: [envelope] }), [orderer]);
    assert.throws(() => {
      verifyBlock(unsigned, { channelId: CHANNEL, number: 26, previousHash }, policy(25));
    }, { code: 'BLOCK_MALFORMED', message: 'block has malformed transactions: transaction 0 has no signature' });
    const noMetadata = newBlock({ number: 26, previousHash, envelopes: (blocks[9] as Block).getData()?.getDataList_asU8() ?? [] });
    noMetadata.getMetadata()?.setMetadataList([]);
    assert.throws(() => {
      verifyBlock(noMetadata, { channelId: CHANNEL, number: 26, previousHash }, policy(25));
    }, { code: 'BLOCK_MALFORMED', message: 'Block with id [26] on channel [mychannel] does not have metadata. Block not valid.' });
  });
});
