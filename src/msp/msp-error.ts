import { WeftError } from '../common/errors/weft-error.js';

/**
 * Every failure of the MSP layer. Reading: MSP_UNREADABLE (a folder or file), MSP_CONFIG_INVALID
 * (an MSPConfig that cannot be set up). Lookup: MSP_UNKNOWN, MSP_MISMATCH (an identity of another
 * MSP). Identities: IDENTITY_MALFORMED (not a SerializedIdentity with an X.509 certificate),
 * IDENTITY_UNTRUSTED (no chain to this MSP's CAs), IDENTITY_EXPIRED (outside its validity dates),
 * IDENTITY_REVOKED (in a CRL), IDENTITY_OU (OU rules: OrganizationalUnitIdentifiers, NodeOUs).
 */
export type MspErrorCode =
  | 'MSP_UNREADABLE'
  | 'MSP_CONFIG_INVALID'
  | 'MSP_UNKNOWN'
  | 'MSP_MISMATCH'
  | 'IDENTITY_MALFORMED'
  | 'IDENTITY_UNTRUSTED'
  | 'IDENTITY_EXPIRED'
  | 'IDENTITY_REVOKED'
  | 'IDENTITY_OU';

export class MspError extends WeftError<MspErrorCode> {}
