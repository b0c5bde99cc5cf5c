import type { ChaincodeDefinition } from '../chaincode/definitions.js';
import { CollectionConfigPackage } from '../common/protos/collection.js';
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

  /**
   * A definition's policy: a channel config policy it names, its signature policy, or lscc's
   * default (any member) for one recorded without. Throws when it does not compile or names no policy.
   */
  policyOf(definition: ChaincodeDefinition, bundle: ChannelBundle): Policy {
    if (definition.channelConfigPolicy !== undefined) return channelPolicy(bundle, definition.channelConfigPolicy);
    const bytes = definition.endorsementPolicy;
    if (bytes.length === 0) return this.anyMember(bundle);
    const key = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
    return this.cached(bundle, key, () => SignaturePolicy.fromBytes(bytes, bundle.msps));
  }

  /** One signature of a member of any application organisation: the policy of system chaincode transactions. */
  anyMember(bundle: ChannelBundle): Policy {
    return this.cached(bundle, ANY_MEMBER, () => SignaturePolicy.fromEnvelope(signedByAnyMember(bundle.config.applicationOrgs.map((org) => org.mspId)), bundle.msps));
  }

  /** One signature of a member of any of these organisations (an org's default for its implicit collection). */
  anyMemberOf(bundle: ChannelBundle, mspIds: readonly string[]): Policy {
    return this.cached(bundle, `${ANY_MEMBER}:${mspIds.join(',')}`, () => SignaturePolicy.fromEnvelope(signedByAnyMember(mspIds), bundle.msps));
  }

  /**
   * The endorsement policy a collection of the definition is configured with; undefined when it
   * has none (the chaincode's then applies) or the definition has no such collection.
   */
  collectionPolicy(definition: ChaincodeDefinition, collection: string, bundle: ChannelBundle): { policy: Policy | undefined } | undefined {
    const bytes = definition.collections ?? new Uint8Array();
    const config = CollectionConfigPackage.deserializeBinary(bytes)
      .getConfigList()
      .map((c) => c.getStaticCollectionConfig())
      .find((c) => c?.getName() === collection);
    const policy = config?.getEndorsementPolicy();
    if (policy === undefined) return undefined;
    const reference = policy.getChannelConfigPolicyReference();
    if (reference !== '') return { policy: bundle.policies.getPolicy(reference) };
    const envelope = policy.getSignaturePolicy();
    if (envelope === undefined) return undefined;
    const envelopeBytes = envelope.serializeBinary();
    return { policy: this.cached(bundle, Buffer.from(envelopeBytes).toString('latin1'), () => SignaturePolicy.fromBytes(envelopeBytes, bundle.msps)) };
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

/** A policy of the channel's config, by its path; throws naming it when the channel has none there. */
export function channelPolicy(bundle: ChannelBundle, path: string): Policy {
  const policy = bundle.policies.getPolicy(path);
  if (policy === undefined) throw new Error(`policy ${path} not found`);
  return policy;
}
