import type { Logger } from '../../common/logging/logging.js';
import { ChannelInfo, ChannelQueryResponse } from '../../common/protos/query.js';
import type { ChaincodeResponse } from '../../shim/chaincode.js';
import { error, success } from '../../shim/chaincode.js';
import type { ChaincodeStub } from '../../shim/chaincode-stub.js';
import { BuiltinScc } from '../builtin-scc.js';

export const CSCC_PATH = 'weft/src/scc/cscc';

/** The channels this peer has joined. */
export interface ChannelLister {
  channelIds(): string[];
}

export interface CsccOptions {
  channels: ChannelLister;
  logger: Logger;
}

/** The configuration system chaincode: which channels the peer is on. */
export class Cscc extends BuiltinScc {
  constructor(private readonly opts: CsccOptions) {
    super({ name: 'cscc', path: CSCC_PATH, invokableExternal: true, invokableCC2CC: false });
  }

  init(): ChaincodeResponse {
    this.opts.logger.info('Init', 'Init CSCC');
    return success();
  }

  invoke(stub: ChaincodeStub): ChaincodeResponse {
    const args = stub.getStringArgs();
    const fn = args[0];
    if (fn === undefined) return error(`Incorrect number of arguments, ${args.length}`);
    this.opts.logger.debug('Invoke', `Invoke function: ${fn}`);
    switch (fn) {
      case 'GetChannels':
        return success(this.getChannels());
      default:
        return error(`Requested function ${fn} not found.`);
    }
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
