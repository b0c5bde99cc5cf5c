import type { MSPPrincipal } from '../common/protos/collection.js';

/**
 * The slice of an MSP identity (src/msp/identity.ts) that policies use, declared here so that
 * policies depend on what they consume only; msp's Identity satisfies it structurally.
 */
export interface PolicyIdentity {
  readonly mspId: string;
  /** Unique within its MSP: one identity counts once in a policy. */
  readonly id: string;
  /** False when the signature does not verify. */
  verify(message: Uint8Array, signature: Uint8Array): boolean;
  /** False for an identity that is not valid in its MSP. */
  satisfiesPrincipal(principal: MSPPrincipal): boolean;
}

/** Reads a SerializedIdentity; throws naming why it cannot (unknown MSP, malformed certificate). */
export interface PolicyIdentityDeserializer {
  deserializeIdentity(serialized: Uint8Array): PolicyIdentity;
}
