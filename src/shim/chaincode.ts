import type { ChaincodeStub } from './chaincode-stub.js';

/** Status codes of a chaincode Response, as Fabric's shim defines them. */
export const OK = 200;
export const ERRORTHRESHOLD = 400;
export const ERROR = 500;

export interface ChaincodeResponse {
  status: number;
  message: string;
  payload: Uint8Array;
}

/** A chaincode, as the shim runs it: Init when deployed, Invoke for each transaction. */
export interface Chaincode {
  init(stub: ChaincodeStub): Promise<ChaincodeResponse> | ChaincodeResponse;
  invoke(stub: ChaincodeStub): Promise<ChaincodeResponse> | ChaincodeResponse;
}

const EMPTY = new Uint8Array(0);

export function success(payload: Uint8Array | string = EMPTY): ChaincodeResponse {
  return { status: OK, message: '', payload: typeof payload === 'string' ? Buffer.from(payload) : payload };
}

export function error(message: string): ChaincodeResponse {
  return { status: ERROR, message, payload: EMPTY };
}
