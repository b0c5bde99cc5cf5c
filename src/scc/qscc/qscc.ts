import { errorMessage } from '../../common/errors/weft-error.js';
import type { Logger } from '../../common/logging/logging.js';
import type { BlockchainInfo } from '../../common/protos/common.js';
import type { ChaincodeResponse } from '../../shim/chaincode.js';
import { error, success } from '../../shim/chaincode.js';
import type { ChaincodeStub } from '../../shim/chaincode-stub.js';
import { BuiltinScc } from '../builtin-scc.js';

export const QSCC_PATH = 'weft/src/scc/qscc';

/** The ledgers qscc answers from. */
export interface QueryableLedgers {
  getLedger(channelId: string): { getBlockchainInfo(): Promise<BlockchainInfo> } | undefined;
}

export interface QsccOptions {
  ledgers: QueryableLedgers;
  logger: Logger;
}

/** The query system chaincode: chain information of a channel's ledger. */
export class Qscc extends BuiltinScc {
  constructor(private readonly opts: QsccOptions) {
    super({ name: 'qscc', path: QSCC_PATH, invokableExternal: true, invokableCC2CC: true });
  }

  init(): ChaincodeResponse {
    this.opts.logger.info('Init', 'Init QSCC');
    return success();
  }

  async invoke(stub: ChaincodeStub): Promise<ChaincodeResponse> {
    const args = stub.getStringArgs();
    if (args.length < 2) return error(`Incorrect number of arguments, ${args.length}`);
    const [fn = '', channelId = ''] = args;
    this.opts.logger.debug('Invoke', `Invoke function: ${fn} on chain: ${channelId}`);
    const ledger = this.opts.ledgers.getLedger(channelId);
    if (ledger === undefined) return error(`Invalid chain ID, ${channelId}`);
    switch (fn) {
      case 'GetChainInfo':
        try {
          return success((await ledger.getBlockchainInfo()).serializeBinary());
        } catch (err) {
          return error(`Failed to get block info with error ${errorMessage(err)}`);
        }
      default:
        return error(`Requested function ${fn} not found.`);
    }
  }
}
