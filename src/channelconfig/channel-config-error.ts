import { WeftError } from '../common/errors/weft-error.js';

/**
 * Why a channel configuration could not be read, built or encoded. Messages name the part that is
 * wrong (a configtx.yaml key path, a config group path, a block field).
 */
export type ChannelConfigErrorCode =
  /** configtx.yaml unreadable or not in Fabric's schema. */
  | 'CONFIGTX_INVALID'
  /** The profile asked for is not in configtx.yaml. */
  | 'PROFILE_NOT_FOUND'
  /** The profile cannot be encoded: a missing policy, an unreadable MSP folder or certificate, an unknown orderer type. */
  | 'PROFILE_INVALID'
  /** A block is not a config block: no data, an envelope, payload or header that does not decode, another header type. */
  | 'BLOCK_MALFORMED'
  /** The config tree does not hold what Fabric requires, or a value does not decode. */
  | 'CONFIG_MALFORMED';

export class ChannelConfigError extends WeftError<ChannelConfigErrorCode> {}
