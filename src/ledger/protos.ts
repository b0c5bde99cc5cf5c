/**
 * The Fabric protobuf classes the ledger uses, loaded through deep imports: the package index
 * loads every generated file (~130 ms), and the ledger needs a dozen of them.
 */
import commonPb from '@hyperledger/fabric-protos/lib/common/common_pb.js';
import ledgerPb from '@hyperledger/fabric-protos/lib/common/ledger_pb.js';
import configtxPb from '@hyperledger/fabric-protos/lib/common/configtx_pb.js';
import configurationPb from '@hyperledger/fabric-protos/lib/common/configuration_pb.js';
import policiesPb from '@hyperledger/fabric-protos/lib/common/policies_pb.js';
import mspConfigPb from '@hyperledger/fabric-protos/lib/msp/msp_config_pb.js';
import mspPrincipalPb from '@hyperledger/fabric-protos/lib/msp/msp_principal_pb.js';
import rwsetPb from '@hyperledger/fabric-protos/lib/ledger/rwset/rwset_pb.js';
import kvRwsetPb from '@hyperledger/fabric-protos/lib/ledger/rwset/kvrwset/kv_rwset_pb.js';
import queryResultPb from '@hyperledger/fabric-protos/lib/ledger/queryresult/kv_query_result_pb.js';
import transactionPb from '@hyperledger/fabric-protos/lib/peer/transaction_pb.js';
import proposalPb from '@hyperledger/fabric-protos/lib/peer/proposal_pb.js';
import proposalResponsePb from '@hyperledger/fabric-protos/lib/peer/proposal_response_pb.js';
import chaincodePb from '@hyperledger/fabric-protos/lib/peer/chaincode_pb.js';
import timestampPb from 'google-protobuf/google/protobuf/timestamp_pb.js';

export const common = { ...commonPb, ...ledgerPb, ...configtxPb, ...configurationPb, ...policiesPb };
export const msp = { ...mspConfigPb, ...mspPrincipalPb };
export const rwset = rwsetPb;
export const kvrwset = kvRwsetPb;
export const queryresult = queryResultPb;
export const peer = { ...transactionPb, ...proposalPb, ...proposalResponsePb, ...chaincodePb };
export const { Timestamp } = timestampPb;

export type Block = commonPb.Block;
export type Envelope = commonPb.Envelope;
export type ChannelHeader = commonPb.ChannelHeader;
export type BlockchainInfo = ledgerPb.BlockchainInfo;
export type TxReadWriteSet = rwsetPb.TxReadWriteSet;
export type TxPvtReadWriteSet = rwsetPb.TxPvtReadWriteSet;
export type KVRWSet = kvRwsetPb.KVRWSet;
export type RangeQueryInfo = kvRwsetPb.RangeQueryInfo;
export type ProcessedTransaction = transactionPb.ProcessedTransaction;
export type KeyModification = queryResultPb.KeyModification;
export type ProtoTimestamp = timestampPb.Timestamp;

/** Fabric's `TxValidationCode` values the ledger sets or reads. */
export const TxValidationCode = transactionPb.TxValidationCode;
