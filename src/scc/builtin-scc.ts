import type { Chaincode, ChaincodeResponse } from '../shim/chaincode.js';
import type { ChaincodeStub } from '../shim/chaincode-stub.js';
import type { SystemChaincode } from './system-chaincode.js';

export interface BuiltinSccDescription {
  name: string;
  path: string;
  invokableExternal: boolean;
  invokableCC2CC: boolean;
}

/** A system chaincode built into the peer: it describes itself and is its own chaincode. */
export abstract class BuiltinScc implements Chaincode, SystemChaincode {
  readonly name: string;
  readonly path: string;
  readonly invokableExternal: boolean;
  readonly invokableCC2CC: boolean;
  readonly initArgs: Uint8Array[] = [];
  readonly enabled = true;

  constructor(description: BuiltinSccDescription) {
    this.name = description.name;
    this.path = description.path;
    this.invokableExternal = description.invokableExternal;
    this.invokableCC2CC = description.invokableCC2CC;
  }

  get chaincode(): Chaincode {
    return this;
  }

  abstract init(stub: ChaincodeStub): Promise<ChaincodeResponse> | ChaincodeResponse;
  abstract invoke(stub: ChaincodeStub): Promise<ChaincodeResponse> | ChaincodeResponse;
}
