import { WeftError } from '../common/errors/weft-error.js';

/**
 * Why a CONFIG_UPDATE was refused, or could not be computed. Messages are Fabric's configtx
 * validator's, naming the element (`[Group]  /Channel/Application`) and the rule it breaks.
 */
export type ConfigUpdateErrorCode =
  /** The envelope, its ConfigUpdateEnvelope or its ConfigUpdate does not decode, or is of another header type. */
  | 'UPDATE_MALFORMED'
  /** The ConfigUpdate names another channel than the one it is applied to. */
  | 'WRONG_CHANNEL'
  /** A config element key or mod_policy that is not a valid config ID. */
  | 'INVALID_KEY'
  /** The read set names an element the config lacks, or at another version than its current one. */
  | 'READ_SET_MISMATCH'
  /** A modified element's version is not its current version + 1 (or 0 for a new one). */
  | 'VERSION_MISMATCH'
  /** The signatures on the update do not satisfy the mod_policy of an element it modifies. */
  | 'POLICY_NOT_SATISFIED'
  /** The write set changes nothing. */
  | 'EMPTY_UPDATE'
  /** The config the update produces cannot be loaded, or changes what may not change (an org's MSP ID). */
  | 'INVALID_RESULT'
  /** compute_update: the original and the updated config are the same. */
  | 'NO_DIFFERENCES';

export class ConfigUpdateError extends WeftError<ConfigUpdateErrorCode> {}
