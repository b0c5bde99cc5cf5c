/** The common protobuf classes Weft uses (deep import: see peer.ts). */
import commonPb from '@hyperledger/fabric-protos/lib/common/common_pb.js';
import ledgerPb from '@hyperledger/fabric-protos/lib/common/ledger_pb.js';

export const { Block, BlockHeader, BlockData, BlockMetadata, Metadata, LastConfig, Envelope, Payload } = commonPb;
export type Envelope = InstanceType<typeof commonPb.Envelope>;
export type Block = InstanceType<typeof commonPb.Block>;
export const { BlockchainInfo } = ledgerPb;
export type BlockchainInfo = InstanceType<typeof ledgerPb.BlockchainInfo>;
export const { MetadataSignature, OrdererBlockMetadata, BlockMetadataIndex } = commonPb;
