/**
 * The peer protobuf classes Weft uses, from @hyperledger/fabric-protos (the package fabric-shim
 * uses). Deep imports of single generated files: the package index loads every proto and costs
 * over 100 ms at start-up.
 */
import chaincodePb from '@hyperledger/fabric-protos/lib/peer/chaincode_pb.js';
import shimPb from '@hyperledger/fabric-protos/lib/peer/chaincode_shim_pb.js';
import responsePb from '@hyperledger/fabric-protos/lib/peer/proposal_response_pb.js';

export const { ChaincodeMessage, GetState, PutState, DelState } = shimPb;
export type ChaincodeMessage = InstanceType<typeof shimPb.ChaincodeMessage>;
export type GetState = InstanceType<typeof shimPb.GetState>;
export type PutState = InstanceType<typeof shimPb.PutState>;
export type DelState = InstanceType<typeof shimPb.DelState>;

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
