import type { Logger } from '../../common/logging/logging.js';
import { ChannelInfo, ChannelQueryResponse } from '../../common/protos/query.js';
import type { Chaincode, ChaincodeResponse } from '../../shim/chaincode.js';
import { error, success } from '../../shim/chaincode.js';
import type { ChaincodeStub } from '../../shim/chaincode-stub.js';
import type { SystemChaincode } from '../system-chaincode.js';

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
export class Cscc implements Chaincode, SystemChaincode {
  readonly name = 'cscc';
  readonly path = CSCC_PATH;
  readonly initArgs: Uint8Array[] = [];
  readonly invokableExternal = true;
  readonly invokableCC2CC = false;
  readonly enabled = true;

  constructor(private readonly opts: CsccOptions) {}

  get chaincode(): Chaincode {
    return this;
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
