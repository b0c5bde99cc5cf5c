/** Private data collection, signature policy and MSP principal protobufs (deep imports: see peer.ts). */
import collectionPb from '@hyperledger/fabric-protos/lib/peer/collection_pb.js';
import policiesPb from '@hyperledger/fabric-protos/lib/common/policies_pb.js';
import principalPb from '@hyperledger/fabric-protos/lib/msp/msp_principal_pb.js';
import identitiesPb from '@hyperledger/fabric-protos/lib/msp/identities_pb.js';

export const { CollectionConfigPackage, CollectionConfig, StaticCollectionConfig, CollectionPolicyConfig } = collectionPb;
export type CollectionConfigPackage = InstanceType<typeof collectionPb.CollectionConfigPackage>;
export type StaticCollectionConfig = InstanceType<typeof collectionPb.StaticCollectionConfig>;

export const { SignaturePolicyEnvelope, SignaturePolicy } = policiesPb;
export type SignaturePolicyEnvelope = InstanceType<typeof policiesPb.SignaturePolicyEnvelope>;
export type SignaturePolicy = InstanceType<typeof policiesPb.SignaturePolicy>;

export const { MSPPrincipal, MSPRole } = principalPb;
export type MSPPrincipal = InstanceType<typeof principalPb.MSPPrincipal>;
export type MSPRole = InstanceType<typeof principalPb.MSPRole>;
export type MSPRoleType = ReturnType<InstanceType<typeof principalPb.MSPRole>['getRole']>;

export const { SerializedIdentity } = identitiesPb;
