import { errorMessage } from '../common/errors/weft-error.js';
import type { Logger } from '../common/logging/logging.js';
import { ImplicitMetaPolicy as ImplicitMetaPolicyProto } from '../common/protos/policies.js';
import { isCompiledPolicy, type CompiledPolicy, type Policy } from './policy.js';
import { PolicyError } from './policy-error.js';
import type { PolicyIdentity, PolicyIdentityDeserializer } from './policy-identity.js';
import type { SignedData } from './signed-data.js';
import { distinctIdentities, validIdentities } from './valid-identities.js';

const RULES = ImplicitMetaPolicyProto.Rule;

/**
 * ANY, ALL or MAJORITY of the policy named `subPolicy` in each child group (Fabric's
 * ImplicitMetaPolicy). A child group without that policy counts as not satisfied. With no child
 * groups the threshold is 0 and the policy is always satisfied, as in Fabric.
 */
export class ImplicitMetaPolicy implements CompiledPolicy {
  readonly threshold: number;

  private constructor(
    readonly subPolicyName: string,
    private readonly subPolicies: readonly Policy[],
    threshold: number,
    private readonly deserializer: PolicyIdentityDeserializer,
    private readonly logger: Logger | undefined,
  ) {
    this.threshold = threshold;
  }

  /**
   * `subPolicies` holds, for each child group, its policy of the sub-policy's name, or undefined.
   * Throws PolicyError 'BAD_POLICY' for bytes that are not an ImplicitMetaPolicy or an unknown rule.
   */
  static fromBytes(
    bytes: Uint8Array,
    subPolicyOf: (name: string) => readonly (Policy | undefined)[],
    deserializer: PolicyIdentityDeserializer,
    opts: { logger?: Logger } = {},
  ): ImplicitMetaPolicy {
    let definition: ImplicitMetaPolicyProto;
    try {
      definition = ImplicitMetaPolicyProto.deserializeBinary(bytes);
    } catch (err) {
      throw new PolicyError('BAD_POLICY', `Error unmarshalling to ImplicitMetaPolicy: ${errorMessage(err)}`, { cause: err });
    }
    const name = definition.getSubPolicy();
    const subPolicies = subPolicyOf(name).map((policy) => policy ?? new NoSuchPolicy(name));
    return new ImplicitMetaPolicy(name, subPolicies, threshold(definition.getRule(), subPolicies.length), deserializer, opts.logger);
  }

  evaluateSignedData(signed: readonly SignedData[]): void {
    // Nothing to verify when nothing is required; otherwise each signature is verified once here, not once per child group.
    if (this.threshold === 0) return;
    this.evaluateDistinct(validIdentities(signed, this.deserializer, this.logger));
  }

  evaluateIdentities(identities: readonly PolicyIdentity[]): void {
    if (this.threshold === 0) return;
    this.evaluateDistinct(distinctIdentities(identities));
  }

  satisfiedBy(distinct: readonly PolicyIdentity[]): boolean {
    return this.countSatisfied(distinct) >= this.threshold;
  }

  private evaluateDistinct(identities: readonly PolicyIdentity[]): void {
    const satisfied = this.countSatisfied(identities);
    if (satisfied >= this.threshold) return;
    throw new PolicyError(
      'POLICY_NOT_SATISFIED',
      `implicit policy evaluation failed - ${satisfied} sub-policies were satisfied, but this policy requires ${this.threshold} of the '${this.subPolicyName}' sub-policies to be satisfied`,
    );
  }

  /** Sub-policies satisfied, stopping at the threshold. */
  private countSatisfied(identities: readonly PolicyIdentity[]): number {
    let satisfied = 0;
    for (const policy of this.subPolicies) {
      if (satisfies(policy, identities) && ++satisfied === this.threshold) break;
    }
    return satisfied;
  }
}

function satisfies(policy: Policy, identities: readonly PolicyIdentity[]): boolean {
  if (isCompiledPolicy(policy)) return policy.satisfiedBy(identities);
  try {
    policy.evaluateIdentities(identities);
    return true;
  } catch (err) {
    if (err instanceof PolicyError) return false;
    throw err;
  }
}

function threshold(rule: number, count: number): number {
  if (count === 0) return 0;
  switch (rule) {
    case RULES.ANY:
      return 1;
    case RULES.ALL:
      return count;
    case RULES.MAJORITY:
      return Math.floor(count / 2) + 1;
    default:
      // Fabric would silently require nothing; a rule we do not know must not let everyone in.
      throw new PolicyError('BAD_POLICY', `unknown implicit meta policy rule ${rule}: expected ANY(0), ALL(1) or MAJORITY(2)`);
  }
}

/** A child group lacking the sub-policy (Fabric's rejectPolicy). */
class NoSuchPolicy implements CompiledPolicy {
  constructor(private readonly name: string) {}

  satisfiedBy(): boolean {
    return false;
  }

  evaluateSignedData(): void {
    throw this.error();
  }

  evaluateIdentities(): void {
    throw this.error();
  }

  private error(): PolicyError {
    return new PolicyError('POLICY_NOT_SATISFIED', `no such policy: '${this.name}'`);
  }
}
