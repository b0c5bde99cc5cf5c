import type { SignedProposal } from '../common/protos/proposal.js';

/** What the chaincode layer needs of a transaction simulator: the state calls the shim can make. */
export interface StateSimulator {
  getState(namespace: string, key: string): Promise<Uint8Array | undefined>;
  setState(namespace: string, key: string, value: Uint8Array): void;
  deleteState(namespace: string, key: string): void;
}

/** One transaction as chaincode support runs it (Fabric's ccprovider.TransactionParams). */
export interface TransactionParams {
  txId: string;
  channelId: string;
  /** Absent for the system channel "", where SCCs are deployed without a ledger. */
  txSimulator?: StateSimulator | undefined;
  /** The client's proposal, handed to the chaincode: its creator, transient data and timestamp. */
  signedProposal?: SignedProposal | undefined;
}

/** The chaincode a transaction targets (Fabric's ccprovider.CCContext). */
export interface CCContext {
  name: string;
  version: string;
}

/** How to start a chaincode's container (Fabric's ccprovider.ChaincodeContainerInfo). */
export interface ChaincodeContainerInfo {
  name: string;
  version: string;
  path: string;
  /** The chaincode's language, as ChaincodeSpec.Type names it (GOLANG, NODE, ...). */
  type: string;
  /** The VM type that runs it: SYSTEM for system chaincodes. */
  containerType: string;
}

export function chaincodeCanonicalName(cc: { name: string; version: string }): string {
  return `${cc.name}:${cc.version}`;
}
