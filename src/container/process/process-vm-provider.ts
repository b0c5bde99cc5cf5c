import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { errorMessage } from '../../common/errors/weft-error.js';
import type { Logger } from '../../common/logging/logging.js';
import { containerName, type CCID } from '../ccintf.js';
import { ContainerError } from '../container-error.js';
import { ExitTrackingVM } from '../exit-tracking-vm.js';
import type { VM, VMProvider } from '../vm.js';
import { chaincodeLaunch, type ChaincodeLaunch } from './chaincode-launch.js';
import { CHAINCODE_NODE_FLAGS } from './chaincode-node-flags.js';
import { ChaincodeProcess } from './chaincode-process.js';
import { envFromLines, inheritedEnv } from './child-env.js';
import { DependencyStore } from './dependency-store.js';
import { PackageBuilder } from './package-builder.js';
import type { PackageStore } from './package-store.js';
import { peerAddressFromArgs } from './peer-address.js';
import { exitSummary, type ProcessExit } from './process-exit.js';

/** The container type of chaincode run as a child process of the peer. */
export const PROCESS_CONTAINER_TYPE = 'PROCESS';

/** Makes the logger a chaincode's output goes to (Logging.logger). */
export interface LoggerFactory {
  logger(module: string): Logger;
}

export interface ProcessVMProviderOptions {
  /** Installed chaincode packages. */
  packages: PackageStore;
  /** Builds go to `<buildRoot>/<name>-<version>` (under peer.fileSystemPath). */
  buildRoot: string;
  /** Each running chaincode's private files (its TLS key and certificates) go to a folder under it. */
  runRoot: string;
  /** The provider's own logger. */
  logger: Logger;
  /** Where chaincode output is logged, under `peer.chaincode.<name>-<version>` as Fabric names it. */
  logging: LoggerFactory;
  /** Node.js options for a chaincode's node process, e.g. `--inspect=127.0.0.1:0` to debug it. */
  nodeOptions?: (ccid: CCID) => string | undefined;
  /** The peer's environment, of which the chaincode gets PATH, HOME and npm settings. */
  env?: NodeJS.ProcessEnv;
  /** The npm executable. */
  npm?: string;
  /** Flags for the node the peer starts a chaincode with when npm is not needed; CHAINCODE_NODE_FLAGS by default. */
  nodeFlags?: readonly string[];
  /** Start every chaincode with `npm start`, as Fabric's node builder does, even when its start script needs neither npm nor a shell. */
  alwaysNpm?: boolean;
  /** Where installed dependency trees are kept for reuse across builds; none when undefined. */
  dependencyCache?: string | undefined;
  /** How many of a chaincode's last output lines an exit report quotes. */
  keepLines?: number;
}

/**
 * Runs installed Node.js chaincode as child processes of the peer: builds the package once
 * (`npm ci`), then starts it as `npm start -- --peer.address <address>` would, with the
 * environment and TLS files of its launch config. A start script that is a plain `node ...` or
 * `fabric-chaincode-node start ...` is run by node itself, without npm and a shell in between
 * (they cost a launch some 400 ms and 60 MB); any other goes through `npm start`.
 */
export class ProcessVMProvider implements VMProvider {
  /** By container name; an ended chaincode stays listed until stopped or started again, so wait() still answers. */
  private readonly instances = new Map<string, ChaincodeProcess>();
  private readonly builder: PackageBuilder;
  private readonly baseEnv: Record<string, string>;
  private readonly npm: string;
  private readonly keepLines: number;

  constructor(private readonly opts: ProcessVMProviderOptions) {
    this.baseEnv = inheritedEnv(opts.env ?? process.env);
    this.npm = opts.npm ?? 'npm';
    this.keepLines = opts.keepLines ?? 20;
    this.builder = new PackageBuilder({
      buildRoot: opts.buildRoot,
      env: this.baseEnv,
      npm: this.npm,
      dependencies: opts.dependencyCache === undefined ? undefined : new DependencyStore(opts.dependencyCache, opts.logger),
      logger: opts.logger,
    });
  }

  newVM(): VM {
    return new ExitTrackingVM(this);
  }

  /** The process id of a running chaincode (its node, or its `npm start`), which leads its process group; for diagnostics. */
  pid(ccid: CCID): number | undefined {
    const instance = this.instances.get(containerName(ccid));
    return instance?.running === true ? instance.pid : undefined;
  }

  /**
   * Builds an installed package now (a `_lifecycle` install builds, as Fabric's does, so that a
   * package that cannot be built is refused then); its launch reuses the build.
   */
  async build(ccid: CCID): Promise<string> {
    const sourceDir = this.opts.packages.sourceDir(ccid);
    if (sourceDir === undefined) {
      throw new ContainerError('PACKAGE_NOT_FOUND', `chaincode package ${ccid.name}:${ccid.version} is not installed`);
    }
    return this.builder.build(ccid, sourceDir);
  }

  /** @internal */
  async start(ccid: CCID, args: string[], env: string[], filesToUpload: ReadonlyMap<string, Uint8Array>): Promise<void> {
    const name = containerName(ccid);
    if (this.instances.get(name)?.running === true) {
      throw new ContainerError('ALREADY_RUNNING', `chaincode running ${ccid.name}`);
    }
    const peerAddress = peerAddressFromArgs(args);
    const buildDir = await this.build(ccid);
    const childEnv = { ...this.baseEnv, ...envFromLines(env) };
    const runDir = await this.uploadFiles(name, filesToUpload, childEnv);
    const nodeOptions = this.opts.nodeOptions?.(ccid);
    // npm passes its node-options setting to the scripts it runs, not to itself; started without
    // npm, the chaincode gets it as NODE_OPTIONS all the same.
    if (nodeOptions !== undefined) childEnv['npm_config_node_options'] = nodeOptions;
    const { child, launch } = await this.spawn(name, buildDir, childEnv, peerAddress).catch(async (err: unknown) => {
      if (runDir !== undefined) await rm(runDir, { recursive: true, force: true });
      throw new ContainerError('START_FAILED', `could not start chaincode ${name}: ${errorMessage(err)}`, { cause: err });
    });
    this.instances.set(name, child);
    this.opts.logger.info('start', `started chaincode ${name} (pid ${child.pid ?? '?'}) in ${buildDir}: ${launch.command} ${launch.args.join(' ')}`);
    void child.exited
      .then(async (exit) => {
        this.opts.logger.info('start', `chaincode ${name} exited with ${exitSummary(exit)}`);
        if (runDir !== undefined) await rm(runDir, { recursive: true, force: true });
      })
      .catch((err: unknown) => this.opts.logger.warn('start', `could not remove the files of chaincode ${name}: ${errorMessage(err)}`));
  }

  /** @internal */
  async stop(ccid: CCID, timeoutMs: number, dontKill: boolean, dontRemove: boolean): Promise<void> {
    const name = containerName(ccid);
    const instance = this.instances.get(name);
    if (instance === undefined) throw new ContainerError('NOT_FOUND', `${name} not found`);
    // dontRemove keeps the stopped chaincode listed, so that wait() still answers for it.
    if (!dontRemove) this.instances.delete(name);
    if (!instance.running) throw new ContainerError('NOT_RUNNING', `${name} not running`);
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
    const name = containerName(ccid);
    const instance = this.instances.get(name);
    if (instance === undefined) return Promise.reject(new ContainerError('NOT_FOUND', `${name} not found`));
    return instance.exited;
  }

  /** Starts the chaincode as its start script would run, with npm only when the script needs it. */
  private async spawn(name: string, dir: string, env: Record<string, string>, peerAddress: string): Promise<{ child: ChaincodeProcess; launch: ChaincodeLaunch }> {
    const launch = await chaincodeLaunch({
      dir,
      env,
      peerArgs: ['--peer.address', peerAddress],
      npm: this.npm,
      nodeFlags: this.opts.nodeFlags ?? CHAINCODE_NODE_FLAGS,
      alwaysNpm: this.opts.alwaysNpm,
    });
    if (launch.npmReason !== undefined) this.opts.logger.info('start', `starting chaincode ${name} with npm start: ${launch.npmReason}`);
    const child = await ChaincodeProcess.start({
      command: launch.command,
      args: launch.args,
      cwd: dir,
      env: launch.env,
      output: this.opts.logging.logger(`peer.chaincode.${name}`),
      keepLines: this.keepLines,
    });
    return { child, launch };
  }

  /**
   * Writes the launch config's files (TLS key and certificates) to a folder of this start's own,
   * readable by the peer's user alone, and points the environment variables that named their
   * container paths at the real files. Returns the folder, if there were files.
   */
  private async uploadFiles(name: string, files: ReadonlyMap<string, Uint8Array>, env: Record<string, string>): Promise<string | undefined> {
    if (files.size === 0) return undefined;
    await mkdir(this.opts.runRoot, { recursive: true, mode: 0o700 });
    const runDir = await mkdtemp(join(this.opts.runRoot, `${name}-`));
    const realPaths = new Map<string, string>();
    for (const [path, content] of files) {
      const real = join(runDir, basename(path));
      await writeFile(real, content, { mode: 0o600 });
      realPaths.set(path, real);
    }
    for (const [key, value] of Object.entries(env)) {
      const real = realPaths.get(value);
      if (real !== undefined) env[key] = real;
    }
    return runDir;
  }
}
