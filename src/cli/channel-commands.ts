import { readFile, writeFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { errorMessage } from '../common/errors/weft-error.js';
import { Block } from '../common/protos/common.js';
import { loadCoreConfig } from '../common/config/load-core-config.js';
import { validateChannelId } from '../ledger/index.js';
import { defaultCryptoDir, ensureDefaultCrypto } from '../msp/default-identities.js';
import { builtInProfile } from '../channelconfig/built-in-profile.js';
import { genesisBlockOfProfile } from '../channelconfig/config-block.js';
import { loadProfile } from '../channelconfig/configtx.js';
import { CliError } from './cli-error.js';
import { BlockchainInfo } from '../common/protos/common.js';
import { HeaderType } from '../common/protos/proposal.js';
import type { Response } from '../common/protos/peer.js';
import { ChannelQueryResponse } from '../common/protos/query.js';
import { callPeer } from './peer-call.js';

const text = (s: string): Buffer => Buffer.from(s);

/** `weft channel ...`: the channel operations of `peer channel`, sent to the running peer. */
export function addChannelCommands(program: Command, env: NodeJS.ProcessEnv): void {
  const channel = program.command('channel').description('Operate a channel: genesis|join|list|getinfo|fetch');

  channel
    .command('genesis')
    .description(
      'Write a genesis config block for a channel (as configtxgen -outputBlock does): from a configtx.yaml profile (--config, --profile), ' +
        "or from fabric-samples test-network's single-org profile over a cryptogen folder (--crypto; by default the peer's own, <peer.fileSystemPath>/crypto).",
    )
    .requiredOption('-c, --channelID <channel>', 'the channel ID')
    .requiredOption('-o, --outputBlock <file>', 'where to write the block')
    .option('--config <path>', 'configtx.yaml, or the folder holding it (configtxgen -configPath)')
    .option('--profile <name>', 'the profile of configtx.yaml to use (configtxgen -profile)')
    .option('--crypto <dir>', 'a cryptogen output folder for the built-in test-network profile (OrdererMSP + Org1MSP, etcdraft at 127.0.0.1:7050)')
    .action(async (opts: { channelID: string; outputBlock: string; config?: string; profile?: string; crypto?: string }) => {
      validateChannelId(opts.channelID);
      const block = await genesisBlockFor(opts, env);
      await writeFile(opts.outputBlock, block.serializeBinary());
      process.stdout.write(`Wrote the genesis block of channel ${opts.channelID} to ${opts.outputBlock}\n`);
    });

  channel
    .command('join')
    .description('Joins the peer to a channel.')
    .requiredOption('-b, --blockpath <file>', 'Path to file containing genesis block')
    .action(async (opts: { blockpath: string }) => {
      let block: Uint8Array;
      try {
        block = await readFile(opts.blockpath);
      } catch (err) {
        throw new CliError('BAD_INPUT', `error getting genesis block from ${opts.blockpath}: ${errorMessage(err)}`);
      }
      await callPeer(env, { channelId: '', chaincodeName: 'cscc', args: [text('JoinChain'), block], headerType: HeaderType.CONFIG });
      process.stdout.write('Successfully submitted proposal to join channel\n');
    });

  channel
    .command('list')
    .description('List of channels peer has joined.')
    .action(async () => {
      const response = await callPeer(env, {
        channelId: '',
        chaincodeName: 'cscc',
        args: [text('GetChannels')],
        headerType: HeaderType.ENDORSER_TRANSACTION,
      });
      const channels = ChannelQueryResponse.deserializeBinary(response.getPayload_asU8()).getChannelsList();
      process.stdout.write(`Channels peers has joined: \n${channels.map((c) => `${c.getChannelId()}\n`).join('')}`);
    });

  channel
    .command('getinfo')
    .description('get blockchain information of a specified channel.')
    .requiredOption('-c, --channelID <channel>', 'In case of a newChain command, the channel ID to create.')
    .action(async (opts: { channelID: string }) => {
      const response = await callPeer(env, {
        channelId: '',
        chaincodeName: 'qscc',
        args: [text('GetChainInfo'), text(opts.channelID)],
        headerType: HeaderType.ENDORSER_TRANSACTION,
      });
      const info = BlockchainInfo.deserializeBinary(response.getPayload_asU8());
      const json = {
        height: info.getHeight(),
        currentBlockHash: info.getCurrentblockhash_asB64(),
        previousBlockHash: info.getPreviousblockhash_asB64(),
      };
      process.stdout.write(`Blockchain info: ${JSON.stringify(json)}\n`);
    });

  channel
    .command('fetch')
    .description("Fetch a block from the peer's ledger: newest, oldest, config, or a block number.")
    .argument('<which>', 'newest|oldest|config|<number>')
    .argument('[outputFile]', 'where to write the block (default: <channel>_<which>.block)')
    .requiredOption('-c, --channelID <channel>', 'the channel ID')
    .action(async (which: string, outputFile: string | undefined, opts: { channelID: string }) => {
      const ask = (args: Array<string | Uint8Array>): Promise<Response> =>
        callPeer(env, {
          channelId: '',
          chaincodeName: args[0] === 'GetConfigBlock' ? 'cscc' : 'qscc',
          args: args.map((a) => (typeof a === 'string' ? text(a) : a)),
          headerType: HeaderType.ENDORSER_TRANSACTION,
        });
      let response;
      if (which === 'config') {
        response = await ask(['GetConfigBlock', opts.channelID]);
      } else {
        let number = which;
        if (which === 'oldest') number = '0';
        else if (which === 'newest') {
          const info = BlockchainInfo.deserializeBinary((await ask(['GetChainInfo', opts.channelID])).getPayload_asU8());
          number = String(info.getHeight() - 1);
        } else if (!/^\d+$/.test(which)) {
          throw new CliError('BAD_INPUT', `fetch target illegal: ${which} (newest, oldest, config or a block number)`);
        }
        response = await ask(['GetBlockByNumber', opts.channelID, number]);
      }
      const file = outputFile ?? `${opts.channelID}_${which}.block`;
      await writeFile(file, response.getPayload_asU8());
      const block = Block.deserializeBinary(response.getPayload_asU8());
      process.stdout.write(`Received block: ${block.getHeader()?.getNumber() ?? 0}\nWrote it to ${file}\n`);
    });
}

/** The block `channel genesis` writes, from the options that choose where its configuration comes from. */
async function genesisBlockFor(opts: { channelID: string; config?: string; profile?: string; crypto?: string }, env: NodeJS.ProcessEnv): Promise<Block> {
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
