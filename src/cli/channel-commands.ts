import type { Command } from 'commander';
import { BlockchainInfo } from '../common/protos/common.js';
import { HeaderType } from '../common/protos/proposal.js';
import { ChannelQueryResponse } from '../common/protos/query.js';
import { callPeer } from './peer-call.js';

const text = (s: string) => Buffer.from(s);

/** `weft channel ...`: the channel operations of `peer channel`, sent to the running peer. */
export function addChannelCommands(program: Command, env: NodeJS.ProcessEnv): void {
  const channel = program.command('channel').description('Operate a channel: list|getinfo');

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
}
