import type { X509Certificate } from 'node:crypto';
import type { MSPPrincipal } from '../common/protos/msp.js';

/** An identity read from a SerializedIdentity (mspid + PEM certificate), bound to the MSP that read it. */
export interface Identity {
  readonly mspId: string;
  /** The SerializedIdentity bytes it was read from (mspid + PEM). */
  readonly serialized: Uint8Array;
  /** Unique within its MSP (hex SHA-256 of the certificate DER, its signature in low-S form as Fabric sanitizes it): one identity counts once in a policy. */
  readonly id: string;
  readonly certificate: X509Certificate;
  /** Throws MspError naming why it is not valid in its MSP: chain to a root/intermediate CA of the MSP, validity dates, CRLs, NodeOU rules. Cached. */
  validate(): void;
  /** ECDSA (low-S required, digest of the MSP's hash family: SHA-256 for SHA2) or Ed25519 signature check; false when it does not verify. */
  verify(message: Uint8Array, signature: Uint8Array): boolean;
  /** The same check, the signature's math on libuv's thread pool: a block's signatures checked side by side, off the event loop. */
  verifyAsync(message: Uint8Array, signature: Uint8Array): Promise<boolean>;
  /** Does this identity satisfy the principal (ROLE member/admin/client/peer/orderer, ORGANIZATION_UNIT, IDENTITY)? An identity that is not valid satisfies nothing. */
  satisfiesPrincipal(principal: MSPPrincipal): boolean;
}

export interface IdentityDeserializer {
  /** Throws MspError ('MSP_UNKNOWN', 'MSP_MISMATCH', 'IDENTITY_MALFORMED'). Cached by bytes. */
  deserializeIdentity(serialized: Uint8Array): Identity;
}

/** The role a NodeOU-enabled MSP gives an identity through its OU. */
export type NodeRole = 'client' | 'peer' | 'admin' | 'orderer';
