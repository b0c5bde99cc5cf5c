import { builtInProfile } from '../channelconfig/built-in-profile.js';
import type { ConfigtxProfile } from '../channelconfig/configtx.js';

/**
 * The channel profile of a test network: the peer's built-in one (test-network's, Org1 only) with
 * the given BatchTimeout, so that a test waits for blocks as little as it wants.
 */
export function testProfile(cryptoDir: string, batchTimeout: string): ConfigtxProfile {
  const profile = builtInProfile(cryptoDir);
  if (profile.orderer === undefined) return profile;
  return { ...profile, orderer: { ...profile.orderer, batchTimeout } };
}
