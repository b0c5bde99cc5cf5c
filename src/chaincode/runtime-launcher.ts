import { errorMessage } from '../common/errors/weft-error.js';
import type { Logger } from '../common/logging/logging.js';
import { secondsSince } from '../common/metrics/metrics-provider.js';
import { ChaincodeError } from './chaincode-error.js';
import type { ChaincodeMetrics } from './chaincode-metrics.js';
import { chaincodeCanonicalName, type ChaincodeContainerInfo } from './chaincode-context.js';
import type { LaunchState } from './launch-state.js';

/** Starts, stops and waits on chaincode containers (Fabric's chaincode.Runtime). */
export interface Runtime {
  start(ccci: ChaincodeContainerInfo): Promise<void>;
  stop(ccci: ChaincodeContainerInfo): Promise<void>;
  /** Resolves once the container has ended. */
  wait(ccci: ChaincodeContainerInfo): Promise<ContainerExit>;
}

/** How a chaincode's container ended. */
export interface ContainerExit {
  code: number;
  /** The VM's account of it (`137 (killed by SIGKILL); last output: ...`), when it gives one. */
  reason?: string | undefined;
}

/** The launch bookkeeping the launcher needs (the handler registry). */
export interface LaunchRegistry {
  launch(cname: string): { launchState: LaunchState; alreadyStarted: boolean };
  deregister(cname: string): void;
}

export interface RuntimeLauncherOptions {
  runtime: Runtime;
  registry: LaunchRegistry;
  /** chaincode.startuptimeout */
  startupTimeoutMs: number;
  metrics?: Pick<ChaincodeMetrics, 'launchDuration' | 'launchFailures' | 'launchTimeouts'> | undefined;
  /**
   * Container types whose chaincode's end the peer cannot see (dev mode: the developer runs it):
   * a stream that breaks is not held up waiting for an exit that will never be reported.
   */
  unobservedExits?: ReadonlySet<string>;
  logger: Logger;
}

/**
 * Launches a chaincode once however many transactions ask for it at the same time, and waits
 * until it registers, its container fails to start or exits, or the startup timeout runs out.
 */
export class RuntimeLauncher {
  /** By canonical name: the error each started container's exit becomes, once it exits. */
  private readonly exits = new Map<string, Promise<ChaincodeError>>();

  constructor(private readonly opts: RuntimeLauncherOptions) {}

  /**
   * Settles with why the last container started for `cname` ended, once it has; undefined when
   * this launcher never started one. A chaincode's stream breaking mid-transaction is explained by this.
   */
  containerExit(cname: string): Promise<Error> | undefined {
    return this.exits.get(cname);
  }

  async launch(ccci: ChaincodeContainerInfo): Promise<void> {
    const { runtime, registry, logger } = this.opts;
    const cname = chaincodeCanonicalName(ccci);
    const { launchState, alreadyStarted } = registry.launch(cname);
    let err: Error | undefined;
    if (alreadyStarted) {
      await launchState.done;
      const cause = launchState.err;
      if (cause !== undefined) err = new ChaincodeError('LAUNCH_FAILED', `chaincode registration failed: ${cause.message}`, { cause });
    } else {
      const metrics = this.opts.metrics;
      const start = metrics === undefined ? 0 : performance.now();
      err = await this.startAndAwaitRegistration(ccci, cname, launchState);
      if (metrics !== undefined) {
        metrics.launchDuration.with(cname, String(err === undefined)).observe(secondsSince(start));
        if (err !== undefined) metrics.launchFailures.with(cname).add(1);
        if (err instanceof ChaincodeError && err.code === 'STARTUP_TIMEOUT') metrics.launchTimeouts.with(cname).add(1);
      }
      if (err !== undefined) {
        logger.debug('Launch', `stopping due to error while launching: ${err.message}`);
        registry.deregister(cname);
        await runtime.stop(ccci).catch((stopErr: unknown) => logger.debug('Launch', `stop failed: ${errorMessage(stopErr)}`));
      }
    }
    if (err !== undefined) {
      throw new ChaincodeError('LAUNCH_FAILED', `could not launch chaincode ${cname}: ${err.message}`, { cause: err });
    }
    logger.debug('Launch', 'launch complete');
  }

  private async startAndAwaitRegistration(
    ccci: ChaincodeContainerInfo,
    cname: string,
    launchState: LaunchState,
  ): Promise<Error | undefined> {
    const { runtime, startupTimeoutMs } = this.opts;
    let timer: NodeJS.Timeout | undefined;
    const failed = new Promise<Error>((resolve) => {
      timer = setTimeout(
        () => resolve(new ChaincodeError('STARTUP_TIMEOUT', `timeout expired while starting chaincode ${cname} for transaction`)),
        startupTimeoutMs,
      );
      runtime.start(ccci).then(
        () => {
          const exited = runtime.wait(ccci).then(
            (exit) => new ChaincodeError('CONTAINER_EXITED', `container exited with ${exit.reason ?? exit.code}`),
            (err: unknown) => new ChaincodeError('LAUNCH_FAILED', `failed to wait on container exit: ${errorMessage(err)}`),
          );
          if (this.opts.unobservedExits?.has(ccci.containerType) !== true) this.exits.set(cname, exited);
          // Once running, the container's exit ends a launch that has not registered yet.
          void exited.then((exitErr) => launchState.notify(exitErr));
        },
        (err: unknown) => resolve(new ChaincodeError('LAUNCH_FAILED', `error starting container: ${errorMessage(err)}`, { cause: err })),
      );
    });
    const registered = launchState.done.then(() =>
      launchState.err === undefined
        ? undefined
        : new ChaincodeError('LAUNCH_FAILED', `chaincode registration failed: ${launchState.err.message}`, { cause: launchState.err }),
    );
    try {
      const err = await Promise.race([registered, failed]);
      launchState.notify(err);
      return err;
    } finally {
      clearTimeout(timer);
    }
  }
}
