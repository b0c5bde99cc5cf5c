/** Deliver protobufs: seek requests, the orderer's and the peer's Deliver responses, filtered blocks (deep imports: see peer.ts). */
import abPb from '@hyperledger/fabric-protos/lib/orderer/ab_pb.js';
import eventsPb from '@hyperledger/fabric-protos/lib/peer/events_pb.js';
import commonPb from '@hyperledger/fabric-protos/lib/common/common_pb.js';

export const { SeekInfo, SeekPosition, SeekOldest, SeekNewest, SeekSpecified, SeekNextCommit } = abPb;
export type SeekInfo = InstanceType<typeof abPb.SeekInfo>;
export type SeekPosition = InstanceType<typeof abPb.SeekPosition>;
export type SeekBehavior = ReturnType<SeekInfo['getBehavior']>;
/** The orderer's AtomicBroadcast.Deliver response: a block or a status. */
export const OrdererDeliverResponse = abPb.DeliverResponse;
export type OrdererDeliverResponse = InstanceType<typeof abPb.DeliverResponse>;

/** The peer's Deliver service response: a block, a filtered block, a block with private data, or a status. */
export const { DeliverResponse, FilteredBlock, FilteredTransaction, FilteredTransactionActions, FilteredChaincodeAction, BlockAndPrivateData } = eventsPb;
export type DeliverResponse = InstanceType<typeof eventsPb.DeliverResponse>;
export type FilteredBlock = InstanceType<typeof eventsPb.FilteredBlock>;
export type FilteredTransaction = InstanceType<typeof eventsPb.FilteredTransaction>;
export type BlockAndPrivateData = InstanceType<typeof eventsPb.BlockAndPrivateData>;

/** Fabric's common.Status values a Deliver stream ends with. */
export const { Status } = commonPb;
export type StatusValue = ReturnType<OrdererDeliverResponse['getStatus']>;

const statusNames = new Map<number, string>(Object.entries(commonPb.Status).map(([name, n]) => [n, name]));

/** Fabric's name of a status (NOT_FOUND). */
export function statusName(status: number): string {
  return statusNames.get(status) ?? `UNKNOWN(${status})`;
}
