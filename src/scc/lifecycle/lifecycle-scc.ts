import type { ChaincodeResponse } from '../../shim/chaincode.js';
import { error, success } from '../../shim/chaincode.js';
import type { ChaincodeStub } from '../../shim/chaincode-stub.js';
import { BuiltinScc } from '../builtin-scc.js';

export const LIFECYCLE_PATH = 'weft/src/scc/lifecycle';

/** The new lifecycle system chaincode: present but disabled by default, as in Fabric 1.4. */
export class LifecycleScc extends BuiltinScc {
  constructor() {
    super({ name: '_lifecycle', path: LIFECYCLE_PATH, invokableExternal: true, invokableCC2CC: true });
  }

  init(): ChaincodeResponse {
    return success();
  }

  invoke(stub: ChaincodeStub): ChaincodeResponse {
    const fn = stub.getStringArgs()[0] ?? '';
    return error(`unknown function '${fn}' of _lifecycle`);
  }
}
