import { join } from 'node:path';
import { builtInProfile } from '../../src/channelconfig/built-in-profile.js';
import { genesisBlockOfProfile } from '../../src/channelconfig/config-block.js';
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
