/** The policies module's public API: who may do what, as Fabric decides it. */
export { AclError, type AclErrorCode } from './acl-error.js';
export { AclProvider, absolutePolicyRef, type AclProviderOptions, type ChannelAcls } from './acl-provider.js';
export { CHANNEL_ACLS, LOCAL_ACLS } from './default-acls.js';
export { ImplicitMetaPolicy } from './implicit-meta-policy.js';
export { localPolicies, type LocalPolicies } from './local-policies.js';
export type { Policy } from './policy.js';
export { PolicyError, type PolicyErrorCode } from './policy-error.js';
export type { PolicyIdentity, PolicyIdentityDeserializer } from './policy-identity.js';
export { PolicyManager } from './policy-manager.js';
export { SignaturePolicy } from './signature-policy.js';
export { formatSignaturePolicy, parseSignaturePolicy, policyMspIds } from './signature-policy-dsl.js';
export { signedByAnyMember } from './signed-by-any-member.js';
export { signedDataOfEnvelope, signedDataOfProposal, type SignedData } from './signed-data.js';
