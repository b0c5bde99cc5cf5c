import type { ContractClass, ShimChaincode } from './fabric-shim-loader.js';

/** One collection of a chaincode's private data, as Fabric's collections_config.json lists it. */
export interface TestCollection {
  name: string;
  /** A signature policy, e.g. "OR('Org1MSP.member')". */
  policy: string;
  requiredPeerCount?: number;
  maxPeerCount?: number;
  blockToLive?: number;
  memberOnlyRead?: boolean;
  memberOnlyWrite?: boolean;
}

/** What every way of giving a chaincode shares: its name on the channel and its definition. */
interface ChaincodeBase {
  /** The chaincode's name on the channel (what `network.getContract(name)` takes). */
  name: string;
  /** The definition's version; '1.0' by default. */
  version?: string;
  /** The definition's endorsement policy, e.g. "OR('Org1MSP.peer')"; the channel's default when left out. */
  endorsementPolicy?: string;
  /** Private data collections. */
  collections?: readonly TestCollection[];
  /** The channels to deploy it on; every channel of the network by default. */
  channels?: readonly string[];
}

/**
 * A Node.js chaincode folder (package.json, with fabric-contract-api contracts or a fabric-shim
 * chaincode), run as the peer runs chaincode:
 * - `'in-process'` (the default): loaded into this process with the folder's own fabric-shim and
 *   fabric-contract-api (its dependencies must be installed), served by fabric-shim's chaincode
 *   server, and deployed as a chaincode-as-a-service package the peer dials. A contract chaincode
 *   only: a plain fabric-shim chaincode starts itself when loaded, and needs `'process'`.
 * - `'process'`: packaged as a `node` package and run by the peer as a child process, built
 *   with npm as any installed chaincode (seconds the first time, then from the dependency cache).
 */
export interface ChaincodeFromPath extends ChaincodeBase {
  path: string;
  run?: 'in-process' | 'process';
}

/** fabric-contract-api contract classes, run in this process. */
export interface ChaincodeFromContracts extends ChaincodeBase {
  contracts: readonly ContractClass[];
  /**
   * A folder from which `fabric-shim` resolves (the one installation whose fabric-contract-api the
   * classes extend); the current working folder by default.
   */
  shimFrom?: string;
}

/** A fabric-shim chaincode object (Init and Invoke), run in this process. */
export interface ChaincodeFromShim extends ChaincodeBase {
  chaincode: ShimChaincode;
  /** A folder from which `fabric-shim` resolves; the current working folder by default. */
  shimFrom?: string;
}

export type TestChaincode = ChaincodeFromPath | ChaincodeFromContracts | ChaincodeFromShim;
