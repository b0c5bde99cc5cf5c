import { errorMessage } from '../common/errors/weft-error.js';
import type { Logger } from '../common/logging/logging.js';
import {
  ChaincodeID,
  ChaincodeMessage,
  DelState,
  GetState,
  MessageTypes,
  PutState,
  type MessageType,
  messageTypeName,
} from '../common/protos/peer.js';
import type { ChaincodeStream } from '../comm/chaincode-stream.js';
import { StreamClosedError } from '../comm/stream-closed-error.js';
import { ChaincodeError } from './chaincode-error.js';
import type { CCContext, TransactionParams } from './chaincode-context.js';
import { TransactionContexts, type TransactionContext } from './transaction-contexts.js';

export type HandlerState = 'created' | 'established' | 'ready';

/** The part of the handler registry a handler talks to. */
export interface HandlerRegistrar {
  register(handler: Handler): void;
  ready(cname: string): void;
  failed(cname: string, err: Error): void;
  deregister(cname: string, handler: Handler): void;
}

export interface HandlerOptions {
  registry: HandlerRegistrar;
  logger: Logger;
  /**
   * Settles with why the chaincode's container ended, once it has; undefined when unknown. When
   * the stream breaks mid-transaction, the transaction's error says why (its exit code, its last words).
   */
  containerExit?: (cname: string) => Promise<Error> | undefined;
}

/** How long a broken stream waits for the container's exit to explain it; a killed process exits at once. */
const EXIT_GRACE_MS = 2000;

const T = MessageTypes;
type StateCall = (msg: ChaincodeMessage, ctx: TransactionContext) => Promise<Uint8Array | undefined>;

/**
 * The peer's side of the conversation with one chaincode: a state machine created -> established
 * -> ready. It registers the chaincode, sends it INIT and TRANSACTION messages, serves its state
 * calls from the transaction's simulator, and hands COMPLETED / ERROR to the waiting execute.
 */
export class Handler {
  private currentState: HandlerState = 'created';
  private name = '';
  private registered = false;
  private stream: ChaincodeStream | undefined;
  private readonly txContexts = new TransactionContexts();
  private readonly registry: HandlerRegistrar;
  private readonly logger: Logger;
  private readonly containerExit: ((cname: string) => Promise<Error> | undefined) | undefined;
  private readonly stateCalls: ReadonlyMap<number, StateCall>;

  constructor(opts: HandlerOptions) {
    this.registry = opts.registry;
    this.logger = opts.logger;
    this.containerExit = opts.containerExit;
    this.stateCalls = new Map<number, StateCall>([
      [T.GET_STATE, (msg, ctx) => this.handleGetState(msg, ctx)],
      [T.PUT_STATE, (msg, ctx) => this.handlePutState(msg, ctx)],
      [T.DEL_STATE, (msg, ctx) => this.handleDelState(msg, ctx)],
    ]);
  }

  get state(): HandlerState {
    return this.currentState;
  }

  /** The canonical name (`name:version`) the chaincode registered with; empty before REGISTER. */
  get chaincodeName(): string {
    return this.name;
  }

  /** Serves the stream until the chaincode closes it; then forgets the chaincode and fails what was in flight. */
  async processStream(stream: ChaincodeStream): Promise<void> {
    this.stream = stream;
    try {
      for (;;) {
        const msg = await stream.recv();
        // Registration is awaited so that nothing overtakes REGISTERED and READY.
        const registering = this.handleMessage(msg);
        if (registering !== undefined) await registering;
      }
    } catch (err) {
      if (!(err instanceof StreamClosedError)) throw err;
      this.logger.debug('ProcessStream', `received EOF, ending chaincode support stream for ${this.name}`);
    } finally {
      if (this.registered) this.registry.deregister(this.name, this);
      // Not awaited: the container's exit that explains the end may itself wait for this stream to be done.
      if (this.txContexts.size > 0) void this.failInFlight();
    }
  }

  /** Fails the transactions the end of the stream cut off, saying how the container ended when that is known soon. */
  private async failInFlight(): Promise<void> {
    const text = `chaincode ${this.name || '(unregistered)'} ended its stream before completing the transaction`;
    const exit = this.registered ? this.containerExit?.(this.name) : undefined;
    let cause: Error | undefined;
    if (exit !== undefined) {
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), EXIT_GRACE_MS)));
      cause = await Promise.race([exit, late])
        .catch(() => undefined)
        .finally(() => clearTimeout(timer));
    }
    this.txContexts.failAll(
      cause === undefined ? new ChaincodeError('STREAM_ENDED', text) : new ChaincodeError('STREAM_ENDED', `${text}: ${cause.message}`, { cause }),
    );
  }

  /** Sends INIT or TRANSACTION and waits for the chaincode's COMPLETED or ERROR. */
  async execute(txParams: TransactionParams, cccid: CCContext, msg: ChaincodeMessage, timeoutMs: number): Promise<ChaincodeMessage> {
    const debug = this.logger.debugEnabled;
    if (debug) this.logger.debug('Execute', 'Entry');
    const ctx = this.txContexts.create(txParams.channelId, txParams.txId, cccid.name, txParams.txSimulator, timeoutMs);
    try {
      await this.sendOrThrow(msg);
      return await ctx.response;
    } finally {
      ctx.clearTimer();
      this.txContexts.delete(txParams.channelId, txParams.txId);
      if (debug) this.logger.debug('Execute', 'Exit');
    }
  }

  private handleMessage(msg: ChaincodeMessage): Promise<void> | undefined {
    const type = msg.getType();
    if (this.logger.debugEnabled) {
      this.logger.debug(
        'handleMessage',
        `[${shortTxid(msg.getTxid())}] Fabric side handling ChaincodeMessage of type: ${messageTypeName(type)} in state ${this.currentState}`,
      );
    }
    if (type === T.KEEPALIVE) return undefined;
    if (this.currentState === 'created' && type === T.REGISTER) return this.handleRegister(msg);
    if (this.currentState === 'ready') {
      if (type === T.COMPLETED || type === T.ERROR) {
        this.notify(msg);
        return undefined;
      }
      const call = this.stateCalls.get(type);
      if (call !== undefined) {
        void this.handleTransaction(msg, call);
        return undefined;
      }
    }
    this.sendError(
      msg,
      `[${shortTxid(msg.getTxid())}] Fabric side handler cannot handle message (${messageTypeName(type)}) while in ${this.currentState} state`,
    );
    return undefined;
  }

  private async handleRegister(msg: ChaincodeMessage): Promise<void> {
    this.logger.debug('HandleRegister', `Received ${messageTypeName(msg.getType())} in state ${this.currentState}`);
    let name: string;
    try {
      name = ChaincodeID.deserializeBinary(msg.getPayload_asU8()).getName();
    } catch (err) {
      this.sendError(msg, `error unmarshalling chaincode ID in REGISTER: ${errorMessage(err)}`);
      return;
    }
    if (name === '') {
      this.sendError(msg, 'REGISTER carries no chaincode name');
      return;
    }
    this.name = name;
    try {
      this.registry.register(this);
    } catch (err) {
      this.logger.error('HandleRegister', `failed to register ${name}: ${errorMessage(err)}`);
      this.sendError(msg, errorMessage(err));
      this.stream?.closeSend();
      return;
    }
    this.registered = true;
    const debug = this.logger.debugEnabled;
    if (debug) this.logger.debug('HandleRegister', `Got REGISTER for chaincodeID = name:"${name}" , sending back REGISTERED`);
    try {
      await this.sendOrThrow(newMessage(T.REGISTERED));
      this.currentState = 'established';
      if (debug) this.logger.debug('HandleRegister', `Changed state to established for name:"${name}"`);
      if (debug) this.logger.debug('sendReady', `sending READY for chaincode name:"${name}"`);
      await this.sendOrThrow(newMessage(T.READY));
      this.currentState = 'ready';
      if (debug) this.logger.debug('sendReady', `Changed to state ready for chaincode name:"${name}"`);
    } catch (err) {
      const failure = err instanceof Error ? err : new Error(String(err));
      this.logger.error('notifyRegistry', `failed to start ${name} -- ${failure.message}`);
      this.registry.failed(name, failure);
      return;
    }
    this.registry.ready(name);
  }

  private notify(msg: ChaincodeMessage): void {
    const ctx = this.txContexts.get(msg.getChannelId(), msg.getTxid());
    if (ctx === undefined) {
      this.logger.debug(
        'Notify',
        `notifier Txid:${msg.getTxid()}, channelID:${msg.getChannelId()} does not exist for handling message ${messageTypeName(msg.getType())}`,
      );
      return;
    }
    if (this.logger.debugEnabled) {
      this.logger.debug('Notify', `[${shortTxid(msg.getTxid())}] notifying Txid:${msg.getTxid()}, channelID:${msg.getChannelId()}`);
    }
    ctx.notify(msg);
  }

  /** Serves one state call and always answers it: RESPONSE with the result, or ERROR with the reason. */
  private async handleTransaction(msg: ChaincodeMessage, call: StateCall): Promise<void> {
    const txId = msg.getTxid();
    let reply: ChaincodeMessage;
    try {
      const ctx = this.txContexts.get(msg.getChannelId(), txId);
      if (ctx === undefined || ctx.txSimulator === undefined) {
        throw new ChaincodeError(
          'BAD_MESSAGE',
          `[${shortTxid(txId)}] No ledger context for ${messageTypeName(msg.getType())}. Sending ERROR`,
        );
      }
      const payload = await call(msg, ctx);
      reply = newMessage(T.RESPONSE, payload, txId, msg.getChannelId());
    } catch (err) {
      const text = `${messageTypeName(msg.getType())} failed: transaction ID: ${txId}: ${errorMessage(err)}`;
      this.logger.error('handleTransaction', text);
      reply = newMessage(T.ERROR, Buffer.from(text), txId, msg.getChannelId());
    }
    this.send(reply);
  }

  private async handleGetState(msg: ChaincodeMessage, ctx: TransactionContext): Promise<Uint8Array | undefined> {
    const req = GetState.deserializeBinary(msg.getPayload_asU8());
    rejectCollection(req.getCollection());
    const value = await ctx.txSimulator?.getState(ctx.namespaceId, req.getKey());
    if (value === undefined && this.logger.debugEnabled) {
      this.logger.debug('HandleGetState', `[${shortTxid(ctx.txId)}] No state associated with key: ${req.getKey()}. Sending RESPONSE with an empty payload`);
    }
    return value;
  }

  private async handlePutState(msg: ChaincodeMessage, ctx: TransactionContext): Promise<undefined> {
    const req = PutState.deserializeBinary(msg.getPayload_asU8());
    rejectCollection(req.getCollection());
    ctx.txSimulator?.setState(ctx.namespaceId, req.getKey(), req.getValue_asU8());
    return undefined;
  }

  private async handleDelState(msg: ChaincodeMessage, ctx: TransactionContext): Promise<undefined> {
    const req = DelState.deserializeBinary(msg.getPayload_asU8());
    rejectCollection(req.getCollection());
    ctx.txSimulator?.deleteState(ctx.namespaceId, req.getKey());
    return undefined;
  }

  private sendError(to: ChaincodeMessage, text: string): void {
    this.logger.error('handleMessage', text);
    this.send(newMessage(T.ERROR, Buffer.from(text), to.getTxid(), to.getChannelId()));
  }

  private send(msg: ChaincodeMessage): void {
    this.sendOrThrow(msg).catch((err: unknown) => {
      this.logger.debug('serialSend', `error sending ${messageTypeName(msg.getType())} to ${this.name}: ${errorMessage(err)}`);
    });
  }

  private sendOrThrow(msg: ChaincodeMessage): Promise<void> {
    const stream = this.stream;
    if (stream === undefined) {
      return Promise.reject(new ChaincodeError('STREAM_ENDED', `no stream to chaincode ${this.name}`));
    }
    return stream.send(msg);
  }
}

function rejectCollection(collection: string): void {
  if (collection !== '') {
    throw new ChaincodeError('BAD_MESSAGE', `private data collection ${collection} is not available on this peer`);
  }
}

export function newMessage(type: number, payload?: Uint8Array, txId = '', channelId = ''): ChaincodeMessage {
  const msg = new ChaincodeMessage();
  msg.setType(type as MessageType);
  if (payload !== undefined) msg.setPayload(payload);
  if (txId !== '') msg.setTxid(txId);
  if (channelId !== '') msg.setChannelId(channelId);
  return msg;
}

/** The first eight characters of a txid, as Fabric's log lines show it. */
export function shortTxid(txId: string): string {
  return txId.length < 8 ? txId : txId.slice(0, 8);
}
