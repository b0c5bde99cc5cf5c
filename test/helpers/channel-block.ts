import { join } from 'node:path';
import { builtInProfile } from '../../src/channelconfig/built-in-profile.js';
import { genesisBlockOfProfile } from '../../src/channelconfig/config-block.js';
import type { ConfigtxOrganization } from '../../src/channelconfig/configtx.js';
import type { Block } from '../../src/common/protos/common.js';
import { ensureDefaultCrypto } from '../../src/msp/default-identities.js';
import { tempDir } from './temp-dir.js';

let crypto: Promise<string> | undefined;

/** The default organisations' crypto, made once per test file. */
export function testCrypto(): Promise<string> {
  crypto ??= (async () => {
    const dir = join(await tempDir('weft-crypto-'), 'crypto');
    await ensureDefaultCrypto(dir);
    return dir;
  })();
  return crypto;
}

/** A real channel config block (the built-in profile over the default crypto), as `--join` makes one. */
export async function testConfigBlock(channelId: string): Promise<Block> {
  return genesisBlockOfProfile(builtInProfile(await testCrypto()), channelId);
}

/**
 * A peer organisation like the built-in profile's Org1MSP (`like`), for a cryptogen folder's
 * `peerOrganizations/<domain>`: its MSP and the four policies test-network gives each org.
 */
export function peerOrganization(cryptoDir: string, like: ConfigtxOrganization, mspId: string, domain: string): ConfigtxOrganization {
  return {
    ...like,
    name: mspId,
    id: mspId,
    mspDir: join(cryptoDir, 'peerOrganizations', domain, 'msp'),
    policies: [
      ['Readers', { type: 'Signature', rule: `OR('${mspId}.admin', '${mspId}.peer', '${mspId}.client')` }],
      ['Writers', { type: 'Signature', rule: `OR('${mspId}.admin', '${mspId}.client')` }],
      ['Admins', { type: 'Signature', rule: `OR('${mspId}.admin')` }],
      ['Endorsement', { type: 'Signature', rule: `OR('${mspId}.peer')` }],
    ],
  };
}
