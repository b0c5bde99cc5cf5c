import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { errorMessage } from '../common/errors/weft-error.js';
import type { Block } from '../common/protos/common.js';
import { ClientError } from '../client/client-error.js';
import { loadCoreConfig } from '../common/config/load-core-config.js';
import { validateChannelId } from '../ledger/channel-id.js';
import { CliError } from './cli-error.js';
import { writeOutputFile } from './output-file.js';
import { BlockchainInfo } from '../common/protos/common.js';
import { HeaderType } from '../common/protos/proposal.js';
import { ChannelQueryResponse } from '../common/protos/query.js';
import { callPeer, clientContext, ordererTarget } from './peer-call.js';
import { DeliverClient } from '../client/deliver-client.js';
import { dialAddress } from '../comm/dial-address.js';

const text = (s: string): Buffer => Buffer.from(s);

/** `weft channel ...`: the channel operations of `peer channel`, sent to the running peer. */
export function addChannelCommands(program: Command, env: NodeJS.ProcessEnv): void {
  const channel = program.command('channel').description('Operate a channel: genesis|create|join|list|getinfo|fetch|signconfigtx|update');

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
      // Making config blocks (configtx.yaml, MSP folders, policies) loads for genesis and create only.
      const { genesisBlockFor } = await import('./channel-genesis.js');
      const block = await genesisBlockFor(opts, env);
      await writeOutputFile(opts.outputBlock, block.serializeBinary(), 'the block');
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
    .command('create')
    .description(
      "Create a channel on the peer's embedded ordering service and join the peer to it: its genesis block as `channel genesis` makes it, " +
        'joined to the orderer through its channel participation API, then to the peer. The block is written to <channel>.block.',
    )
    .requiredOption('-c, --channelID <channel>', 'the channel ID')
    .option('--outputBlock <file>', 'where to write the genesis block (default: <channel>.block)')
    .option('--config <path>', 'configtx.yaml, or the folder holding it (configtxgen -configPath)')
    .option('--profile <name>', 'the profile of configtx.yaml to use (configtxgen -profile)')
    .option('--crypto <dir>', 'a cryptogen output folder for the built-in test-network profile')
    .action(async (opts: { channelID: string; outputBlock?: string; config?: string; profile?: string; crypto?: string }) => {
      validateChannelId(opts.channelID);
      const config = await loadCoreConfig({ env });
      if (!config.peer.orderer.enabled) {
        throw new CliError('BAD_INPUT', 'the peer runs no embedded orderer (peer.orderer.enabled is false): join the orderer with `weft osnadmin channel join`, then the peer with `weft channel join`');
      }
      const [{ genesisBlockFor }, { OsnadminClient }] = await Promise.all([import('./channel-genesis.js'), import('../client/osnadmin-client.js')]);
      const block = (await genesisBlockFor(opts, env)).serializeBinary();
      const file = opts.outputBlock ?? `${opts.channelID}.block`;
      await writeOutputFile(file, block, 'the block');
      const admin = new OsnadminClient(dialAddress(config.peer.orderer.adminListenAddress));
      const joined = await admin.join(block);
      if (joined.status !== 201) throw new ClientError('CALL_FAILED', `the orderer did not join channel ${opts.channelID}: status ${joined.status}: ${adminError(joined.body)}`);
      await callPeer(env, { channelId: '', chaincodeName: 'cscc', args: [text('JoinChain'), block], headerType: HeaderType.CONFIG });
      process.stdout.write(`Created channel ${opts.channelID}: the orderer and the peer joined it; its genesis block is in ${file}\n`);
    });

  channel
    .command('fetch')
    .description("Fetch a block through Deliver: from the ordering service with -o, else from the peer: newest, oldest, config, or a block number.")
    .argument('<which>', 'newest|oldest|config|<number>')
    .argument('[outputFile]', 'where to write the block (default: <channel>_<which>.block)')
    .requiredOption('-c, --channelID <channel>', 'the channel ID')
    .option('-o, --orderer <address>', 'ordering service endpoint (default: the peer)')
    .option('--ordererTLSHostnameOverride <host>', "the host name the ordering service's TLS certificate carries, when it is not the one dialled")
    .action(async (which: string, outputFile: string | undefined, opts: { channelID: string; orderer?: string; ordererTLSHostnameOverride?: string }) => {
      if (!/^(newest|oldest|config|\d+)$/.test(which)) throw new CliError('BAD_INPUT', `fetch target illegal: ${which} (newest, oldest, config or a block number)`);
      const context = await clientContext(env);
      const target = opts.orderer === undefined ? { address: context.address, tls: context.tls } : await ordererTarget(env, context, opts);
      const client = await DeliverClient.connect(target.address, { service: opts.orderer === undefined ? 'peer' : 'orderer', signer: context.signer, tls: target.tls });
      try {
        const one = async (at: 'newest' | number): Promise<Block> => {
          for await (const block of client.blocks({ channelId: opts.channelID, start: at, stop: at, failIfNotReady: true })) return block;
          throw new ClientError('NOT_FOUND', `no block ${at} on channel ${opts.channelID}`);
        };
        let block: Block;
        if (which === 'config') {
          const { lastConfigIndexOf } = await import('../orderer/block-signature.js');
          block = await one(lastConfigIndexOf(await one('newest')));
        } else {
          block = await one(which === 'newest' ? 'newest' : which === 'oldest' ? 0 : Number(which));
        }
        const file = outputFile ?? `${opts.channelID}_${which}.block`;
        await writeOutputFile(file, block.serializeBinary(), 'the block');
        process.stdout.write(`Received block: ${block.getHeader()?.getNumber() ?? 0}\nWrote it to ${file}\n`);
      } finally {
        client.close();
      }
    });
}

/** The `error` of an admin API answer, or its body as it came. */
function adminError(body: Buffer): string {
  try {
    const parsed = JSON.parse(body.toString('utf8')) as { error?: unknown };
    if (typeof parsed.error === 'string') return parsed.error;
  } catch {
    // not JSON: shown as it came
  }
  return body.toString('utf8');
}
