import type { Block } from '../common/protos/common.js';
import { loadCoreConfig } from '../common/config/load-core-config.js';
import { builtInProfile } from '../channelconfig/built-in-profile.js';
import { genesisBlockOfProfile } from '../channelconfig/config-block.js';
import { loadProfile } from '../channelconfig/configtx.js';
import { defaultCryptoDir, ensureDefaultCrypto } from '../msp/default-identities.js';
import { CliError } from './cli-error.js';

/** The block `channel genesis` writes, from the options that choose where its configuration comes from. */
export async function genesisBlockFor(opts: { channelID: string; config?: string; profile?: string; crypto?: string }, env: NodeJS.ProcessEnv): Promise<Block> {
  if (opts.config !== undefined || opts.profile !== undefined) {
    if (opts.config === undefined || opts.profile === undefined) throw new CliError('BAD_INPUT', '--config and --profile go together');
    if (opts.crypto !== undefined) throw new CliError('BAD_INPUT', '--crypto is for the built-in profile: not with --config');
    return genesisBlockOfProfile(await loadProfile(opts.profile, opts.config), opts.channelID);
  }
  if (opts.crypto !== undefined) return genesisBlockOfProfile(builtInProfile(opts.crypto), opts.channelID);
  // Neither: the built-in profile over the default crypto of the peer's data folder, as `node start --join` makes it.
  const config = await loadCoreConfig({ env });
  const cryptoDir = defaultCryptoDir(config.peer.fileSystemPath);
  await ensureDefaultCrypto(cryptoDir);
  return genesisBlockOfProfile(builtInProfile(cryptoDir), opts.channelID);
}
