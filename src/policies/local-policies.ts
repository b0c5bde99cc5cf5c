import { MSPPrincipal, MSPRole, type MSPRoleType } from '../common/protos/collection.js';
import { errorMessage } from '../common/errors/weft-error.js';
import type { Policy } from './policy.js';
import { PolicyError } from './policy-error.js';
import type { PolicyIdentity, PolicyIdentityDeserializer } from './policy-identity.js';
import type { SignedData } from './signed-data.js';

/** The peer's own policies, over its local MSP (Fabric's channelless checks): ROLE admin and ROLE member. */
export interface LocalPolicies {
  readonly admins: Policy;
  readonly members: Policy;
}

export function localPolicies(mspId: string, deserializer: PolicyIdentityDeserializer): LocalPolicies {
  return {
    admins: new LocalRolePolicy('Admins', mspId, MSPRole.MSPRoleType.ADMIN, deserializer),
    members: new LocalRolePolicy('Members', mspId, MSPRole.MSPRoleType.MEMBER, deserializer),
  };
}

/**
 * Every signer must be of the role in the local MSP and every signature must verify (Fabric's
 * CheckPolicyNoChannelBySignedData): there is no threshold, one bad signer refuses the set.
 */
class LocalRolePolicy implements Policy {
  private readonly principal: MSPPrincipal;

  constructor(
    private readonly name: 'Admins' | 'Members',
    private readonly mspId: string,
    private readonly role: MSPRoleType,
    private readonly deserializer: PolicyIdentityDeserializer,
  ) {
    const mspRole = new MSPRole();
    mspRole.setMspIdentifier(mspId);
    mspRole.setRole(role);
    this.principal = new MSPPrincipal();
    this.principal.setPrincipalClassification(MSPPrincipal.Classification.ROLE);
    this.principal.setPrincipal(mspRole.serializeBinary());
  }

  evaluateSignedData(signed: readonly SignedData[]): void {
    if (signed.length === 0) throw this.refuse(`no signed data during channelless check policy with policy [${this.name}]`);
    for (const sd of signed) {
      let identity: PolicyIdentity;
      try {
        identity = this.deserializer.deserializeIdentity(sd.identity);
      } catch (err) {
        throw this.refuse(`failed deserializing signed data identity during channelless check policy with policy [${this.name}]: [${errorMessage(err)}]`, err);
      }
      this.check(identity, 'the signed data identity');
      let verified: boolean;
      try {
        verified = identity.verify(sd.data, sd.signature);
      } catch {
        verified = false;
      }
      if (!verified) {
        throw this.refuse(`failed verifying the signature of the signed data identity during channelless check policy with policy [${this.name}]: [The signature is invalid]`);
      }
    }
  }

  evaluateIdentities(identities: readonly PolicyIdentity[]): void {
    if (identities.length === 0) throw this.refuse(`no identities during channelless check policy with policy [${this.name}]`);
    for (const identity of identities) this.check(identity, 'the identity');
  }

  private check(identity: PolicyIdentity, what: string): void {
    if (identity.satisfiesPrincipal(this.principal)) return;
    let reason: string;
    if (identity.mspId !== this.mspId) reason = `the identity is a member of a different MSP (expected ${this.mspId}, got ${identity.mspId})`;
    else if (this.role === MSPRole.MSPRoleType.ADMIN) reason = `The identity is not an admin under this MSP [${this.mspId}]`;
    else reason = `The identity is not valid under this MSP [${this.mspId}]`;
    throw this.refuse(`failed verifying that ${what} satisfies local MSP principal during channelless check policy with policy [${this.name}]: [${reason}]`);
  }

  private refuse(message: string, cause?: unknown): PolicyError {
    return new PolicyError('POLICY_NOT_SATISFIED', message, { cause });
  }
}
