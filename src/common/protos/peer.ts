/**
 * The peer protobuf classes Weft uses, from @hyperledger/fabric-protos (the package fabric-shim
 * uses). Deep imports of single generated files: the package index loads every proto and costs
 * over 100 ms at start-up.
 */
import chaincodePb from '@hyperledger/fabric-protos/lib/peer/chaincode_pb.js';
import shimPb from '@hyperledger/fabric-protos/lib/peer/chaincode_shim_pb.js';
import responsePb from '@hyperledger/fabric-protos/lib/peer/proposal_response_pb.js';
import eventPb from '@hyperledger/fabric-protos/lib/peer/chaincode_event_pb.js';
import queryResultPb from '@hyperledger/fabric-protos/lib/ledger/queryresult/kv_query_result_pb.js';
import timestampPb from 'google-protobuf/google/protobuf/timestamp_pb.js';

export const { ChaincodeMessage, GetState, PutState, DelState } = shimPb;
export type ChaincodeMessage = InstanceType<typeof shimPb.ChaincodeMessage>;
export type GetState = InstanceType<typeof shimPb.GetState>;
export type PutState = InstanceType<typeof shimPb.PutState>;
export type DelState = InstanceType<typeof shimPb.DelState>;

// The query, metadata and history calls of the shim (Fabric 2.5's chaincode_shim.proto).
export const {
  GetStateByRange,
  GetQueryResult,
  GetHistoryForKey,
  QueryStateNext,
  QueryStateClose,
  QueryMetadata,
  QueryResponse,
  QueryResultBytes,
  QueryResponseMetadata,
  GetStateMetadata,
  PutStateMetadata,
  StateMetadata,
  StateMetadataResult,
} = shimPb;
export type GetStateByRange = InstanceType<typeof shimPb.GetStateByRange>;
export type QueryResponse = InstanceType<typeof shimPb.QueryResponse>;
export type QueryResultBytes = InstanceType<typeof shimPb.QueryResultBytes>;
export type QueryMetadata = InstanceType<typeof shimPb.QueryMetadata>;
export type StateMetadata = InstanceType<typeof shimPb.StateMetadata>;

/** The records a range scan and a history query return to the shim, serialized into QueryResultBytes. */
export const { KV, KeyModification } = queryResultPb;
export type KV = InstanceType<typeof queryResultPb.KV>;
export type KeyModification = InstanceType<typeof queryResultPb.KeyModification>;

export const { ChaincodeEvent } = eventPb;
export type ChaincodeEvent = InstanceType<typeof eventPb.ChaincodeEvent>;

export const { Timestamp } = timestampPb;

/** A ChaincodeMessage type number (REGISTER = 1, ...). */
export type MessageType = ReturnType<ChaincodeMessage['getType']>;
export const MessageTypes = shimPb.ChaincodeMessage.Type;

const typeNames = new Map<number, string>(Object.entries(MessageTypes).map(([name, n]) => [n, name]));

/** Fabric's name of a message type (`GET_STATE`), for log lines and errors. */
export function messageTypeName(type: number): string {
  return typeNames.get(type) ?? `UNKNOWN(${type})`;
}

export const { ChaincodeID, ChaincodeInput, ChaincodeSpec, ChaincodeDeploymentSpec, ChaincodeData } = chaincodePb;
export type ChaincodeData = InstanceType<typeof chaincodePb.ChaincodeData>;
export type ChaincodeID = InstanceType<typeof chaincodePb.ChaincodeID>;
export type ChaincodeInput = InstanceType<typeof chaincodePb.ChaincodeInput>;
export type ChaincodeSpec = InstanceType<typeof chaincodePb.ChaincodeSpec>;
export type ChaincodeDeploymentSpec = InstanceType<typeof chaincodePb.ChaincodeDeploymentSpec>;

export const { Response } = responsePb;
export type Response = InstanceType<typeof responsePb.Response>;
