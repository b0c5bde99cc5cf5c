import type { PolicyIdentity } from './policy-identity.js';
import type { SignedData } from './signed-data.js';

/** A compiled policy (Fabric's policies.Policy): evaluation throws PolicyError when not satisfied. */
export interface Policy {
  /** Verifies each signature once, then evaluates the valid, distinct signers; throws PolicyError ('POLICY_NOT_SATISFIED' ...) in Fabric's words. */
  evaluateSignedData(signed: readonly SignedData[]): void;
  /** For already-verified identities (Fabric's EvaluateIdentities). */
  evaluateIdentities(identities: readonly PolicyIdentity[]): void;
}

/**
 * A policy this module compiled: it answers for distinct, verified identities without throwing,
 * so that an ImplicitMeta policy over many groups does not build an error per unsatisfied group.
 */
export interface CompiledPolicy extends Policy {
  satisfiedBy(distinctIdentities: readonly PolicyIdentity[]): boolean;
}

export function isCompiledPolicy(policy: Policy): policy is CompiledPolicy {
  return 'satisfiedBy' in policy;
}
