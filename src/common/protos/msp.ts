/** MSP protobufs: configuration, identities and principals (deep imports: see peer.ts). */
import configPb from '@hyperledger/fabric-protos/lib/msp/msp_config_pb.js';
import identitiesPb from '@hyperledger/fabric-protos/lib/msp/identities_pb.js';
import principalPb from '@hyperledger/fabric-protos/lib/msp/msp_principal_pb.js';

export const { MSPConfig, FabricMSPConfig, FabricCryptoConfig, FabricOUIdentifier, FabricNodeOUs } = configPb;
export type MSPConfig = InstanceType<typeof configPb.MSPConfig>;
export type FabricMSPConfig = InstanceType<typeof configPb.FabricMSPConfig>;
export type FabricOUIdentifier = InstanceType<typeof configPb.FabricOUIdentifier>;
export type FabricNodeOUs = InstanceType<typeof configPb.FabricNodeOUs>;

export const { SerializedIdentity } = identitiesPb;
export type SerializedIdentity = InstanceType<typeof identitiesPb.SerializedIdentity>;

export const { MSPPrincipal, MSPRole, OrganizationUnit, MSPIdentityAnonymity, CombinedPrincipal } = principalPb;
export type MSPPrincipal = InstanceType<typeof principalPb.MSPPrincipal>;
export type MSPRole = InstanceType<typeof principalPb.MSPRole>;
export type OrganizationUnit = InstanceType<typeof principalPb.OrganizationUnit>;

/** MSPConfig.type of an X.509 MSP (Fabric's msp.FABRIC). */
export const MSP_TYPE_FABRIC = 0;
