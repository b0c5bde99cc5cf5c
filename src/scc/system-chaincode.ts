import type { Chaincode } from '../shim/chaincode.js';

/** A system chaincode as it describes itself to the SCC provider (Fabric's SelfDescribingSysCC). */
export interface SystemChaincode {
  readonly name: string;
  /** Where it comes from: a source path for built-ins, the module path for plugins. */
  readonly path: string;
  readonly initArgs: Uint8Array[];
  readonly chaincode: Chaincode;
  /** May clients invoke it through a proposal? */
  readonly invokableExternal: boolean;
  /** May other chaincodes invoke it? */
  readonly invokableCC2CC: boolean;
  /**
   * Why chaincode `caller` may not make this call (`args` as sent), in Fabric's words; undefined
   * when it may. Asked only when invokableCC2CC: some functions of an SCC that chaincode may call
   * act beyond the transaction (installing a package) or only for a client (deploying).
   */
  refuseCC2CC?(args: readonly Uint8Array[], caller: string): string | undefined;
  readonly enabled: boolean;
}
