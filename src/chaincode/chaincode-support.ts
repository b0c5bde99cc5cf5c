import { errorMessage } from '../common/errors/weft-error.js';
import type { Logger } from '../common/logging/logging.js';
import { chaincodeInputBytes } from '../common/protos/chaincode-input-bytes.js';
import {
  ChaincodeInput,
  MessageTypes,
  Response,
  type ChaincodeDeploymentSpec,
  type ChaincodeMessage,
} from '../common/protos/peer.js';
import type { ChaincodeStream } from '../comm/chaincode-stream.js';
import { ChaincodeError } from './chaincode-error.js';
import {
  chaincodeCanonicalName,
  type CCContext,
  type ChaincodeContainerInfo,
  type TransactionParams,
} from './chaincode-context.js';
import type { ChaincodeInvoker, SystemChaincodeInfo } from './chaincode-invoker.js';
import type { ChaincodeMetrics } from './chaincode-metrics.js';
import { Handler, newMessage, type CollectionAccess, type MessageTrace } from './handler.js';
import type { HandlerRegistry } from './handler-registry.js';
import type { Runtime } from './runtime-launcher.js';

/** Launches a chaincode and waits for it to register (the RuntimeLauncher). */
export interface Launcher {
  launch(ccci: ChaincodeContainerInfo): Promise<void>;
  /** Settles with why the chaincode's container ended, once it has (RuntimeLauncher.containerExit). */
  containerExit?(cname: string): Promise<Error> | undefined;
}

export interface ChaincodeSupportOptions {
  launcher: Launcher;
  runtime: Runtime;
  handlerRegistry: HandlerRegistry<Handler>;
  /** chaincode.executetimeout */
  executeTimeoutMs: number;
  /** chaincode.keepalive, in milliseconds; 0 sends no KEEPALIVE. */
  keepaliveMs?: number;
  /** ledger.state.totalQueryLimit: most results one chaincode query returns. */
  totalQueryLimit?: number;
  /** Runs chaincode-to-chaincode calls; also settable once with `attachInvoker`. */
  invoker?: ChaincodeInvoker;
  /** Which system chaincodes may not be called by other chaincodes. */
  systemChaincodes?: SystemChaincodeInfo;
  /** Who may read and write private data collections (memberOnlyRead / memberOnlyWrite). */
  collectionAccess?: CollectionAccess | undefined;
  /** chaincode.maxWriteSetBytes: most bytes one transaction writes. */
  maxWriteSetBytes?: number;
  metrics?: ChaincodeMetrics | undefined;
  /** Records every chaincode conversation's messages (chaincode.trace). */
  trace?: MessageTrace | undefined;
  logger: Logger;
}

/** A registered chaincode, as the operations service's live page lists it. */
export interface RunningChaincode {
  name: string;
  containerType: string;
  state: string;
  sent: number;
  received: number;
}

/** What one Init or Invoke returned: the chaincode's Response, and its event if it set one. */
export interface ExecutionResult {
  response: Response;
  message: ChaincodeMessage;
}

/**
 * The peer's chaincode manager, for system and user chaincode alike: launches chaincode on
 * demand, accepts chaincode streams, and runs Init and Invoke through the registered handler.
 */
export class ChaincodeSupport {
  private readonly launcher: Launcher;
  private readonly runtime: Runtime;
  private readonly registry: HandlerRegistry<Handler>;
  private readonly executeTimeoutMs: number;
  private readonly keepaliveMs: number;
  private readonly totalQueryLimit: number | undefined;
  private invoker: ChaincodeInvoker | undefined;
  /** What every handler is given: reaches the invoker attached at the time of the call. */
  private readonly invokerDelegate: ChaincodeInvoker = {
    invoke: (target, input, callerTx) => {
      if (this.invoker === undefined) {
        return Promise.reject(new ChaincodeError('CC2CC_UNAVAILABLE', 'chaincode to chaincode invocation is not available'));
      }
      return this.invoker.invoke(target, input, callerTx);
    },
  };
  private systemChaincodes: SystemChaincodeInfo | undefined;
  private readonly collectionAccess: CollectionAccess | undefined;
  private readonly maxWriteSetBytes: number | undefined;
  private readonly metrics: ChaincodeMetrics | undefined;
  private readonly trace: MessageTrace | undefined;
  private readonly logger: Logger;
  /** The container type each chaincode was last launched in; one that registered unasked (dev mode) has none. */
  private readonly containerTypes = new Map<string, string>();

  constructor(opts: ChaincodeSupportOptions) {
    this.launcher = opts.launcher;
    this.runtime = opts.runtime;
    this.registry = opts.handlerRegistry;
    this.executeTimeoutMs = opts.executeTimeoutMs;
    this.keepaliveMs = opts.keepaliveMs ?? 0;
    this.totalQueryLimit = opts.totalQueryLimit;
    this.invoker = opts.invoker;
    this.systemChaincodes = opts.systemChaincodes;
    this.collectionAccess = opts.collectionAccess;
    this.maxWriteSetBytes = opts.maxWriteSetBytes;
    this.metrics = opts.metrics;
    this.trace = opts.trace;
    this.logger = opts.logger;
  }

  /**
   * Closes the cycle cc2cc calls need (the invoker runs chaincode through this object): the
   * composition root calls it once, before chaincode streams are served.
   */
  attachInvoker(invoker: ChaincodeInvoker, systemChaincodes?: SystemChaincodeInfo): void {
    this.invoker = invoker;
    if (systemChaincodes !== undefined) this.systemChaincodes = systemChaincodes;
  }

  /** Launches the chaincode unless a handler for `name:version` is already registered. */
  async launchInit(ccci: ChaincodeContainerInfo): Promise<void> {
    if (this.registry.handler(chaincodeCanonicalName(ccci)) !== undefined) return;
    this.containerTypes.set(chaincodeCanonicalName(ccci), ccci.containerType);
    await this.launcher.launch(ccci);
  }

  /** The handler of a running chaincode, launching it first when it is not running. */
  async launch(ccci: ChaincodeContainerInfo): Promise<Handler> {
    const cname = chaincodeCanonicalName(ccci);
    const existing = this.registry.handler(cname);
    if (existing !== undefined) return existing;
    this.containerTypes.set(cname, ccci.containerType);
    await this.launcher.launch(ccci);
    return this.handlerFor(cname, '');
  }

  /**
   * Fails every launch still waiting for its chaincode to register, so that the proposals waiting
   * on them are answered now: the peer is stopping. A dev-mode launch waits for a developer who may
   * never come, and would otherwise hold the peer up until the startup timeout.
   */
  failPendingLaunches(): void {
    this.registry.failPending(new ChaincodeError('PEER_STOPPING', 'the peer is stopping'));
  }

  /** Stops the chaincode's container. */
  async stop(ccci: ChaincodeContainerInfo): Promise<void> {
    await this.runtime.stop(ccci);
  }

  /**
   * Starts a chaincode from its deployment spec and runs its Init: how system chaincodes are
   * deployed on each channel. `containerType` plays the part of Fabric 1.4's ExecEnv.
   */
  async executeLegacyInit(
    txParams: TransactionParams,
    cccid: CCContext,
    spec: ChaincodeDeploymentSpec,
    containerType: string,
  ): Promise<Response> {
    const ccSpec = spec.getChaincodeSpec();
    const ccci: ChaincodeContainerInfo = {
      name: cccid.name,
      version: cccid.version,
      path: ccSpec?.getChaincodeId()?.getPath() ?? '',
      type: typeName(ccSpec?.getType() ?? 0),
      containerType,
    };
    await this.launchInit(ccci);
    const cname = chaincodeCanonicalName(ccci);
    const handler = this.handlerFor(cname, txParams.channelId);
    const input = ccSpec?.getInput() ?? new ChaincodeInput();
    const result = await this.executeOn(handler, MessageTypes.INIT, txParams, cccid, input);
    return result.response;
  }

  /**
   * Invokes a running chaincode (launching it first when `ccci` is given): a TRANSACTION, or with
   * `init` an INIT (a `_lifecycle` chaincode's first invocation, `--isInit`).
   */
  async execute(
    txParams: TransactionParams,
    cccid: CCContext,
    input: ChaincodeInput,
    ccci?: ChaincodeContainerInfo,
    options: { init?: boolean } = {},
  ): Promise<ExecutionResult> {
    const handler = ccci !== undefined ? await this.launch(ccci) : this.handlerFor(chaincodeCanonicalName(cccid), txParams.channelId);
    return this.executeOn(handler, options.init === true ? MessageTypes.INIT : MessageTypes.TRANSACTION, txParams, cccid, input);
  }

  /**
   * Runs a TRANSACTION on a running chaincode and resolves with its reply as it is, COMPLETED or
   * ERROR: what a cc2cc call hands back to the calling chaincode.
   */
  async invoke(txParams: TransactionParams, cccid: CCContext, input: ChaincodeInput, ccci?: ChaincodeContainerInfo): Promise<ChaincodeMessage> {
    const handler = ccci === undefined ? this.handlerFor(chaincodeCanonicalName(cccid), txParams.channelId) : await this.launch(ccci);
    return handler.execute(txParams, cccid, chaincodeMessage(MessageTypes.TRANSACTION, txParams, input), this.executeTimeoutMs);
  }

  /** The registered chaincodes: how each was launched, its handler's state and its message counts. */
  running(): RunningChaincode[] {
    return [...this.registry.registered()].map(([name, handler]) => ({
      name,
      containerType: this.containerTypes.get(name) ?? 'unsolicited',
      state: handler.state,
      sent: handler.sent,
      received: handler.received,
    }));
  }

  /** Serves the peer's side of one chaincode stream until it ends. */
  async handleChaincodeStream(stream: ChaincodeStream): Promise<void> {
    const handler = new Handler({
      registry: this.registry,
      logger: this.logger,
      keepaliveMs: this.keepaliveMs,
      totalQueryLimit: this.totalQueryLimit,
      invoker: this.invokerDelegate,
      systemChaincodes: {
        cc2ccRefusal: (name, args, caller) => this.systemChaincodes?.cc2ccRefusal(name, args, caller),
        isSysCC: (name) => this.systemChaincodes?.isSysCC?.(name) === true,
      },
      containerExit: (cname) => this.launcher.containerExit?.(cname),
      collectionAccess: this.collectionAccess,
      ...(this.maxWriteSetBytes === undefined ? {} : { maxWriteSetBytes: this.maxWriteSetBytes }),
      metrics: this.metrics,
      trace: this.trace,
    });
    await handler.processStream(stream);
  }

  /** The ChaincodeSupport.Register service: a chaincode connecting to the peer. */
  register(stream: ChaincodeStream): Promise<void> {
    return this.handleChaincodeStream(stream);
  }

  private handlerFor(cname: string, channelId: string): Handler {
    const handler = this.registry.handler(cname);
    if (handler === undefined) {
      throw new ChaincodeError(
        'NO_HANDLER',
        `[channel ${channelId}] claimed to start chaincode container for ${cname} but could not find handler`,
      );
    }
    return handler;
  }

  private async executeOn(
    handler: Handler,
    type: number,
    txParams: TransactionParams,
    cccid: CCContext,
    input: ChaincodeInput,
  ): Promise<ExecutionResult> {
    const msg = chaincodeMessage(type, txParams, input);
    let reply: ChaincodeMessage;
    try {
      reply = await handler.execute(txParams, cccid, msg, this.executeTimeoutMs);
    } catch (err) {
      if (err instanceof ChaincodeError && err.code === 'DUPLICATE_TXID') throw err;
      throw new ChaincodeError('CHAINCODE_ERROR', `failed to execute transaction ${txParams.txId}: ${errorMessage(err)}`, {
        cause: err,
      });
    }
    return { response: this.executionResult(txParams.txId, reply), message: reply };
  }

  /** COMPLETED carries the chaincode's Response; ERROR is a failure with the chaincode's words. */
  private executionResult(txId: string, reply: ChaincodeMessage): Response {
    const type = reply.getType();
    if (type === MessageTypes.COMPLETED) {
      try {
        return Response.deserializeBinary(reply.getPayload_asU8());
      } catch (err) {
        throw new ChaincodeError('CHAINCODE_ERROR', `failed to unmarshal response for transaction ${txId}: ${errorMessage(err)}`);
      }
    }
    if (type === MessageTypes.ERROR) {
      const text = Buffer.from(reply.getPayload_asU8()).toString();
      throw new ChaincodeError('CHAINCODE_ERROR', `transaction returned with failure: ${text}`);
    }
    throw new ChaincodeError('CHAINCODE_ERROR', `unexpected response type ${type} for transaction ${txId}`);
  }
}

/** INIT or TRANSACTION for a chaincode, with the client's proposal when there is one. */
function chaincodeMessage(type: number, txParams: TransactionParams, input: ChaincodeInput): ChaincodeMessage {
  const msg = newMessage(type, chaincodeInputBytes(input), txParams.txId, txParams.channelId);
  if (txParams.signedProposal !== undefined) msg.setProposal(txParams.signedProposal);
  return msg;
}

const TYPE_NAMES = ['UNDEFINED', 'GOLANG', 'NODE', 'CAR', 'JAVA'];

function typeName(type: number): string {
  return TYPE_NAMES[type] ?? 'UNDEFINED';
}
