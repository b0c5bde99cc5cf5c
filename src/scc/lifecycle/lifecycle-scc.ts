import type { Chaincode, ChaincodeResponse } from '../../shim/chaincode.js';
import { error, success } from '../../shim/chaincode.js';
import type { ChaincodeStub } from '../../shim/chaincode-stub.js';
import type { SystemChaincode } from '../system-chaincode.js';

export const LIFECYCLE_PATH = 'weft/src/scc/lifecycle';

/** The new lifecycle system chaincode: present but disabled by default, as in Fabric 1.4. */
export class LifecycleScc implements Chaincode, SystemChaincode {
  readonly name = '_lifecycle';
  readonly path = LIFECYCLE_PATH;
  readonly initArgs: Uint8Array[] = [];
  readonly invokableExternal = true;
  readonly invokableCC2CC = true;
  readonly enabled = true;

  get chaincode(): Chaincode {
    return this;
  }

  init(): ChaincodeResponse {
    return success();
  }

  invoke(stub: ChaincodeStub): ChaincodeResponse {
    const fn = stub.getStringArgs()[0] ?? '';
    return error(`unknown function '${fn}' of _lifecycle`);
  }
}
