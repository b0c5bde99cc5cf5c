import { errorMessage } from '../common/errors/weft-error.js';
import { BlockMetadataIndex, Envelope, Metadata, type Block } from '../common/protos/common.js';
import { SignatureHeader } from '../common/protos/proposal.js';
import { blockDataHash, blockHeaderBytes } from '../ledger/block-hash.js';
import { channelIdOfEnvelope } from '../ledger/tx-envelope.js';
import type { Policy } from '../policies/policy.js';
import type { SignedData } from '../policies/signed-data.js';
import { BlockVerificationError } from './block-verification-error.js';

/** Where the block must fit: the channel, and the ledger's height and last block hash. */
export interface ExpectedBlock {
  channelId: string;
  number: number;
  previousHash: Uint8Array;
}

/** The policy a channel's blocks must be signed by (Fabric's policies.BlockValidation). */
export const BLOCK_VALIDATION_POLICY = '/Channel/Orderer/BlockValidation';

/**
 * Checks a block from the ordering service before its transactions are validated, as a Fabric
 * peer does when it receives one (gossip's MCS VerifyBlock): its number and chaining to the
 * ledger, its channel, that its envelopes are whole and hash to its header's data hash, and that
 * the orderers' signatures in metadata[SIGNATURES] satisfy the channel's BlockValidation policy.
 * Each signature covers metadata.value || signature_header || the header's ASN.1 bytes.
 * Throws BlockVerificationError in Fabric's words.
 */
export function verifyBlock(block: Block, expected: ExpectedBlock, blockValidation: Policy | undefined): void {
  const { channelId } = expected;
  const header = block.getHeader();
  if (header === undefined) {
    throw new BlockVerificationError('BLOCK_MALFORMED', `Invalid Block on channel [${channelId}]. Header must be different from nil.`);
  }
  const number = header.getNumber();
  if (number !== expected.number) {
    throw new BlockVerificationError('BLOCK_OUT_OF_ORDER', `Claimed seqNum is [${expected.number}] but actual seqNum inside block is [${number}]`);
  }
  if (!sameBytes(header.getPreviousHash_asU8(), expected.previousHash)) {
    throw new BlockVerificationError(
      'PREVIOUS_HASH_MISMATCH',
      `unexpected Previous block hash in block [${number}] on channel [${channelId}]. Expected PreviousHash = [${hex(expected.previousHash)}], PreviousHash referred in the latest block= [${hex(header.getPreviousHash_asU8())}]`,
    );
  }
  const data = block.getData()?.getDataList_asU8() ?? [];
  const blockChannel = channelOf(data, number, channelId);
  if (blockChannel !== channelId) {
    throw new BlockVerificationError('WRONG_CHANNEL', `Invalid block's channel id. Expected [${channelId}]. Given [${blockChannel}]`);
  }
  const metadata = block.getMetadata()?.getMetadataList_asU8() ?? [];
  if (metadata.length === 0) {
    throw new BlockVerificationError('BLOCK_MALFORMED', `Block with id [${number}] on channel [${channelId}] does not have metadata. Block not valid.`);
  }
  checkWellFormed(data);
  if (!sameBytes(blockDataHash(data), header.getDataHash_asU8())) {
    throw new BlockVerificationError(
      'DATA_HASH_MISMATCH',
      `Header.DataHash is different from Hash(block.Data) for block with id [${number}] on channel [${channelId}]`,
    );
  }
  const signed = signaturesOf(metadata[BlockMetadataIndex.SIGNATURES], blockHeaderBytes({
    number,
    previousHash: header.getPreviousHash_asU8(),
    dataHash: header.getDataHash_asU8(),
  }), number, channelId);
  if (blockValidation === undefined) {
    throw new BlockVerificationError('SIGNATURE_INVALID', `channel [${channelId}] has no ${BLOCK_VALIDATION_POLICY} policy: block [${number}] cannot be verified`);
  }
  try {
    blockValidation.evaluateSignedData(signed);
  } catch (err) {
    throw new BlockVerificationError(
      'SIGNATURE_INVALID',
      `block [${number}] on channel [${channelId}] does not satisfy the ${BLOCK_VALIDATION_POLICY} policy (${signed.length} signature(s)): ${errorMessage(err)}`,
      { cause: err },
    );
  }
}

/** The channel of the block's first envelope (Fabric's GetChannelIDFromBlock). */
function channelOf(data: readonly Uint8Array[], number: number, channelId: string): string {
  const first = data[0];
  if (first === undefined) {
    throw new BlockVerificationError('BLOCK_MALFORMED', `Failed getting channel id from block with id [${number}] on channel [${channelId}]: [failed to retrieve channel id - block is empty]`);
  }
  try {
    return channelIdOfEnvelope(first).channelId;
  } catch (err) {
    throw new BlockVerificationError(
      'BLOCK_MALFORMED',
      `Failed getting channel id from block with id [${number}] on channel [${channelId}]: [${errorMessage(err)}]`,
      { cause: err },
    );
  }
}

/** Every envelope decodes and carries a payload and a signature (Fabric's VerifyTransactionsAreWellFormed). */
function checkWellFormed(data: readonly Uint8Array[]): void {
  data.forEach((bytes, i) => {
    let envelope: Envelope;
    try {
      envelope = Envelope.deserializeBinary(bytes);
    } catch (err) {
      throw malformed(`transaction ${i} is invalid: ${errorMessage(err)}`, err);
    }
    if (envelope.getPayload_asU8().length === 0) throw malformed(`transaction ${i} has no payload`);
    if (envelope.getSignature_asU8().length === 0) throw malformed(`transaction ${i} has no signature`);
  });
}

function malformed(reason: string, cause?: unknown): BlockVerificationError {
  return new BlockVerificationError('BLOCK_MALFORMED', `block has malformed transactions: ${reason}`, { cause });
}

/** One SignedData per orderer signature of metadata[SIGNATURES]. */
function signaturesOf(slot: Uint8Array | undefined, headerBytes: Uint8Array, number: number, channelId: string): SignedData[] {
  let metadata: InstanceType<typeof Metadata>;
  try {
    metadata = Metadata.deserializeBinary(slot ?? new Uint8Array(0));
  } catch (err) {
    throw new BlockVerificationError('BLOCK_MALFORMED', `Failed unmarshalling medatata for signatures [${errorMessage(err)}]`, { cause: err });
  }
  const value = metadata.getValue_asU8();
  return metadata.getSignaturesList().map((ms) => {
    const signatureHeader = ms.getSignatureHeader_asU8();
    let creator: Uint8Array;
    try {
      creator = SignatureHeader.deserializeBinary(signatureHeader).getCreator_asU8();
    } catch (err) {
      throw new BlockVerificationError(
        'BLOCK_MALFORMED',
        `Failed unmarshalling signature header for block with id [${number}] on channel [${channelId}]: [${errorMessage(err)}]`,
        { cause: err },
      );
    }
    return { data: Buffer.concat([value, signatureHeader, headerBytes]), identity: creator, signature: ms.getSignature_asU8() };
  });
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(b);
}

function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('hex');
}
