import type { ChaincodeDefinition } from '../chaincode/definitions.js';
import type { Policy } from '../policies/policy.js';
import { SignaturePolicy } from '../policies/signature-policy.js';
import { signedByAnyMember } from '../policies/signed-by-any-member.js';
import type { ChannelBundle } from './channel-bundle.js';

const ANY_MEMBER = '\u0000anyMember';

/**
 * Chaincodes' endorsement policies compiled once per channel config (a config block makes a new
 * bundle, and with it a new cache): read by the validator, and by the Gateway to know whose
 * endorsements a transaction needs.
 */
export class EndorsementPolicies {
  private readonly cache = new WeakMap<ChannelBundle, Map<string, Policy>>();

  /** A definition's policy; lscc's default (any member) for one recorded without. Throws when it does not compile. */
  policyOf(definition: ChaincodeDefinition, bundle: ChannelBundle): Policy {
    const bytes = definition.endorsementPolicy;
    if (bytes.length === 0) return this.anyMember(bundle);
    const key = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
    return this.cached(bundle, key, () => SignaturePolicy.fromBytes(bytes, bundle.msps));
  }

  /** One signature of a member of any application organisation: the policy of system chaincode transactions. */
  anyMember(bundle: ChannelBundle): Policy {
    return this.cached(bundle, ANY_MEMBER, () => SignaturePolicy.fromEnvelope(signedByAnyMember(bundle.config.applicationOrgs.map((org) => org.mspId)), bundle.msps));
  }

  private cached(bundle: ChannelBundle, key: string, compile: () => Policy): Policy {
    let policies = this.cache.get(bundle);
    if (policies === undefined) {
      policies = new Map();
      this.cache.set(bundle, policies);
    }
    let policy = policies.get(key);
    if (policy === undefined) {
      policy = compile();
      policies.set(key, policy);
    }
    return policy;
  }
}
