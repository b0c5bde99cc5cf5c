/** Ordering protobufs (deep imports: see peer.ts). */
import abPb from '@hyperledger/fabric-protos/lib/orderer/ab_pb.js';
import transactionPb from '@hyperledger/fabric-protos/lib/peer/transaction_pb.js';

export const { BroadcastResponse } = abPb;
export type BroadcastResponse = InstanceType<typeof abPb.BroadcastResponse>;
export const { TxValidationCode, ProcessedTransaction } = transactionPb;
export type ProcessedTransaction = InstanceType<typeof transactionPb.ProcessedTransaction>;

const codeNames = new Map<number, string>(Object.entries(transactionPb.TxValidationCode).map(([name, n]) => [n, name]));

/** Fabric's name of a transaction validation code (MVCC_READ_CONFLICT). */
export function validationCodeName(code: number): string {
  return codeNames.get(code) ?? `UNKNOWN(${code})`;
}
export type DeliverResponse = InstanceType<typeof abPb.DeliverResponse>;
