import { ChaincodeQueryResponse } from '../../common/protos/query.js';
import type { ChaincodeResponse } from '../../shim/chaincode.js';
import { error, success } from '../../shim/chaincode.js';
import type { ChaincodeStub } from '../../shim/chaincode-stub.js';
import { BuiltinScc } from '../builtin-scc.js';

export const LSCC_PATH = 'weft/src/scc/lscc';

/**
 * The legacy lifecycle system chaincode. No user chaincode is deployed through it yet, so its
 * queries answer with empty lists; what it cannot do yet it says so by name.
 */
export class Lscc extends BuiltinScc {
  constructor() {
    super({ name: 'lscc', path: LSCC_PATH, invokableExternal: true, invokableCC2CC: true });
  }

  init(): ChaincodeResponse {
    return success();
  }

  invoke(stub: ChaincodeStub): ChaincodeResponse {
    const args = stub.getStringArgs();
    const fn = args[0];
    if (fn === undefined) return error(`Incorrect number of arguments, ${args.length}`);
    switch (fn.toLowerCase()) {
      case 'getchaincodes':
      case 'getinstalledchaincodes':
        return success(new ChaincodeQueryResponse().serializeBinary());
      default:
        return error(`invalid function to lscc: ${fn}`);
    }
  }
}
