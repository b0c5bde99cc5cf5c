import { SignaturePolicy as SignaturePolicyProto, SignaturePolicyEnvelope, type MSPPrincipal } from '../common/protos/collection.js';
import { errorMessage } from '../common/errors/weft-error.js';
import type { Logger } from '../common/logging/logging.js';
import type { CompiledPolicy } from './policy.js';
import { PolicyError } from './policy-error.js';
import type { PolicyIdentity, PolicyIdentityDeserializer } from './policy-identity.js';
import type { SignedData } from './signed-data.js';
import { distinctIdentities, validIdentities } from './valid-identities.js';

/**
 * A compiled rule. `used[i]` marks identity i as already counted for a principal in this
 * evaluation: an identity satisfies at most one principal (Fabric's cauthdsl).
 */
type Evaluator = (identities: readonly PolicyIdentity[], used: boolean[]) => boolean;

/**
 * A signature policy (common.SignaturePolicyEnvelope, Fabric's cauthdsl policy) compiled once
 * into an evaluator: evaluation touches no protobuf but the principals handed to the identities.
 */
export class SignaturePolicy implements CompiledPolicy {
  private constructor(
    private readonly evaluator: Evaluator,
    private readonly deserializer: PolicyIdentityDeserializer,
    private readonly logger: Logger | undefined,
  ) {}

  /** Throws PolicyError 'BAD_POLICY' when the bytes are not an envelope or the rule does not compile. */
  static fromBytes(bytes: Uint8Array, deserializer: PolicyIdentityDeserializer, opts: { logger?: Logger } = {}): SignaturePolicy {
    let envelope: SignaturePolicyEnvelope;
    try {
      envelope = SignaturePolicyEnvelope.deserializeBinary(bytes);
    } catch (err) {
      throw new PolicyError('BAD_POLICY', `Error unmarshalling to SignaturePolicy: ${errorMessage(err)}`, { cause: err });
    }
    return SignaturePolicy.fromEnvelope(envelope, deserializer, opts);
  }

  static fromEnvelope(envelope: SignaturePolicyEnvelope, deserializer: PolicyIdentityDeserializer, opts: { logger?: Logger } = {}): SignaturePolicy {
    if (envelope.getVersion() !== 0) {
      throw new PolicyError('BAD_POLICY', `This evaluator only understands messages of version 0, but version was ${envelope.getVersion()}`);
    }
    return new SignaturePolicy(compile(envelope.getRule(), envelope.getIdentitiesList()), deserializer, opts.logger);
  }

  evaluateSignedData(signed: readonly SignedData[]): void {
    this.evaluateDistinct(validIdentities(signed, this.deserializer, this.logger));
  }

  evaluateIdentities(identities: readonly PolicyIdentity[]): void {
    this.evaluateDistinct(distinctIdentities(identities));
  }

  satisfiedBy(distinct: readonly PolicyIdentity[]): boolean {
    return this.evaluator(distinct, new Array<boolean>(distinct.length).fill(false));
  }

  private evaluateDistinct(identities: readonly PolicyIdentity[]): void {
    if (!this.satisfiedBy(identities)) throw new PolicyError('POLICY_NOT_SATISFIED', 'signature set did not satisfy policy');
  }
}

function compile(rule: SignaturePolicyProto | undefined, principals: readonly MSPPrincipal[]): Evaluator {
  if (rule === undefined) throw new PolicyError('BAD_POLICY', 'Empty policy element');
  switch (rule.getTypeCase()) {
    case SignaturePolicyProto.TypeCase.SIGNED_BY: {
      const index = rule.getSignedBy();
      const principal = principals[index];
      if (index < 0 || principal === undefined) {
        throw new PolicyError('BAD_POLICY', `identity index out of range, requested ${index}, but identities length is ${principals.length}`);
      }
      return signedBy(principal);
    }
    case SignaturePolicyProto.TypeCase.N_OUT_OF: {
      const outOf = rule.getNOutOf();
      if (outOf === undefined) throw new PolicyError('BAD_POLICY', 'Empty policy element');
      return nOutOf(
        outOf.getN(),
        outOf.getRulesList().map((sub) => compile(sub, principals)),
      );
    }
    default:
      throw new PolicyError('BAD_POLICY', 'Unknown type: the signature policy is neither signed_by nor n_out_of');
  }
}

/** The first identity not yet counted that satisfies the principal is counted for it. */
function signedBy(principal: MSPPrincipal): Evaluator {
  // The same principal object is passed at every evaluation: an identity may cache its answer by it.
  return (identities, used) => {
    for (let i = 0; i < identities.length; i++) {
      if (used[i] === true) continue;
      const identity = identities[i];
      if (identity?.satisfiesPrincipal(principal) === true) {
        used[i] = true;
        return true;
      }
    }
    return false;
  };
}

/**
 * At least n sub-rules satisfied. Each sub-rule works on a copy of `used`, kept only when it is
 * satisfied, so a failed branch gives back the identities it took. Every sub-rule is evaluated,
 * even once n are satisfied, as Fabric does: the identities taken are visible to the enclosing rule.
 */
function nOutOf(n: number, rules: readonly Evaluator[]): Evaluator {
  return (identities, used) => {
    let satisfied = 0;
    const scratch = used.slice();
    for (const rule of rules) {
      for (let i = 0; i < used.length; i++) scratch[i] = used[i] === true;
      if (rule(identities, scratch)) {
        satisfied++;
        for (let i = 0; i < used.length; i++) used[i] = scratch[i] === true;
      }
    }
    return satisfied >= n;
  };
}
