import { MSPPrincipal, MSPRole } from '../../src/common/protos/collection.js';
import { ConfigGroup, ConfigPolicy, ImplicitMetaPolicy, Policy } from '../../src/common/protos/policies.js';
import { parseSignaturePolicy } from '../../src/policies/signature-policy-dsl.js';
import type { PolicyIdentity, PolicyIdentityDeserializer } from '../../src/policies/policy-identity.js';
import type { SignedData } from '../../src/policies/signed-data.js';

const ROLE_NAMES: Record<number, string> = {
  [MSPRole.MSPRoleType.MEMBER]: 'member',
  [MSPRole.MSPRoleType.ADMIN]: 'admin',
  [MSPRole.MSPRoleType.CLIENT]: 'client',
  [MSPRole.MSPRoleType.PEER]: 'peer',
  [MSPRole.MSPRoleType.ORDERER]: 'orderer',
};

/** An identity whose "signature" over data is `sig:<id>:<data>`; roles are what it claims. */
export class FakeIdentity implements PolicyIdentity {
  verifications = 0;

  constructor(
    readonly mspId: string,
    readonly id: string,
    readonly roles: readonly string[] = ['client'],
    readonly valid = true,
  ) {}

  get serialized(): Uint8Array {
    return new TextEncoder().encode(JSON.stringify([this.mspId, this.id, this.roles, this.valid]));
  }

  verify(message: Uint8Array, signature: Uint8Array): boolean {
    this.verifications++;
    return Buffer.from(signature).toString() === `sig:${this.id}:${Buffer.from(message).toString()}`;
  }

  satisfiesPrincipal(principal: InstanceType<typeof MSPPrincipal>): boolean {
    if (!this.valid) return false;
    if (principal.getPrincipalClassification() !== MSPPrincipal.Classification.ROLE) return false;
    const role = MSPRole.deserializeBinary(principal.getPrincipal_asU8());
    if (role.getMspIdentifier() !== this.mspId) return false;
    const name = ROLE_NAMES[role.getRole()];
    return name === 'member' || (name !== undefined && this.roles.includes(name));
  }

  /** Signed data for this identity; `forged` makes the signature wrong. */
  sign(data: string, forged = false): SignedData {
    return {
      data: new TextEncoder().encode(data),
      identity: this.serialized,
      signature: new TextEncoder().encode(forged ? 'forged' : `sig:${this.id}:${data}`),
    };
  }
}

/** Knows the MSPs it is given; returns one FakeIdentity object per serialized form, as a cache would. */
export class FakeDeserializer implements PolicyIdentityDeserializer {
  readonly identities = new Map<string, FakeIdentity>();
  deserializations = 0;

  constructor(private readonly mspIds: readonly string[]) {}

  deserializeIdentity(serialized: Uint8Array): FakeIdentity {
    this.deserializations++;
    const key = Buffer.from(serialized).toString();
    const [mspId, id, roles, valid] = JSON.parse(key) as [string, string, string[], boolean];
    if (!this.mspIds.includes(mspId)) throw new Error(`MSP ${mspId} is unknown`);
    let identity = this.identities.get(key);
    if (identity === undefined) {
      identity = new FakeIdentity(mspId, id, roles, valid);
      this.identities.set(key, identity);
    }
    return identity;
  }

  /** The same identity object the deserializer hands out, to count its verifications. */
  of(identity: FakeIdentity): FakeIdentity {
    return this.deserializeIdentity(identity.serialized);
  }
}

export function signaturePolicy(dsl: string): InstanceType<typeof Policy> {
  const policy = new Policy();
  policy.setType(Policy.PolicyType.SIGNATURE);
  policy.setValue(parseSignaturePolicy(dsl).serializeBinary());
  return policy;
}

export function implicitMetaPolicy(rule: 'ANY' | 'ALL' | 'MAJORITY', subPolicy: string): InstanceType<typeof Policy> {
  const meta = new ImplicitMetaPolicy();
  meta.setRule(ImplicitMetaPolicy.Rule[rule]);
  meta.setSubPolicy(subPolicy);
  const policy = new Policy();
  policy.setType(Policy.PolicyType.IMPLICIT_META);
  policy.setValue(meta.serializeBinary());
  return policy;
}

/** A config group with the given policies and child groups. */
export function group(policies: Record<string, InstanceType<typeof Policy>>, groups: Record<string, InstanceType<typeof ConfigGroup>> = {}): InstanceType<typeof ConfigGroup> {
  const result = new ConfigGroup();
  for (const [name, policy] of Object.entries(policies)) {
    const configPolicy = new ConfigPolicy();
    configPolicy.setPolicy(policy);
    configPolicy.setModPolicy('Admins');
    result.getPoliciesMap().set(name, configPolicy);
  }
  for (const [name, child] of Object.entries(groups)) result.getGroupsMap().set(name, child);
  return result;
}

/** An application org as configtxgen writes one: Readers/Writers any member, Admins admin, Endorsement peer. */
export function orgGroup(mspId: string): InstanceType<typeof ConfigGroup> {
  return group({
    Readers: signaturePolicy(`OR('${mspId}.member')`),
    Writers: signaturePolicy(`OR('${mspId}.admin', '${mspId}.client')`),
    Admins: signaturePolicy(`OR('${mspId}.admin')`),
    Endorsement: signaturePolicy(`OR('${mspId}.peer')`),
  });
}
