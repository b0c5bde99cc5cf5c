import { AsyncQueue } from '../../common/async/async-queue.js';
import { errorMessage } from '../../common/errors/weft-error.js';
import type { Logger } from '../../common/logging/logging.js';
import type { ChaincodeMessage } from '../../common/protos/peer.js';
import type { ChaincodeStream } from '../../comm/chaincode-stream.js';
import { InProcStream, streamQueue } from '../../comm/in-proc-stream.js';
import { containerName, type CCID } from '../ccintf.js';
import { ContainerError, SysCCRegisteredError } from '../container-error.js';
import type { VM, VMProvider } from '../vm.js';

/** The container type of system chaincodes. */
export const INPROC_CONTAINER_TYPE = 'SYSTEM';

/** Handles the peer's side of a chaincode stream (ChaincodeSupport, wired in by the peer). */
export interface ChaincodeStreamHandler {
  handleChaincodeStream(stream: ChaincodeStream): Promise<void>;
}

/** Runs the chaincode's side of an in-process stream (the shim's startInProc). */
export type ShimStarter<CC> = (
  env: string[],
  args: string[],
  chaincode: CC,
  recv: AsyncQueue<ChaincodeMessage>,
  send: AsyncQueue<ChaincodeMessage>,
) => Promise<void>;

export interface InprocRegistryOptions<CC> {
  startInProc: ShimStarter<CC>;
  logger: Logger;
  /** Room in each direction of an in-process stream. */
  queueCapacity?: number;
}

interface InprocInstance {
  running: boolean;
  /** Ends both sides of the stream. */
  stop(): void;
  /** Resolves with the exit code once both sides have ended. */
  exited: Promise<number>;
}

/**
 * System chaincodes registered by name (the type registry) and their running instances (the
 * instance registry): the VM provider for in-process chaincode, and the SCC provider's Registrar.
 */
export class InprocRegistry<CC> implements VMProvider {
  private readonly typeRegistry = new Map<string, CC>();
  private readonly instRegistry = new Map<string, InprocInstance>();
  private chaincodeSupport: ChaincodeStreamHandler | undefined;
  private readonly logger: Logger;
  private readonly queueCapacity: number;

  constructor(private readonly opts: InprocRegistryOptions<CC>) {
    this.logger = opts.logger;
    this.queueCapacity = opts.queueCapacity ?? 64;
  }

  /** Closes the cycle registry -> chaincode support; the composition root calls it once. */
  attach(chaincodeSupport: ChaincodeStreamHandler): void {
    this.chaincodeSupport = chaincodeSupport;
  }

  register(ccid: CCID, chaincode: CC): void {
    const name = ccid.name;
    this.logger.debug('Register', `Registering chaincode instance: ${name}`);
    if (this.typeRegistry.has(name)) throw new SysCCRegisteredError(name);
    this.typeRegistry.set(name, chaincode);
  }

  isRegistered(name: string): boolean {
    return this.typeRegistry.has(name);
  }

  newVM(): VM {
    return new InprocVM(this);
  }

  /** @internal */
  async start(ccid: CCID, args: string[], env: string[]): Promise<void> {
    const chaincode = this.typeRegistry.get(ccid.name);
    if (chaincode === undefined) throw new ContainerError('NOT_REGISTERED', `${ccid.name} not registered`);
    const support = this.chaincodeSupport;
    if (support === undefined) {
      throw new ContainerError('START_FAILED', 'in-process registry has no chaincode support attached');
    }
    const instName = containerName(ccid);
    const existing = this.instRegistry.get(instName);
    if (existing?.running === true) throw new ContainerError('ALREADY_RUNNING', `chaincode running ${ccid.name}`);
    const instance = this.launch(instName, chaincode, args, env, support);
    this.instRegistry.set(instName, instance);
    this.logger.debug('getInstance', `chaincode instance created for ${instName}`);
  }

  /** @internal */
  async stop(ccid: CCID): Promise<void> {
    const instName = containerName(ccid);
    const instance = this.instRegistry.get(instName);
    if (instance === undefined) throw new ContainerError('NOT_FOUND', `${instName} not found`);
    this.instRegistry.delete(instName);
    if (!instance.running) throw new ContainerError('NOT_RUNNING', `${instName} not running`);
    instance.stop();
    await instance.exited;
  }

  /** @internal */
  async wait(ccid: CCID): Promise<number> {
    const instName = containerName(ccid);
    const instance = this.instRegistry.get(instName);
    if (instance === undefined) throw new ContainerError('NOT_FOUND', `${instName} not found`);
    return instance.exited;
  }

  /** Two tasks: the shim on the chaincode's side, chaincode support on the peer's side. */
  private launch(
    instName: string,
    chaincode: CC,
    args: string[],
    env: string[],
    support: ChaincodeStreamHandler,
  ): InprocInstance {
    const peerRcvCCSend = streamQueue(this.queueCapacity, `${instName} chaincode to peer stream`);
    const ccRcvPeerSend = streamQueue(this.queueCapacity, `${instName} peer to chaincode stream`);
    // Both are set from the tasks below; `as boolean` keeps TypeScript from taking them for always false.
    let failed = false as boolean;
    let stopping = false as boolean;

    const shimTask = (async () => {
      this.logger.debug('func1', `chaincode started for ${instName}`);
      try {
        await this.opts.startInProc(env, args, chaincode, ccRcvPeerSend, peerRcvCCSend);
        this.logger.debug('func1', `chaincode ended for ${instName}`);
      } catch (err) {
        // A chaincode that throws ends its own instance, never the peer.
        if (!stopping) {
          failed = true;
          this.logger.error('func1', `chaincode ended with err: ${errorMessage(err)}`);
        }
      } finally {
        peerRcvCCSend.close();
      }
    })();

    const supportTask = (async () => {
      this.logger.debug('func2', `chaincode-support started for ${instName}`);
      try {
        await support.handleChaincodeStream(new InProcStream(peerRcvCCSend, ccRcvPeerSend));
        this.logger.debug('func2', `chaincode-support ended for ${instName}`);
      } catch (err) {
        if (!stopping) {
          failed = true;
          this.logger.error('func2', `chaincode-support ended with err: ${errorMessage(err)}`);
        }
      } finally {
        ccRcvPeerSend.close();
      }
    })();

    const instance: InprocInstance = {
      running: true,
      stop: () => {
        stopping = true;
        ccRcvPeerSend.close();
        peerRcvCCSend.close();
      },
      // An ended instance stays listed until stopped or started again, so wait() still gets its code.
      exited: Promise.all([shimTask, supportTask]).then(() => {
        instance.running = false;
        return failed ? 1 : 0;
      }),
    };
    return instance;
  }
}

/** The VM view of the registry, one per request as Fabric makes them. */
class InprocVM<CC> implements VM {
  constructor(private readonly registry: InprocRegistry<CC>) {}

  start(ccid: CCID, args: string[], env: string[]): Promise<void> {
    return this.registry.start(ccid, args, env);
  }

  stop(ccid: CCID): Promise<void> {
    return this.registry.stop(ccid);
  }

  wait(ccid: CCID): Promise<number> {
    return this.registry.wait(ccid);
  }
}
