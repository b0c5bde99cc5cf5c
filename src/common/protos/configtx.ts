/** Channel configuration protobufs: the config tree and the values in it (deep imports: see peer.ts). */
import commonPb from '@hyperledger/fabric-protos/lib/common/common_pb.js';
import configtxPb from '@hyperledger/fabric-protos/lib/common/configtx_pb.js';
import configurationPb from '@hyperledger/fabric-protos/lib/common/configuration_pb.js';
import policiesPb from '@hyperledger/fabric-protos/lib/common/policies_pb.js';
import ordererConfigPb from '@hyperledger/fabric-protos/lib/orderer/configuration_pb.js';
import etcdraftPb from '@hyperledger/fabric-protos/lib/orderer/etcdraft/configuration_pb.js';
import peerConfigPb from '@hyperledger/fabric-protos/lib/peer/configuration_pb.js';

export const { ConfigEnvelope, Config, ConfigGroup, ConfigValue, ConfigPolicy, ConfigUpdate, ConfigUpdateEnvelope, ConfigSignature } = configtxPb;
export type ConfigUpdate = InstanceType<typeof configtxPb.ConfigUpdate>;
export type ConfigUpdateEnvelope = InstanceType<typeof configtxPb.ConfigUpdateEnvelope>;
export type ConfigEnvelope = InstanceType<typeof configtxPb.ConfigEnvelope>;
export type Config = InstanceType<typeof configtxPb.Config>;
export type ConfigGroup = InstanceType<typeof configtxPb.ConfigGroup>;
export type ConfigValue = InstanceType<typeof configtxPb.ConfigValue>;
export type ConfigPolicy = InstanceType<typeof configtxPb.ConfigPolicy>;

export const { Policy, ImplicitMetaPolicy } = policiesPb;
export type Policy = InstanceType<typeof policiesPb.Policy>;
export type ImplicitMetaPolicy = InstanceType<typeof policiesPb.ImplicitMetaPolicy>;

export const { HashingAlgorithm, BlockDataHashingStructure, OrdererAddresses, Consortium, Capabilities, Capability } = configurationPb;
export type Capabilities = InstanceType<typeof configurationPb.Capabilities>;

export const { ConsensusType, BatchSize, BatchTimeout, ChannelRestrictions, KafkaBrokers } = ordererConfigPb;
export type ConsensusType = InstanceType<typeof ordererConfigPb.ConsensusType>;
export type BatchSize = InstanceType<typeof ordererConfigPb.BatchSize>;

/** etcdraft's ConsensusType metadata. */
export const EtcdRaft = { ConfigMetadata: etcdraftPb.ConfigMetadata, Consenter: etcdraftPb.Consenter, Options: etcdraftPb.Options };
export type EtcdRaftConfigMetadata = InstanceType<typeof etcdraftPb.ConfigMetadata>;
export type EtcdRaftConsenter = InstanceType<typeof etcdraftPb.Consenter>;

export const { AnchorPeers, AnchorPeer, ACLs, APIResource } = peerConfigPb;

export const { OrdererBlockMetadata, BlockMetadataIndex } = commonPb;
