// weft/testing: a Fabric network in the test's own process (a peer, its orderer, channels and
// chaincodes) for applications and chaincodes under test, reached through @hyperledger/fabric-gateway.
import { TestNetwork } from './test-network.js';
import type { TestNetworkOptions } from './test-network-options.js';

export { TestNetwork } from './test-network.js';
export { TestNetworkError, type TestNetworkErrorCode } from './test-network-error.js';
export type { IdentityRequest, TestNetworkOptions } from './test-network-options.js';
export type { ChaincodeFromContracts, ChaincodeFromPath, ChaincodeFromShim, TestChaincode, TestCollection } from './test-chaincode.js';
export type { ContractClass, ShimChaincode } from './fabric-shim-loader.js';
export type { TestIdentity } from './test-crypto.js';

/**
 * Starts a test network: a peer of Org1MSP and its orderer in this process, on free ports, with
 * its data in a temporary folder; its channels created and joined; its chaincodes deployed through
 * `_lifecycle`. Close it with `network.close()`.
 *
 * ```ts
 * const network = await startTestNetwork({ chaincodes: [{ name: 'assets', path: './chaincode' }] });
 * const gateway = await network.gateway({ org: 'Org1MSP', user: 'User1' });
 * const contract = gateway.getNetwork('mychannel').getContract('assets');
 * await contract.submitTransaction('CreateAsset', 'a1', 'alice');
 * await network.close();
 * ```
 */
export async function startTestNetwork(opts: TestNetworkOptions = {}): Promise<TestNetwork> {
  return TestNetwork.start(opts);
}
