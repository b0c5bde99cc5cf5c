import { randomUUID } from 'node:crypto';
import { errorMessage } from '../common/errors/weft-error.js';
import type { Logger } from '../common/logging/logging.js';
import { truncate } from '../common/logging/truncate.js';
import { secondsSince, type Counter, type Histogram } from '../common/metrics/metrics-provider.js';
import {
  ChaincodeID,
  ChaincodeInput,
  ChaincodeMessage,
  ChaincodeSpec,
  DelState,
  GetHistoryForKey,
  GetQueryResult,
  GetState,
  GetStateByRange,
  GetStateMetadata,
  KeyModification,
  KV,
  MessageTypes,
  PutState,
  PutStateMetadata,
  QueryMetadata,
  QueryResponse,
  QueryStateClose,
  QueryStateNext,
  StateMetadata,
  StateMetadataResult,
  Timestamp,
  type MessageType,
  messageTypeName,
} from '../common/protos/peer.js';
import type { ChaincodeCaller, ChaincodeStream } from '../comm/chaincode-stream.js';
import { StreamClosedError } from '../comm/stream-closed-error.js';
import { ChaincodeError } from './chaincode-error.js';
import type { ChaincodeMetrics } from './chaincode-metrics.js';
import { decodePayload, SHAPES } from './decode-payload.js';
import { creatorMspId } from './proposal-creator.js';
import {
  canWrite,
  type CCContext,
  type QueryResultsIterator,
  type StateKV,
  type StateModification,
  type StateSimulator,
  type TransactionParams,
} from './chaincode-context.js';
import type { ChaincodeInvoker, SystemChaincodeInfo } from './chaincode-invoker.js';
import { QueryIterators, type QueryCursor } from './query-iterators.js';
import { checkRegisterName, rawChaincodeName } from './register-name.js';
import { buildQueryResponse, DEFAULT_MAX_RESULT_LIMIT } from './query-response-builder.js';
import { TransactionContexts, type TransactionContext } from './transaction-contexts.js';

export type HandlerState = 'created' | 'established' | 'ready';

/** Records the messages of chaincode conversations (the operations service's conversation trace). */
export interface MessageTrace {
  record(chaincode: string, direction: 'to_chaincode' | 'from_chaincode', msg: ChaincodeMessage, stateBefore: HandlerState, stateAfter: HandlerState): void;
}

/** The shim request metrics of one message type on one channel. */
interface ShimSeries {
  received: Counter;
  succeeded: { completed: Counter; duration: Histogram };
  failed: { completed: Counter; duration: Histogram };
}

/** The part of the handler registry a handler talks to. */
export interface HandlerRegistrar {
  register(handler: Handler, caller?: ChaincodeCaller): void;
  ready(cname: string): void;
  failed(cname: string, err: Error): void;
  deregister(cname: string, handler: Handler): void;
}

export interface HandlerOptions {
  registry: HandlerRegistrar;
  logger: Logger;
  /** chaincode.keepalive in milliseconds: KEEPALIVE to the chaincode this often; 0 sends none. */
  keepaliveMs?: number;
  /** Most results a chaincode query returns over all its responses (ledger.state.totalQueryLimit). */
  totalQueryLimit?: number;
  /** Results per QueryResponse when the chaincode asks for no page (Fabric: 100). */
  maxResultLimit?: number;
  /** Runs INVOKE_CHAINCODE; without it chaincode-to-chaincode calls are refused. */
  invoker?: ChaincodeInvoker | undefined;
  /** Which system chaincodes other chaincodes may not call. */
  systemChaincodes?: SystemChaincodeInfo | undefined;
  /**
   * Settles with why the chaincode's container ended, once it has; undefined when unknown. When
   * the stream breaks mid-transaction, the transaction's error says why (its exit code, its last words).
   */
  containerExit?: (cname: string) => Promise<Error> | undefined;
  /** Who may read and write collections; without it only the ledger's checks apply. */
  collectionAccess?: CollectionAccess | undefined;
  /** chaincode.maxWriteSetBytes: most bytes one transaction writes (state, private data, metadata, event). */
  maxWriteSetBytes?: number;
  metrics?: ChaincodeMetrics | undefined;
  trace?: MessageTrace | undefined;
}

/** A collection's limits on its readers and writers (memberOnlyRead / memberOnlyWrite). */
export interface CollectionAccess {
  /**
   * Whether a client of the MSP `mspId` may read and write the chaincode's collection; both true
   * when the collection sets no limit or does not exist (the ledger then names what is missing).
   */
  permissions(channelId: string, namespace: string, collection: string, mspId: string): Promise<{ read: boolean; write: boolean }>;
}

/** Fabric's default ledger.state.totalQueryLimit. */
export const DEFAULT_TOTAL_QUERY_LIMIT = 100_000;

/** chaincode.maxWriteSetBytes by default: 100 MB, far above any sane transaction, far below the peer's memory. */
export const DEFAULT_MAX_WRITE_SET_BYTES = 100 * 1024 * 1024;

/**
 * Invalid messages (wrong state, unknown transaction, undecodable payload) a stream may send within
 * INVALID_WINDOW_MS before the peer closes it. A window, not a lifetime count: a late answer to a
 * transaction that timed out is invalid too, and a long-lived chaincode may send a few of those.
 */
const MAX_INVALID_MESSAGES = 100;
const INVALID_WINDOW_MS = 60_000;

/** Channels a handler keeps its shim request metrics for; the metrics themselves bound their series. */
const MAX_METRIC_CHANNELS = 64;

/** How long a broken stream waits for the container's exit to explain it; a killed process exits at once. */
const EXIT_GRACE_MS = 2000;

const T = MessageTypes;
const NO_BYTES = new Uint8Array(0);
/** Longest reason an ERROR reply carries: room for the peer's words, not for a chaincode's megabytes. */
const ERROR_TEXT_LIMIT = 512;
/** Requests whose strings are left to google-protobuf: ids and names the handler looks up, never keys. */
const NO_STRINGS = { name: '', strings: {} };
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
  private readonly keepaliveMs: number;
  private readonly totalQueryLimit: number;
  private readonly maxResultLimit: number;
  private readonly invoker: ChaincodeInvoker | undefined;
  private readonly systemChaincodes: SystemChaincodeInfo | undefined;
  private readonly systemNames = { isSysCC: (name: string): boolean => this.systemChaincodes?.isSysCC?.(name) === true };
  private readonly collectionAccess: CollectionAccess | undefined;
  private readonly maxWriteSetBytes: number;
  private readonly metrics: ChaincodeMetrics | undefined;
  private readonly trace: MessageTrace | undefined;
  /** Shim request metrics by channel, then by message type. */
  private readonly shimMetrics = new Map<string, Array<ShimSeries | undefined>>();
  /** Messages this handler has sent and received, for the operations service's live page. */
  sent = 0;
  received = 0;
  private keepalive: NodeJS.Timeout | undefined;
  private invalidCount = 0;
  private invalidSince = 0;
  /** Set when the peer gives up on the stream: the read loop stops waiting for the chaincode. */
  private closed = false;
  /** Ends the read loop's current wait; replaced at each message (a promise raced for the stream's whole life would keep a reaction per message). */
  private stopReading: () => void = () => undefined;

  constructor(opts: HandlerOptions) {
    this.registry = opts.registry;
    this.logger = opts.logger;
    this.keepaliveMs = opts.keepaliveMs ?? 0;
    this.totalQueryLimit = opts.totalQueryLimit ?? DEFAULT_TOTAL_QUERY_LIMIT;
    this.maxResultLimit = opts.maxResultLimit ?? DEFAULT_MAX_RESULT_LIMIT;
    this.invoker = opts.invoker;
    this.systemChaincodes = opts.systemChaincodes;
    this.containerExit = opts.containerExit;
    this.collectionAccess = opts.collectionAccess;
    this.maxWriteSetBytes = opts.maxWriteSetBytes ?? DEFAULT_MAX_WRITE_SET_BYTES;
    this.metrics = opts.metrics;
    this.trace = opts.trace;
    this.stateCalls = new Map<number, StateCall>([
      [T.GET_STATE, (msg, ctx) => this.handleGetState(msg, ctx)],
      [T.PUT_STATE, (msg, ctx) => this.handlePutState(msg, ctx)],
      [T.DEL_STATE, (msg, ctx) => this.handleDelState(msg, ctx)],
      [T.GET_STATE_BY_RANGE, (msg, ctx) => this.handleGetStateByRange(msg, ctx)],
      [T.QUERY_STATE_NEXT, (msg, ctx) => this.handleQueryStateNext(msg, ctx)],
      [T.QUERY_STATE_CLOSE, (msg, ctx) => this.handleQueryStateClose(msg, ctx)],
      [T.GET_QUERY_RESULT, (msg, ctx) => this.handleGetQueryResult(msg, ctx)],
      [T.GET_HISTORY_FOR_KEY, (msg, ctx) => this.handleGetHistoryForKey(msg, ctx)],
      [T.GET_STATE_METADATA, (msg, ctx) => this.handleGetStateMetadata(msg, ctx)],
      [T.PUT_STATE_METADATA, (msg, ctx) => this.handlePutStateMetadata(msg, ctx)],
      [T.GET_PRIVATE_DATA_HASH, (msg, ctx) => this.handleGetPrivateDataHash(msg, ctx)],
      [T.PURGE_PRIVATE_DATA, (msg, ctx) => this.handlePurgePrivateData(msg, ctx)],
      [T.INVOKE_CHAINCODE, (msg, ctx) => this.handleInvokeChaincode(msg, ctx)],
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
        if (this.closed) break;
        const msg = await new Promise<ChaincodeMessage | undefined>((resolve, reject) => {
          this.stopReading = () => {
            resolve(undefined);
          };
          stream.recv().then(resolve, reject);
        });
        this.stopReading = () => undefined;
        if (msg === undefined) break;
        this.received++;
        // A REGISTER is recorded once its name is read, under that name.
        if (this.trace !== undefined && !(this.currentState === 'created' && msg.getType() === T.REGISTER)) {
          this.trace.record(this.name, 'from_chaincode', msg, this.currentState, this.currentState);
        }
        // Registration is awaited so that nothing overtakes REGISTERED and READY.
        const registering = this.handleMessage(msg);
        if (registering !== undefined) await registering;
      }
    } catch (err) {
      if (!(err instanceof StreamClosedError)) throw err;
      this.logger.debug('ProcessStream', `received EOF, ending chaincode support stream for ${this.name}`);
    } finally {
      if (this.keepalive !== undefined) clearInterval(this.keepalive);
      this.keepalive = undefined;
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
    const ctx = this.txContexts.create(txParams, cccid.name, timeoutMs, msg.getType() === T.INIT);
    try {
      await this.sendOrThrow(msg);
      return await ctx.response;
    } catch (err) {
      if (err instanceof ChaincodeError && err.code === 'EXECUTE_TIMEOUT') {
        this.metrics?.executeTimeouts.with(this.name).add(1);
        // The endorser names only the chaincode it called; this names the one that did not answer (a callee, an SCC).
        this.logger.warn(
          'Execute',
          `[${shortTxid(txParams.txId)}] chaincode ${this.name} did not answer transaction ${truncate(txParams.txId)} on channel ${truncate(txParams.channelId)}: ${err.message}`,
        );
      }
      throw err;
    } finally {
      ctx.clearTimer();
      this.txContexts.delete(txParams.channelId, txParams.txId);
      // Answered, timed out or the stream ended: the open queries' LevelDB iterators go now.
      ctx.ended = true;
      ctx.queries?.closeAll();
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
    this.countInvalid(msg);
    return undefined;
  }

  /**
   * Counts a message the peer could not use; a stream that sends MAX_INVALID_MESSAGES of them
   * within the window is closed, with one log line: each costs the peer an ERROR and a log line.
   */
  private countInvalid(msg: ChaincodeMessage): void {
    const now = Date.now();
    if (now - this.invalidSince > INVALID_WINDOW_MS) {
      this.invalidSince = now;
      this.invalidCount = 0;
    }
    if (++this.invalidCount !== MAX_INVALID_MESSAGES) return;
    this.logger.error(
      'handleMessage',
      `chaincode ${truncate(this.name) || '(unregistered)'} sent ${MAX_INVALID_MESSAGES} invalid messages within a minute (the last: ${messageTypeName(msg.getType())} for transaction ${truncate(msg.getTxid())}); closing its stream`,
    );
    this.stream?.closeSend();
    this.closed = true;
    this.stopReading();
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
    this.traceRegister(name, msg);
    if (name === '') {
      this.sendError(msg, 'REGISTER carries no chaincode name');
      return;
    }
    const caller = this.stream?.caller;
    try {
      if (caller !== undefined) checkRegisterName(name, rawChaincodeName(msg.getPayload_asU8()), this.systemNames);
      this.name = name;
      this.registry.register(this, caller);
    } catch (err) {
      // One line: a refusal's message names the chaincode safely (the others are about a name already checked).
      const refusal = err instanceof ChaincodeError && err.code === 'REGISTER_REFUSED';
      this.logger.error('HandleRegister', refusal ? errorMessage(err) : `failed to register ${name}: ${errorMessage(err)}`);
      this.name = '';
      this.send(newMessage(T.ERROR, Buffer.from(errorMessage(err)), msg.getTxid(), msg.getChannelId()));
      this.stream?.closeSend();
      return;
    }
    this.registered = true;
    this.startKeepalive();
    const debug = this.logger.debugEnabled;
    if (debug) this.logger.debug('HandleRegister', `Got REGISTER for chaincodeID = name:"${truncate(name)}" , sending back REGISTERED`);
    try {
      await this.sendOrThrow(newMessage(T.REGISTERED), 'established');
      this.currentState = 'established';
      if (debug) this.logger.debug('HandleRegister', `Changed state to established for name:"${name}"`);
      if (debug) this.logger.debug('sendReady', `sending READY for chaincode name:"${name}"`);
      await this.sendOrThrow(newMessage(T.READY), 'ready');
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

  /**
   * The shim request metrics of one message type on one channel for this chaincode, made once: a
   * state call is the peer's hottest path, and labelling a metric costs more than counting.
   */
  private shimSeries(type: number, channelId: string): ShimSeries | undefined {
    const metrics = this.metrics;
    if (metrics === undefined) return undefined;
    let byType = this.shimMetrics.get(channelId);
    if (byType === undefined) {
      byType = [];
      // The channel is the chaincode's word until its context is looked up: made-up ones are not kept.
      if (this.shimMetrics.size < MAX_METRIC_CHANNELS) this.shimMetrics.set(channelId, byType);
    }
    let series = byType[type];
    if (series === undefined) {
      const labels = [messageTypeName(type), channelId, this.name];
      const outcome = (success: string): ShimSeries['succeeded'] => ({
        completed: metrics.shimRequestsCompleted.with(...labels, success),
        duration: metrics.shimRequestDuration.with(...labels, success),
      });
      series = { received: metrics.shimRequestsReceived.with(...labels), succeeded: outcome('true'), failed: outcome('false') };
      byType[type] = series;
    }
    return series;
  }

  private traceRegister(name: string, msg: ChaincodeMessage): void {
    this.trace?.record(name, 'from_chaincode', msg, this.currentState, this.currentState);
  }

  private notify(msg: ChaincodeMessage): void {
    const ctx = this.txContexts.get(msg.getChannelId(), msg.getTxid());
    if (ctx === undefined) {
      this.logger.debug(
        'Notify',
        `notifier Txid:${truncate(msg.getTxid())}, channelID:${truncate(msg.getChannelId())} does not exist for handling message ${messageTypeName(msg.getType())}`,
      );
      this.countInvalid(msg);
      return;
    }
    if (this.logger.debugEnabled) {
      this.logger.debug('Notify', `[${shortTxid(msg.getTxid())}] notifying Txid:${truncate(msg.getTxid())}, channelID:${truncate(msg.getChannelId())}`);
    }
    const event = msg.getChaincodeEvent();
    if (event !== undefined) {
      try {
        this.chargeWrite(ctx, event.getEventName().length + event.getPayload_asU8().length);
      } catch {
        // Charging failed the transaction already.
        return;
      }
    }
    const exceeded = ctx.writeBudget.exceeded;
    if (exceeded !== undefined) ctx.fail(exceeded);
    else ctx.notify(msg);
  }

  /** Serves one state call and always answers it: RESPONSE with the result, or ERROR with the reason. */
  private async handleTransaction(msg: ChaincodeMessage, call: StateCall): Promise<void> {
    const txId = msg.getTxid();
    let reply: ChaincodeMessage;
    let invalid = false;
    const series = this.metrics === undefined ? undefined : this.shimSeries(msg.getType(), msg.getChannelId());
    const start = series === undefined ? 0 : performance.now();
    series?.received.add(1);
    try {
      const ctx = this.txContexts.get(msg.getChannelId(), txId);
      // A cc2cc call on the system channel has no ledger: only system chaincodes run there.
      if (ctx === undefined || (ctx.txSimulator === undefined && !(msg.getType() === T.INVOKE_CHAINCODE && msg.getChannelId() === ''))) {
        throw new ChaincodeError(
          'BAD_MESSAGE',
          `[${shortTxid(txId)}] No ledger context for ${messageTypeName(msg.getType())}. Sending ERROR`,
        );
      }
      // The transaction is failed already; its chaincode learns it at its next call.
      if (ctx.writeBudget.exceeded !== undefined) throw ctx.writeBudget.exceeded;
      const payload = await call(msg, ctx);
      reply = newMessage(T.RESPONSE, payload, txId, msg.getChannelId());
    } catch (err) {
      invalid = err instanceof ChaincodeError && err.code === 'BAD_MESSAGE';
      // What failed may quote the chaincode's own input (keys, names) at any length.
      const text = `${messageTypeName(msg.getType())} failed: transaction ID: ${truncate(txId)}: ${truncate(errorMessage(err), ERROR_TEXT_LIMIT)}`;
      this.logger.error('handleTransaction', text);
      reply = newMessage(T.ERROR, Buffer.from(text), txId, msg.getChannelId());
    }
    if (series !== undefined) {
      const outcome = reply.getType() === T.RESPONSE ? series.succeeded : series.failed;
      outcome.completed.add(1);
      outcome.duration.observe(secondsSince(start));
    }
    this.send(reply);
    // After the reply: the one that closes the stream is still answered.
    if (invalid) this.countInvalid(msg);
  }

  private async handleGetState(msg: ChaincodeMessage, ctx: TransactionContext): Promise<Uint8Array | undefined> {
    const req = decodePayload(msg.getPayload_asU8(), GetState, SHAPES.GetState);
    const collection = req.getCollection();
    let value: Uint8Array | undefined;
    if (collection === '') value = await ctx.txSimulator?.getState(ctx.namespaceId, req.getKey());
    else {
      await this.checkPrivateAccess(ctx, collection, 'read');
      value = await reader(ctx).getPrivateData(ctx.namespaceId, collection, req.getKey());
    }
    if (value === undefined && this.logger.debugEnabled) {
      this.logger.debug('HandleGetState', `[${shortTxid(ctx.txId)}] No state associated with key: ${truncate(req.getKey())}. Sending RESPONSE with an empty payload`);
    }
    return value;
  }

  private async handlePutState(msg: ChaincodeMessage, ctx: TransactionContext): Promise<undefined> {
    const req = decodePayload(msg.getPayload_asU8(), PutState, SHAPES.PutState);
    const collection = req.getCollection();
    this.chargeWrite(ctx, req.getKey().length + collection.length + req.getValue_asU8().length);
    if (collection === '') {
      writer(ctx, msg).setState(ctx.namespaceId, req.getKey(), req.getValue_asU8());
      return undefined;
    }
    await this.checkPrivateAccess(ctx, collection, 'write');
    await writer(ctx, msg).setPrivateData(ctx.namespaceId, collection, req.getKey(), req.getValue_asU8());
    return undefined;
  }

  private async handleDelState(msg: ChaincodeMessage, ctx: TransactionContext): Promise<undefined> {
    const req = decodePayload(msg.getPayload_asU8(), DelState, SHAPES.DelState);
    const collection = req.getCollection();
    this.chargeWrite(ctx, req.getKey().length + collection.length);
    if (collection === '') {
      writer(ctx, msg).deleteState(ctx.namespaceId, req.getKey());
      return undefined;
    }
    await this.checkPrivateAccess(ctx, collection, 'write');
    await writer(ctx, msg).deletePrivateData(ctx.namespaceId, collection, req.getKey());
    return undefined;
  }

  /**
   * A range scan. The peer does not tell a partial composite key query from a simple range, as in
   * Fabric: the shim sends the composite prefix and prefix + U+10FFFF, or substitutes U+0001 for an
   * empty simple start key, and the keys go to the ledger's raw range scan as they are. A scan of
   * a collection is never paginated (Fabric ignores the page asked for).
   */
  private async handleGetStateByRange(msg: ChaincodeMessage, ctx: TransactionContext): Promise<Uint8Array> {
    const req = decodePayload(msg.getPayload_asU8(), GetStateByRange, SHAPES.GetStateByRange);
    const metadata = queryMetadata(req.getMetadata_asU8());
    const collection = req.getCollection();
    const sim = reader(ctx);
    if (collection !== '') {
      await this.checkPrivateAccess(ctx, collection, 'read');
      const iterator = await sim.getPrivateDataRangeScanIterator(ctx.namespaceId, collection, req.getStartkey(), req.getEndkey());
      const cursor: QueryCursor = { next: async () => encodeKV(await iterator.next()), close: () => iterator.close() };
      return this.firstResponse(ctx, cursor, false, this.totalQueryLimit);
    }
    const paginated = isPaginated(metadata);
    const limit = this.totalReturnLimit(metadata);
    const iterator = paginated
      ? await sim.getStateRangeScanIterator(ctx.namespaceId, req.getStartkey(), req.getEndkey(), {
          pageSize: limit,
          bookmark: metadata?.getBookmark() ?? '',
        })
      : await sim.getStateRangeScanIterator(ctx.namespaceId, req.getStartkey(), req.getEndkey());
    const cursor: QueryCursor = {
      next: async () => encodeKV(await iterator.next()),
      close: () => iterator.close(),
      getBookmarkAndClose: () => iterator.getBookmarkAndClose(),
    };
    return this.firstResponse(ctx, cursor, paginated, limit);
  }

  private async handleQueryStateNext(msg: ChaincodeMessage, ctx: TransactionContext): Promise<Uint8Array> {
    const id = decodePayload(msg.getPayload_asU8(), QueryStateNext, NO_STRINGS).getId();
    const query = ctx.queries?.get(id);
    if (ctx.queries === undefined || query === undefined) throw new ChaincodeError('QUERY_NOT_FOUND', 'query iterator not found');
    const res = await buildQueryResponse(ctx.queries, id, query, this.maxResultLimit);
    return res.serializeBinary();
  }

  private async handleQueryStateClose(msg: ChaincodeMessage, ctx: TransactionContext): Promise<Uint8Array> {
    const id = decodePayload(msg.getPayload_asU8(), QueryStateClose, NO_STRINGS).getId();
    ctx.queries?.cleanup(id);
    const res = new QueryResponse();
    res.setHasMore(false);
    res.setId(id);
    return res.serializeBinary();
  }

  /**
   * Rich queries. A query of a collection is never paginated (Fabric ignores the page asked for),
   * and its results are not reads of the transaction.
   */
  private async handleGetQueryResult(msg: ChaincodeMessage, ctx: TransactionContext): Promise<Uint8Array> {
    const req = decodePayload(msg.getPayload_asU8(), GetQueryResult, SHAPES.GetQueryResult);
    const metadata = queryMetadata(req.getMetadata_asU8());
    const collection = req.getCollection();
    const sim = reader(ctx);
    if (collection !== '') {
      await this.checkPrivateAccess(ctx, collection, 'read');
      const iterator = await sim.executeQueryOnPrivateData(ctx.namespaceId, collection, req.getQuery());
      const cursor: QueryCursor = { next: async () => encodeKV(await iterator.next()), close: () => iterator.close() };
      return this.firstResponse(ctx, cursor, false, this.totalQueryLimit);
    }
    const paginated = isPaginated(metadata);
    const limit = this.totalReturnLimit(metadata);
    const iterator = paginated
      ? await sim.executeQuery(ctx.namespaceId, req.getQuery(), { pageSize: limit, bookmark: metadata?.getBookmark() ?? '' })
      : await sim.executeQuery(ctx.namespaceId, req.getQuery());
    const cursor: QueryCursor = {
      next: async () => encodeKV(await iterator.next()),
      close: () => iterator.close(),
      getBookmarkAndClose: () => iterator.getBookmarkAndClose(),
    };
    return this.firstResponse(ctx, cursor, paginated, limit);
  }

  private async handleGetHistoryForKey(msg: ChaincodeMessage, ctx: TransactionContext): Promise<Uint8Array> {
    const history = ctx.historyQueryExecutor;
    if (history === undefined) throw new ChaincodeError('HISTORY_DISABLED', 'history database is not enabled');
    const req = decodePayload(msg.getPayload_asU8(), GetHistoryForKey, SHAPES.GetHistoryForKey);
    const iterator: QueryResultsIterator<StateModification> = await history.getHistoryForKey(ctx.namespaceId, req.getKey());
    const cursor: QueryCursor = { next: async () => encodeModification(await iterator.next()), close: () => iterator.close() };
    return this.firstResponse(ctx, cursor, false, this.totalQueryLimit);
  }

  private async handleGetStateMetadata(msg: ChaincodeMessage, ctx: TransactionContext): Promise<Uint8Array> {
    const req = decodePayload(msg.getPayload_asU8(), GetStateMetadata, SHAPES.GetStateMetadata);
    const collection = req.getCollection();
    if (collection !== '') await this.checkPrivateAccess(ctx, collection, 'read');
    const metadata =
      collection === ''
        ? await reader(ctx).getStateMetadata(ctx.namespaceId, req.getKey())
        : await reader(ctx).getPrivateDataMetadata(ctx.namespaceId, collection, req.getKey());
    const result = new StateMetadataResult();
    for (const [metakey, value] of metadata ?? []) {
      const entry = new StateMetadata();
      entry.setMetakey(metakey);
      entry.setValue(value);
      result.addEntries(entry);
    }
    return result.serializeBinary();
  }

  /**
   * The shim sends one metadata entry (e.g. VALIDATION_PARAMETER); the simulator replaces all of a
   * key's metadata, so the other entries are read and kept.
   */
  private async handlePutStateMetadata(msg: ChaincodeMessage, ctx: TransactionContext): Promise<undefined> {
    const req = decodePayload(msg.getPayload_asU8(), PutStateMetadata, SHAPES.PutStateMetadata);
    const collection = req.getCollection();
    const sim = writer(ctx, msg);
    const entry = req.getMetadata();
    if (entry === undefined) throw new ChaincodeError('BAD_MESSAGE', 'PUT_STATE_METADATA carries no metadata entry');
    this.chargeWrite(ctx, req.getKey().length + collection.length + entry.getMetakey().length + entry.getValue_asU8().length);
    if (collection === '') {
      const metadata = new Map(await sim.getStateMetadata(ctx.namespaceId, req.getKey()));
      metadata.set(entry.getMetakey(), entry.getValue_asU8());
      sim.setStateMetadata(ctx.namespaceId, req.getKey(), metadata);
      return undefined;
    }
    await this.checkPrivateAccess(ctx, collection, 'write');
    const metadata = new Map(await sim.getPrivateDataMetadata(ctx.namespaceId, collection, req.getKey()));
    metadata.set(entry.getMetakey(), entry.getValue_asU8());
    await sim.setPrivateDataMetadata(ctx.namespaceId, collection, req.getKey(), metadata);
    return undefined;
  }

  /** The hash of a private value: every peer of the channel has it, so any client may read it. */
  private async handleGetPrivateDataHash(msg: ChaincodeMessage, ctx: TransactionContext): Promise<Uint8Array | undefined> {
    const req = decodePayload(msg.getPayload_asU8(), GetState, SHAPES.GetState);
    const collection = req.getCollection();
    if (collection === '') throw new ChaincodeError('NO_SUCH_COLLECTION', 'only applicable for private data');
    if (ctx.isInitTransaction) throw privateDataInInit();
    return reader(ctx).getPrivateDataHash(ctx.namespaceId, collection, req.getKey());
  }

  private async handlePurgePrivateData(msg: ChaincodeMessage, ctx: TransactionContext): Promise<undefined> {
    const req = decodePayload(msg.getPayload_asU8(), DelState, SHAPES.DelState);
    const collection = req.getCollection();
    if (collection === '') throw new ChaincodeError('NO_SUCH_COLLECTION', 'only applicable for private data');
    this.chargeWrite(ctx, req.getKey().length + collection.length);
    await this.checkPrivateAccess(ctx, collection, 'write');
    await writer(ctx, msg).purgePrivateData(ctx.namespaceId, collection, req.getKey());
    return undefined;
  }

  /**
   * Adds a write to the transaction's budget. Going over chaincode.maxWriteSetBytes fails the
   * transaction at once, whatever its chaincode does with the ERROR (fabric-shim throws it out of
   * Invoke and then never answers): the waiting execute does not sit out the timeout.
   */
  private chargeWrite(ctx: TransactionContext, bytes: number): void {
    const budget = ctx.writeBudget;
    if (budget.exceeded !== undefined) throw budget.exceeded;
    budget.bytes += bytes;
    if (budget.bytes <= this.maxWriteSetBytes) return;
    budget.exceeded = new ChaincodeError(
      'WRITE_SET_TOO_LARGE',
      `transaction ${truncate(ctx.txId)} of chaincode ${ctx.namespaceId}: its writes, private writes and event exceed chaincode.maxWriteSetBytes (${this.maxWriteSetBytes} bytes)`,
    );
    ctx.fail(budget.exceeded);
    throw budget.exceeded;
  }

  /**
   * Private data is refused in Init, and a collection with memberOnlyRead / memberOnlyWrite admits
   * only clients of its member organisations (Fabric's errorIfCreatorHasNo*Permission).
   */
  private async checkPrivateAccess(ctx: TransactionContext, collection: string, mode: 'read' | 'write'): Promise<void> {
    if (ctx.isInitTransaction) throw privateDataInInit();
    const mspId = this.collectionAccess === undefined ? undefined : creatorMspId(ctx.signedProposal);
    if (this.collectionAccess === undefined || mspId === undefined) return;
    const allowed = await this.collectionAccess.permissions(ctx.channelId, ctx.namespaceId, collection, mspId);
    if (!allowed[mode]) {
      throw new ChaincodeError(
        'PRIVATE_DATA_ACCESS_DENIED',
        `tx creator does not have ${mode} access permission on privatedata in chaincodeName:${ctx.namespaceId} collectionName: ${truncate(collection)}`,
      );
    }
  }

  /**
   * A chaincode calling another. The name may be `name`, `name:version` or `name/channel` (the
   * version is ignored, as in Fabric). The reply is RESPONSE carrying the callee's COMPLETED or
   * ERROR message, serialized: the shim unwraps it.
   */
  private async handleInvokeChaincode(msg: ChaincodeMessage, ctx: TransactionContext): Promise<Uint8Array> {
    const spec = decodePayload(msg.getPayload_asU8(), ChaincodeSpec, NO_STRINGS);
    const target = parseChaincodeName(spec.getChaincodeId()?.getName() ?? '');
    const channelId = target.channelId === '' ? ctx.channelId : target.channelId;
    if (this.logger.debugEnabled) {
      this.logger.debug('HandleInvokeChaincode', `[${shortTxid(msg.getTxid())}] C-call-C ${truncate(target.name)} on channel ${truncate(channelId)}`);
    }
    const input = spec.getInput() ?? new ChaincodeInput();
    // A system chaincode checks its ACLs on the client's proposal, which the callee gets as it is;
    // what no client proposal may make a chaincode do (install, deploy, join) is refused here.
    const refusal = this.systemChaincodes?.cc2ccRefusal(target.name, input.getArgsList_asU8(), ctx.namespaceId);
    if (refusal !== undefined) throw new ChaincodeError('CC2CC_REFUSED', refusal);
    if (this.invoker === undefined) {
      throw new ChaincodeError('CC2CC_UNAVAILABLE', 'chaincode to chaincode invocation is not available');
    }
    const reply = await this.invoker.invoke(
      { name: target.name, channelId },
      input,
      {
        txId: ctx.txId,
        channelId: ctx.channelId,
        txSimulator: ctx.txSimulator,
        historyQueryExecutor: ctx.historyQueryExecutor,
        signedProposal: ctx.signedProposal,
        writeBudget: ctx.writeBudget,
      },
    );
    return reply.serializeBinary();
  }

  /** Keeps a new query under a fresh id and answers with its first QueryResponse. */
  private async firstResponse(ctx: TransactionContext, cursor: QueryCursor, paginated: boolean, limit: number): Promise<Uint8Array> {
    if (ctx.ended) {
      // The transaction ended while the ledger opened the iterator.
      cursor.close();
      throw new ChaincodeError('TX_ENDED', 'the transaction has already ended');
    }
    const queries = (ctx.queries ??= new QueryIterators());
    const id = randomUUID();
    const query = queries.open(id, cursor, { paginated, limit });
    const res = await buildQueryResponse(queries, id, query, this.maxResultLimit);
    return res.serializeBinary();
  }

  /** The page size when it is below the total query limit, else the limit (Fabric's calculateTotalReturnLimit). */
  private totalReturnLimit(metadata: QueryMetadata | undefined): number {
    const pageSize = metadata?.getPagesize() ?? 0;
    return pageSize > 0 && pageSize < this.totalQueryLimit ? pageSize : this.totalQueryLimit;
  }

  private startKeepalive(): void {
    if (this.keepaliveMs <= 0) return;
    // Not awaited and never answered: a failed send shows up as the stream ending.
    this.keepalive = setInterval(() => this.send(newMessage(T.KEEPALIVE)), this.keepaliveMs);
    this.keepalive.unref();
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

  /** Sends a message; `nextState` is the state it moves the handler to, for the trace. */
  private sendOrThrow(msg: ChaincodeMessage, nextState?: HandlerState): Promise<void> {
    const stream = this.stream;
    if (stream === undefined) {
      return Promise.reject(new ChaincodeError('STREAM_ENDED', `no stream to chaincode ${this.name}`));
    }
    this.sent++;
    this.trace?.record(this.name, 'to_chaincode', msg, this.currentState, nextState ?? this.currentState);
    return stream.send(msg);
  }
}

function privateDataInInit(): ChaincodeError {
  return new ChaincodeError('PRIVATE_DATA_IN_INIT', 'private data APIs are not allowed in chaincode Init()');
}

function reader(ctx: TransactionContext): NonNullable<TransactionContext['txSimulator']> {
  const sim = ctx.txSimulator;
  if (sim === undefined) throw new ChaincodeError('BAD_MESSAGE', `[${shortTxid(ctx.txId)}] no ledger context`);
  return sim;
}

/** The simulator, for a write; a read-only context (a cc2cc call to another channel) refuses it. */
function writer(ctx: TransactionContext, msg: ChaincodeMessage): StateSimulator {
  const sim = reader(ctx);
  if (!canWrite(sim)) {
    throw new ChaincodeError(
      'READ_ONLY',
      `${messageTypeName(msg.getType())} is not allowed: chaincode ${ctx.namespaceId} runs read-only on channel ${ctx.channelId} (called from another channel, only its response is returned)`,
    );
  }
  return sim;
}

function queryMetadata(bytes: Uint8Array): QueryMetadata | undefined {
  return bytes.length === 0 ? undefined : QueryMetadata.deserializeBinary(bytes);
}

/** A page was asked for: a page size or a bookmark (Fabric's isMetadataSetForPagination). */
function isPaginated(metadata: QueryMetadata | undefined): boolean {
  return metadata !== undefined && (metadata.getPagesize() !== 0 || metadata.getBookmark() !== '');
}

function encodeKV(kv: StateKV | undefined): Uint8Array | undefined {
  if (kv === undefined) return undefined;
  const msg = new KV();
  msg.setNamespace(kv.namespace);
  msg.setKey(kv.key);
  msg.setValue(kv.value);
  return msg.serializeBinary();
}

function encodeModification(m: StateModification | undefined): Uint8Array | undefined {
  if (m === undefined) return undefined;
  const msg = new KeyModification();
  msg.setTxId(m.txId);
  msg.setValue(m.value);
  if (m.timestamp !== undefined) {
    const ts = new Timestamp();
    ts.setSeconds(m.timestamp.seconds);
    ts.setNanos(m.timestamp.nanos);
    msg.setTimestamp(ts);
  }
  msg.setIsDelete(m.isDelete);
  return msg.serializeBinary();
}

/** Fabric's ParseName: `name[:version][/channel]`. */
export function parseChaincodeName(ccName: string): { name: string; version: string; channelId: string } {
  const slash = ccName.indexOf('/');
  const channelId = slash < 0 ? '' : ccName.slice(slash + 1);
  const nameVersion = slash < 0 ? ccName : ccName.slice(0, slash);
  const colon = nameVersion.indexOf(':');
  return {
    name: colon < 0 ? nameVersion : nameVersion.slice(0, colon),
    version: colon < 0 ? '' : nameVersion.slice(colon + 1),
    channelId,
  };
}

export function newMessage(type: number, payload?: Uint8Array, txId = '', channelId = ''): ChaincodeMessage {
  const msg = new ChaincodeMessage();
  msg.setType(type as MessageType);
  // Set even when empty: google-protobuf's default for bytes is '', which it base64-decodes on every serialization.
  msg.setPayload(payload ?? NO_BYTES);
  if (txId !== '') msg.setTxid(txId);
  if (channelId !== '') msg.setChannelId(channelId);
  return msg;
}

/** The first eight characters of a txid, as Fabric's log lines show it. */
export function shortTxid(txId: string): string {
  return txId.length < 8 ? txId : txId.slice(0, 8);
}
