/** Policy and config-tree protobufs the policies module reads (deep imports: see peer.ts). */
import policiesPb from '@hyperledger/fabric-protos/lib/common/policies_pb.js';
import configtxPb from '@hyperledger/fabric-protos/lib/common/configtx_pb.js';

export const { Policy, ImplicitMetaPolicy } = policiesPb;
export type Policy = InstanceType<typeof policiesPb.Policy>;
export type ImplicitMetaPolicy = InstanceType<typeof policiesPb.ImplicitMetaPolicy>;

export const { ConfigGroup, ConfigPolicy } = configtxPb;
export type ConfigGroup = InstanceType<typeof configtxPb.ConfigGroup>;
export type ConfigPolicy = InstanceType<typeof configtxPb.ConfigPolicy>;
