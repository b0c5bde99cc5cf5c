import { WeftError } from '../common/errors/weft-error.js';

/**
 * Why a block from the ordering service is refused before validation: BLOCK_MALFORMED (no header,
 * no metadata, an envelope without payload or signature), BLOCK_OUT_OF_ORDER (not the next
 * number), WRONG_CHANNEL, DATA_HASH_MISMATCH (the data is not what the header hashes),
 * PREVIOUS_HASH_MISMATCH (not chained to the ledger's last block), SIGNATURE_INVALID (the
 * orderers' signatures do not satisfy the channel's BlockValidation policy), CONFIG_INVALID (a
 * config block whose config cannot become the channel's: Fabric stops on such a block too).
 */
export type BlockVerificationErrorCode =
  | 'BLOCK_MALFORMED'
  | 'BLOCK_OUT_OF_ORDER'
  | 'WRONG_CHANNEL'
  | 'DATA_HASH_MISMATCH'
  | 'PREVIOUS_HASH_MISMATCH'
  | 'SIGNATURE_INVALID'
  | 'CONFIG_INVALID';

export class BlockVerificationError extends WeftError<BlockVerificationErrorCode> {}
