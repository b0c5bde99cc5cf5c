import { Handler, newMessage, type HandlerOptions } from '../../src/chaincode/handler.js';
import { HandlerRegistry } from '../../src/chaincode/handler-registry.js';
import type { TransactionParams } from '../../src/chaincode/chaincode-context.js';
import { ChaincodeMessage, MessageTypes as T } from '../../src/common/protos/peer.js';
import { createInProcStreamPair } from '../../src/comm/in-proc-stream.js';
import { createEndorserTxEnvelope, newBlock, type PeerLedger, type TxSimulator } from '../../src/ledger/index.js';
import { captureLogging } from './capture-logging.js';
import { FakeChaincodeEnd } from './fake-chaincode-end.js';

export type ExtraHandlerOptions = Omit<HandlerOptions, 'registry' | 'logger'>;

/** A peer-side handler in ready state for chaincode `mycc:1.0`, its other end played by hand. */
export async function readyHandler(opts: ExtraHandlerOptions = {}) {
  const { logging, lines } = captureLogging();
  const logger = logging.logger('chaincode');
  const registry = new HandlerRegistry<Handler>({ allowUnsolicitedRegistration: true, logger });
  const pair = createInProcStreamPair();
  const handler = new Handler({ registry, logger, ...opts });
  const served = handler.processStream(pair.peer);
  const cc = new FakeChaincodeEnd(pair.chaincode);
  await cc.register('mycc:1.0');
  await cc.next(); // REGISTERED
  await cc.next(); // READY
  return { handler, cc, served, lines };
}

/**
 * One transaction of `mycc` in flight: the TRANSACTION has reached the chaincode end, which then
 * makes calls with `call` and ends it with `complete`.
 */
export async function startTx(
  session: { handler: Handler; cc: FakeChaincodeEnd },
  txParams: TransactionParams,
  timeoutMs = 10_000,
  messageType: typeof T.TRANSACTION | typeof T.INIT = T.TRANSACTION,
) {
  const { handler, cc } = session;
  const { txId, channelId } = txParams;
  const running = handler.execute(txParams, { name: 'mycc', version: '1.0' }, newMessage(messageType, undefined, txId, channelId), timeoutMs);
  running.catch(() => undefined);
  const first = await cc.next();
  const expected = messageType === T.INIT ? 'INIT' : 'TRANSACTION';
  if (first.type !== expected) throw new Error(`expected ${expected}, got ${first.type}`);
  return {
    running,
    /** Sends one call of this transaction and resolves with the peer's answer. */
    async call(type: number, payload?: Uint8Array): Promise<ChaincodeMessage> {
      await cc.send(type, { payload: payload ?? new Uint8Array(0), txId, channelId });
      return (await cc.next()).msg;
    },
    async complete(): Promise<ChaincodeMessage> {
      await cc.send(T.COMPLETED, { txId, channelId });
      return running;
    },
  };
}

/** The text of an ERROR reply (throws when the reply is not an ERROR). */
export function errorText(msg: ChaincodeMessage): string {
  if (msg.getType() !== T.ERROR) throw new Error(`expected ERROR, got type ${msg.getType()}`);
  return Buffer.from(msg.getPayload_asU8()).toString();
}

/** The payload of a RESPONSE reply (throws with the error text otherwise). */
export function responsePayload(msg: ChaincodeMessage): Uint8Array {
  if (msg.getType() !== T.RESPONSE) throw new Error(`expected RESPONSE, got type ${msg.getType()}: ${Buffer.from(msg.getPayload_asU8()).toString()}`);
  return msg.getPayload_asU8();
}

/** Commits one transaction whose simulation `simulate` performs (private writes included); resolves its txid. */
export async function commitTx(ledger: PeerLedger, ns: string, simulate: (sim: TxSimulator) => void | Promise<void>): Promise<string> {
  const txId = `commit-${Math.random().toString(16).slice(2)}`;
  const sim = await ledger.newTxSimulator(txId);
  await simulate(sim);
  const results = sim.getTxSimulationResults();
  sim.done();
  if (results.pvtSimulationBytes !== undefined) await ledger.storeTransientPrivateData(txId, results.pvtSimulationBytes);
  const info = await ledger.getBlockchainInfo();
  const envelope = createEndorserTxEnvelope({ channelId: ledger.channelId, txId, results, chaincodeName: ns });
  await ledger.commit(newBlock({ number: info.getHeight(), previousHash: info.getCurrentblockhash_asU8(), envelopes: [envelope] }));
  return txId;
}
