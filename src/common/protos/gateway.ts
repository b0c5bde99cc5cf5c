/** The Gateway service's protobufs (deep import: see peer.ts). */
import gatewayPb from '@hyperledger/fabric-protos/lib/gateway/gateway_pb.js';

export const {
  EvaluateRequest,
  EvaluateResponse,
  EndorseRequest,
  EndorseResponse,
  SubmitRequest,
  SubmitResponse,
  SignedCommitStatusRequest,
  CommitStatusRequest,
  CommitStatusResponse,
  SignedChaincodeEventsRequest,
  ChaincodeEventsRequest,
  ChaincodeEventsResponse,
} = gatewayPb;
export type EvaluateRequest = InstanceType<typeof gatewayPb.EvaluateRequest>;
export type EvaluateResponse = InstanceType<typeof gatewayPb.EvaluateResponse>;
export type EndorseRequest = InstanceType<typeof gatewayPb.EndorseRequest>;
export type EndorseResponse = InstanceType<typeof gatewayPb.EndorseResponse>;
export type SubmitRequest = InstanceType<typeof gatewayPb.SubmitRequest>;
export type SubmitResponse = InstanceType<typeof gatewayPb.SubmitResponse>;
export type SignedCommitStatusRequest = InstanceType<typeof gatewayPb.SignedCommitStatusRequest>;
export type CommitStatusResponse = InstanceType<typeof gatewayPb.CommitStatusResponse>;
export type SignedChaincodeEventsRequest = InstanceType<typeof gatewayPb.SignedChaincodeEventsRequest>;
export type ChaincodeEventsRequest = InstanceType<typeof gatewayPb.ChaincodeEventsRequest>;
export type ChaincodeEventsResponse = InstanceType<typeof gatewayPb.ChaincodeEventsResponse>;
