import { errorMessage } from '../../common/errors/weft-error.js';
import type { Logger } from '../../common/logging/logging.js';
import { Block } from '../../common/protos/common.js';
import { ChannelInfo, ChannelQueryResponse } from '../../common/protos/query.js';
import type { ChaincodeResponse } from '../../shim/chaincode.js';
import { error, success } from '../../shim/chaincode.js';
import type { ChaincodeStub } from '../../shim/chaincode-stub.js';
import { BuiltinScc } from '../builtin-scc.js';
import type { SccAcl } from '../scc-acl.js';

export const CSCC_PATH = 'weft/src/scc/cscc';

/** The channels of the peer, as cscc sees them. */
export interface PeerChannels {
  channelIds(): string[];
  /** Creates the channel's ledger from its genesis block and deploys the SCCs on it; resolves its id. */
  join(genesisBlock: Block): Promise<string>;
  /** The newest config block of a channel, or undefined when the peer is not on it. */
  configBlock(channelId: string): Promise<Block | undefined>;
}

export interface CsccOptions {
  channels: PeerChannels;
  acl: SccAcl;
  logger: Logger;
}

/** The configuration system chaincode: joins channels and answers which ones the peer is on. */
export class Cscc extends BuiltinScc {
  constructor(private readonly opts: CsccOptions) {
    super({ name: 'cscc', path: CSCC_PATH, invokableExternal: true, invokableCC2CC: false });
  }

  init(): ChaincodeResponse {
    this.opts.logger.info('Init', 'Init CSCC');
    return success();
  }

  async invoke(stub: ChaincodeStub): Promise<ChaincodeResponse> {
    const args = stub.getArgs();
    const [fnBytes, arg] = args;
    if (fnBytes === undefined) return error(`Incorrect number of arguments, ${args.length}`);
    const fn = Buffer.from(fnBytes).toString();
    if (fn !== 'GetChannels' && arg === undefined) return error(`Incorrect number of arguments, ${args.length}`);
    this.opts.logger.debug('Invoke', `Invoke function: ${fn}`);
    // Joining and listing channels are the peer's own business (its local MSP); a channel's config, that channel's.
    const channelId = fn === 'GetConfigBlock' ? Buffer.from(arg ?? []).toString() : '';
    if (fn === 'JoinChain' || fn === 'GetConfigBlock' || fn === 'GetChannels') {
      try {
        this.opts.acl.checkACL(`cscc/${fn}`, channelId, stub.getSignedProposal());
      } catch (err) {
        return error(fn === 'GetChannels' ? `access denied for [${fn}]: ${errorMessage(err)}` : `access denied for [${fn}][${channelId}]: [${errorMessage(err)}]`);
      }
    }
    switch (fn) {
      case 'JoinChain':
        return this.joinChain(arg ?? new Uint8Array());
      case 'GetConfigBlock':
        return this.getConfigBlock(Buffer.from(arg ?? []).toString());
      case 'GetChannels':
        return success(this.getChannels());
      default:
        return error(`Requested function ${fn} not found.`);
    }
  }

  private async joinChain(blockBytes: Uint8Array): Promise<ChaincodeResponse> {
    if (blockBytes.length === 0) return error('Cannot join the channel <nil> configuration block provided');
    let block: Block;
    try {
      block = Block.deserializeBinary(blockBytes);
    } catch {
      // google-protobuf's own message here is an unformatted template; say what it means.
      return error('Failed to reconstruct the genesis block, the bytes are not a common.Block protobuf');
    }
    try {
      const channelId = await this.opts.channels.join(block);
      this.opts.logger.info('joinChain', `Joined channel [${channelId}]`);
      return success();
    } catch (err) {
      return error(`cannot create ledger from genesis block: ${errorMessage(err)}`);
    }
  }

  private async getConfigBlock(channelId: string): Promise<ChaincodeResponse> {
    if (channelId === '') return error('ChainID must not be nil.');
    const block = await this.opts.channels.configBlock(channelId);
    if (block === undefined) return error(`Unknown chain ID, ${channelId}`);
    return success(block.serializeBinary());
  }

  private getChannels(): Uint8Array {
    const resp = new ChannelQueryResponse();
    for (const id of this.opts.channels.channelIds()) {
      const info = new ChannelInfo();
      info.setChannelId(id);
      resp.addChannels(info);
    }
    return resp.serializeBinary();
  }
}
