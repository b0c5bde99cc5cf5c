/** Query responses of cscc and lscc (deep import: see peer.ts). */
import queryPb from '@hyperledger/fabric-protos/lib/peer/query_pb.js';

export const { ChannelQueryResponse, ChannelInfo, ChaincodeQueryResponse, ChaincodeInfo } = queryPb;
export type ChannelQueryResponse = InstanceType<typeof queryPb.ChannelQueryResponse>;
