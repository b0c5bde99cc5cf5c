import { errorMessage } from '../../common/errors/weft-error.js';
import type { Logger } from '../../common/logging/logging.js';
import type { Block, BlockchainInfo } from '../../common/protos/common.js';
import type { ChaincodeResponse } from '../../shim/chaincode.js';
import { error, success } from '../../shim/chaincode.js';
import type { ChaincodeStub } from '../../shim/chaincode-stub.js';
import { BuiltinScc } from '../builtin-scc.js';
import type { SccAcl } from '../scc-acl.js';

export const QSCC_PATH = 'weft/src/scc/qscc';

/** A protobuf message qscc answers with. */
interface Marshallable {
  serializeBinary(): Uint8Array;
}

/** What qscc reads of a channel's ledger. */
export interface QueryableLedger {
  getBlockchainInfo(): Promise<BlockchainInfo>;
  getBlockByNumber(blockNum: number): Promise<Block>;
  getBlockByHash(hash: Uint8Array): Promise<Block>;
  getTransactionByID(txId: string): Promise<Marshallable>;
  getBlockByTxID(txId: string): Promise<Block>;
}

export interface QueryableLedgers {
  getLedger(channelId: string): QueryableLedger | undefined;
}

export interface QsccOptions {
  ledgers: QueryableLedgers;
  acl: SccAcl;
  logger: Logger;
}

/** The query system chaincode: chain information, blocks and transactions of a channel's ledger. */
export class Qscc extends BuiltinScc {
  constructor(private readonly opts: QsccOptions) {
    super({ name: 'qscc', path: QSCC_PATH, invokableExternal: true, invokableCC2CC: true });
  }

  init(): ChaincodeResponse {
    this.opts.logger.info('Init', 'Init QSCC');
    return success();
  }

  async invoke(stub: ChaincodeStub): Promise<ChaincodeResponse> {
    const args = stub.getArgs();
    if (args.length < 2) return error(`Incorrect number of arguments, ${args.length}`);
    const fn = Buffer.from(args[0] ?? []).toString();
    const channelId = Buffer.from(args[1] ?? []).toString();
    const arg = args[2];
    if (fn !== 'GetChainInfo' && arg === undefined) return error(`missing 3rd argument for ${fn}`);
    this.opts.logger.debug('Invoke', `Invoke function: ${fn} on chain: ${channelId}`);
    // As Fabric orders them: the channel, then its ACL (every function reads the channel: its
    // Readers, or what the channel config sets), then the function.
    const ledger = this.opts.ledgers.getLedger(channelId);
    if (ledger === undefined) return error(`Invalid chain ID, ${channelId}`);
    if (!QSCC_FUNCTIONS.has(fn)) return error(`Requested function ${fn} not found.`);
    try {
      this.opts.acl.checkACL(`qscc/${fn}`, channelId, stub.getSignedProposal());
    } catch (err) {
      return error(`access denied for [${fn}][${channelId}]: [${errorMessage(err)}]`);
    }
    const text = Buffer.from(arg ?? []).toString();
    switch (fn) {
      case 'GetChainInfo':
        return answer(() => ledger.getBlockchainInfo(), 'Failed to get block info with error');
      case 'GetBlockByNumber': {
        if (!/^\d+$/.test(text)) return error(`Failed to parse block number with error strconv.ParseUint: parsing "${text}": invalid syntax`);
        const number = Number(text);
        return answer(() => ledger.getBlockByNumber(number), `Failed to get block number ${text}, error`);
      }
      case 'GetBlockByHash':
        return answer(() => ledger.getBlockByHash(arg ?? new Uint8Array()), `Failed to get block hash ${Buffer.from(arg ?? []).toString('hex')}, error`);
      case 'GetTransactionByID':
        return answer(() => ledger.getTransactionByID(text), `Failed to get transaction with id ${text}, error`);
      case 'GetBlockByTxID':
        return answer(() => ledger.getBlockByTxID(text), `Failed to get block for txID ${text}, error`);
      default:
        return error(`Requested function ${fn} not found.`);
    }
  }
}

const QSCC_FUNCTIONS = new Set(['GetChainInfo', 'GetBlockByNumber', 'GetBlockByHash', 'GetTransactionByID', 'GetBlockByTxID']);

/** The marshalled result, or an error response: Fabric's words, then the ledger's reason. */
async function answer(read: () => Promise<Marshallable>, failure: string): Promise<ChaincodeResponse> {
  try {
    return success((await read()).serializeBinary());
  } catch (err) {
    return error(`${failure} ${errorMessage(err)}`);
  }
}
