import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { errorMessage } from '../../common/errors/weft-error.js';
import type { Logger } from '../../common/logging/logging.js';
import { canonicalName, type CCID } from '../ccintf.js';
import { ContainerError } from '../container-error.js';
import { ExitTrackingVM } from '../exit-tracking-vm.js';
import type { ChaincodeProcess } from '../process/chaincode-process.js';
import { exitSummary, type ProcessExit } from '../process/process-exit.js';
import type { VM, VMProvider } from '../vm.js';
import type { BuildResult } from './external-builders.js';
import { packageIdPath } from './package-id-path.js';
import { RUN_CONFIG_FILE, runConfigOf } from './run-config.js';

/** The container type of chaincode launched by its external builder's bin/run. */
export const EXTERNAL_CONTAINER_TYPE = 'EXTERNAL';

/** The builds the provider launches from (ExternalBuilders is one), by package ID. */
export interface ExternalBuildSource {
  /** A build already known in this process. */
  get(packageId: string): BuildResult | undefined;
  /** A build kept from before, found on disk. */
  restore(packageId: string): Promise<BuildResult | undefined>;
}

export interface ExternalVMProviderOptions {
  builds: ExternalBuildSource;
  /** The peer's MSP ID (peer.localMspId): chaincode.json's mspid. */
  mspId: string;
  /** Each launch's run metadata folder (chaincode.json, with the TLS key) goes under it, private to the peer's user. */
  runRoot: string;
  logger: Logger;
  /** How many of a chaincode's last output lines an exit report quotes; 20 by default. */
  keepLines?: number;
}

/**
 * Launches externally built chaincode (Fabric's external launcher): the chaincode's CCID is its
 * package ID (`canonicalName(ccid)`), whose build the provider looks up; it writes chaincode.json
 * (chaincode_id, peer_address, client_cert, client_key, root_cert, mspid) into a fresh run
 * metadata folder and starts the builder's `bin/run <bld> <run-metadata>`, which is the chaincode
 * from then on: its exit is the chaincode's exit, stopping it stops the chaincode.
 *
 * A release holding chaincode/server/connection.json is a chaincode server instead, which the peer
 * dials: `isChaincodeServer` tells the peer to launch such a package with the chaincode-as-a-service
 * container type, and `chaincodeServerDir` is the folder whose connection.json that VM reads.
 * Starting one here fails, saying so.
 */
export class ExternalVMProvider implements VMProvider {
  /** By package ID; an ended chaincode stays listed until stopped or started again, so wait() still answers. */
  private readonly instances = new Map<string, ChaincodeProcess>();
  private readonly keepLines: number;

  constructor(private readonly opts: ExternalVMProviderOptions) {
    this.keepLines = opts.keepLines ?? 20;
  }

  newVM(): VM {
    return new ExitTrackingVM(this);
  }

  /**
   * Whether the package's build released a chaincode server to dial rather than a program to run;
   * known once its build was made or restored in this process (ExternalBuilders.build / restore).
   */
  isChaincodeServer(ccid: CCID): boolean {
    return this.chaincodeServerDir(ccid) !== undefined;
  }

  /** The folder holding the connection.json of a chaincode-server release; undefined for any other package. */
  chaincodeServerDir(ccid: CCID): string | undefined {
    return this.opts.builds.get(canonicalName(ccid))?.chaincodeServerDir;
  }

  /** The process id of a running chaincode's bin/run, for diagnostics. */
  pid(ccid: CCID): number | undefined {
    const instance = this.instances.get(canonicalName(ccid));
    return instance?.running === true ? instance.pid : undefined;
  }

  /** @internal */
  async start(ccid: CCID, args: string[], env: string[], filesToUpload: ReadonlyMap<string, Uint8Array>): Promise<void> {
    const packageId = canonicalName(ccid);
    if (this.instances.get(packageId)?.running === true) throw new ContainerError('ALREADY_RUNNING', `chaincode running ${packageId}`);
    const build = await this.buildOf(packageId);
    if (build.chaincodeServerDir !== undefined) {
      throw new ContainerError(
        'START_FAILED',
        `chaincode ${packageId} was released as a chaincode server (${join(build.chaincodeServerDir, 'connection.json')}): the peer dials it rather than running it`,
      );
    }
    const { builder } = build;
    if (!(await builder.has('run'))) {
      throw new ContainerError('START_FAILED', `external builder '${builder.name}' has no bin/run to launch chaincode ${packageId} with`);
    }
    const runConfig = runConfigOf({ ccid, args, env, files: filesToUpload, mspId: this.opts.mspId });
    await mkdir(this.opts.runRoot, { recursive: true, mode: 0o700 });
    const runDir = await mkdtemp(join(this.opts.runRoot, `${packageIdPath(packageId)}-`));
    let child: ChaincodeProcess;
    try {
      await writeFile(join(runDir, RUN_CONFIG_FILE), JSON.stringify(runConfig), { mode: 0o600 });
      child = await builder.startRun(build.buildDir, runDir, this.keepLines);
    } catch (err) {
      await rm(runDir, { recursive: true, force: true });
      throw new ContainerError('START_FAILED', `could not execute run: builder '${builder.name}' run failed to start: ${errorMessage(err)}`, { cause: err });
    }
    this.instances.set(packageId, child);
    this.opts.logger.info('Start', `started chaincode ${packageId} with external builder '${builder.name}' (pid ${child.pid ?? '?'})`);
    void child.exited
      .then(async (exit) => {
        this.opts.logger.info('Start', `chaincode ${packageId} (builder '${builder.name}' run) exited with ${exitSummary(exit)}`);
        await rm(runDir, { recursive: true, force: true });
      })
      .catch((err: unknown) => this.opts.logger.warn('Start', `could not remove the run folder of chaincode ${packageId}: ${errorMessage(err)}`));
  }

  /** @internal SIGTERM to bin/run's process group, SIGKILL after `timeoutMs` unless `dontKill`. */
  async stop(ccid: CCID, timeoutMs: number, dontKill: boolean, dontRemove: boolean): Promise<void> {
    const packageId = canonicalName(ccid);
    const instance = this.instances.get(packageId);
    if (instance === undefined) throw new ContainerError('NOT_FOUND', `${packageId} not found`);
    if (!dontRemove) this.instances.delete(packageId);
    if (!instance.running) throw new ContainerError('NOT_RUNNING', `${packageId} not running`);
    await instance.stop(timeoutMs, dontKill);
  }

  /** Stops every chaincode still running: the peer is going down and takes its chaincodes along. */
  async stopAll(timeoutMs: number): Promise<void> {
    const running = [...this.instances.values()].filter((instance) => instance.running);
    this.instances.clear();
    await Promise.all(running.map((instance) => instance.stop(timeoutMs, false)));
  }

  /** @internal */
  exitOf(ccid: CCID): Promise<ProcessExit> {
    const packageId = canonicalName(ccid);
    const instance = this.instances.get(packageId);
    if (instance === undefined) return Promise.reject(new ContainerError('NOT_FOUND', `${packageId} not found`));
    return instance.exited;
  }

  private async buildOf(packageId: string): Promise<BuildResult> {
    let build: BuildResult | undefined;
    try {
      build = this.opts.builds.get(packageId) ?? (await this.opts.builds.restore(packageId));
    } catch (err) {
      throw new ContainerError('START_FAILED', `could not restore the external build of chaincode ${packageId}: ${errorMessage(err)}`, { cause: err });
    }
    if (build === undefined) throw new ContainerError('PACKAGE_NOT_FOUND', `chaincode package ${packageId} has no external build`);
    return build;
  }
}
