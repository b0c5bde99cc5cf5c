import { errorMessage } from '../common/errors/weft-error.js';
import type { Logger } from '../common/logging/logging.js';
import type { PolicyIdentity, PolicyIdentityDeserializer } from './policy-identity.js';
import type { SignedData } from './signed-data.js';

/**
 * The distinct signers whose signatures verify (Fabric's SignatureSetToValidIdentities).
 * Identities that do not deserialize and signatures that do not verify are skipped with a warning.
 * A signer seen before is skipped before its signature is checked, so that a set repeating one
 * signer thousands of times costs one verification; a repeated (signer, signature) pair that failed
 * is skipped too, for the same reason.
 */
export function validIdentities(signed: readonly SignedData[], deserializer: PolicyIdentityDeserializer, logger?: Logger): PolicyIdentity[] {
  const identities: PolicyIdentity[] = [];
  let seen: Set<string> | undefined;
  let failed: Set<string> | undefined;
  for (const [i, sd] of signed.entries()) {
    let identity: PolicyIdentity;
    try {
      identity = deserializer.deserializeIdentity(sd.identity);
    } catch (err) {
      logger?.warn('SignatureSetToValidIdentities', `invalid identity at index ${i}: ${errorMessage(err)}`);
      continue;
    }
    const key = identityKey(identity);
    // The common case is one signer: no set is allocated for it.
    if (identities.length > 0 && (seen ??= new Set(identities.map(identityKey))).has(key)) {
      logger?.warn('SignatureSetToValidIdentities', `De-duplicating identity [${identity.mspId}${identity.id}] at index ${i} in signature set`);
      continue;
    }
    if (failed?.has(attemptKey(key, sd.signature)) === true) continue;
    if (!verifies(identity, sd)) {
      logger?.warn('SignatureSetToValidIdentities', `signature for identity ${i} is invalid`);
      (failed ??= new Set()).add(attemptKey(key, sd.signature));
      continue;
    }
    identities.push(identity);
    seen?.add(key);
  }
  return identities;
}

/** Identities given by a caller, each counted once. */
export function distinctIdentities(identities: readonly PolicyIdentity[]): readonly PolicyIdentity[] {
  if (identities.length < 2) return identities;
  const seen = new Set<string>();
  return identities.filter((identity) => {
    const key = identityKey(identity);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function identityKey(identity: PolicyIdentity): string {
  return `${identity.mspId}\u0000${identity.id}`;
}

function attemptKey(key: string, signature: Uint8Array): string {
  return `${key}\u0000${Buffer.from(signature).toString('base64')}`;
}

function verifies(identity: PolicyIdentity, sd: SignedData): boolean {
  try {
    return identity.verify(sd.data, sd.signature);
  } catch {
    // A malformed signature is an invalid one.
    return false;
  }
}
