import type Docker from 'dockerode';
import type { DockerHostConfig } from '../../common/config/core-config.js';
import { errorMessage } from '../../common/errors/weft-error.js';
import type { Logger } from '../../common/logging/logging.js';
import { canonicalName, containerName, type CCID } from '../ccintf.js';
import { ContainerError } from '../container-error.js';
import { inheritedEnv } from '../process/child-env.js';
import { OutputTail } from '../process/output-tail.js';
import { builtHash, PackageBuilder } from '../process/package-builder.js';
import type { PackageStore } from '../process/package-store.js';
import { exitSummary, type ProcessExit } from '../process/process-exit.js';
import type { LoggerFactory } from '../process/process-vm-provider.js';
import { ExitTrackingVM } from '../exit-tracking-vm.js';
import type { VM, VMProvider } from '../vm.js';
import { DockerEngine, statusOf } from './docker-engine.js';
import { DockerImageBuilder } from './docker-image-builder.js';
import { dockerContainerName, dockerImageName, type PeerIdentity } from './docker-names.js';
import { DockerStreamDemuxer } from './docker-stream-demuxer.js';
import { memoryTar } from '../../common/tar/memory-tar.js';

/** Container labels: which peer started a container (for the clean-up at start), and which chaincode it runs. */
export const PEER_LABEL = 'org.hyperledger.weft.peer';
export const CHAINCODE_LABEL = 'org.hyperledger.weft.chaincode';

export interface DockerVMProviderOptions {
  /** vm.endpoint */
  endpoint: string;
  /** peer.networkId and peer.id: the prefix of container and image names, and the peer's label. */
  peer: PeerIdentity;
  /** Installed chaincode packages. */
  packages: PackageStore;
  /** Where packages are built on the peer's side (`npm ci`), as the process VM builds them. */
  buildRoot: string;
  /** chaincode.node.runtime: the base image of chaincode images. */
  runtimeImage: string;
  /** vm.docker.hostConfig */
  hostConfig: DockerHostConfig;
  /** vm.docker.attachStdout: the chaincode's output goes to the peer's log. */
  attachStdout: boolean;
  /** vm.docker.forceRebuild: the first launch of each chaincode by this provider builds its image afresh. */
  forceRebuild: boolean;
  /** The provider's own logger (Fabric's `dockercontroller`). */
  logger: Logger;
  /** Where chaincode output is logged, under `peer.chaincode.<container name>` as Fabric names it. */
  logging: LoggerFactory;
  /** The peer's environment, of which the install step gets PATH, HOME and npm settings. */
  env?: NodeJS.ProcessEnv;
  npm?: string;
  /** How many of a chaincode's last output lines an exit report quotes. */
  keepLines?: number;
  /** How long the engine has to answer a ping before it counts as unavailable. */
  pingTimeoutMs?: number;
}

interface Instance {
  id: string;
  running: boolean;
  exited: Promise<ProcessExit>;
}

/** How long the output of an ended container may take to arrive after its exit is known. */
const OUTPUT_DRAIN_MS = 1000;

/**
 * Runs installed Node.js chaincode in Docker containers, as Fabric's DockerVM does: an image per
 * chaincode built from `chaincode.node.runtime` and the package (its dependencies installed on
 * the peer's side, so that building needs no network), then a container per launch with the
 * launch config's command, environment and TLS files, labelled as this peer's.
 */
export class DockerVMProvider implements VMProvider {
  private readonly engine: DockerEngine;
  private readonly builder: PackageBuilder;
  private readonly images: DockerImageBuilder;
  /** By container name; an ended container stays listed until stopped or started again, so wait() still answers. */
  private readonly instances = new Map<string, Instance>();
  /** Containers being started: not leftovers, though not yet listed in `instances`. */
  private readonly starting = new Set<string>();
  /** Images built afresh in this run, when forceRebuild asks for it: only the first launch rebuilds. */
  private readonly rebuilt = new Set<string>();
  private readonly keepLines: number;
  private readonly pingTimeoutMs: number;
  private cleanup: Promise<void> = Promise.resolve();

  constructor(private readonly opts: DockerVMProviderOptions) {
    this.engine = new DockerEngine(opts.endpoint);
    this.builder = new PackageBuilder({ buildRoot: opts.buildRoot, env: inheritedEnv(opts.env ?? process.env), npm: opts.npm ?? 'npm', logger: opts.logger });
    this.images = new DockerImageBuilder({ engine: this.engine, runtimeImage: opts.runtimeImage, logger: opts.logger });
    this.keepLines = opts.keepLines ?? 20;
    this.pingTimeoutMs = opts.pingTimeoutMs ?? 2000;
  }

  newVM(): VM {
    return new ExitTrackingVM(this);
  }

  /** The value of this peer's label: containers carrying it are this peer's to remove. */
  private get peerKey(): string {
    return `${this.opts.peer.networkId}-${this.opts.peer.peerId}`;
  }

  /** For the peer's health checks: resolves when the engine answers, rejects saying why not. */
  healthCheck(): Promise<void> {
    return this.engine.ping(this.pingTimeoutMs);
  }

  /**
   * Removes the containers this peer left behind (a crash, a kill): found by the peer's label.
   * Runs in the background from start-up; an engine that does not answer is reported, not fatal.
   */
  removeLeftovers(): Promise<void> {
    this.cleanup = this.removeLabelled().catch((err: unknown) => {
      this.opts.logger.warn('removeLeftovers', `could not look for containers left by an earlier run: ${errorMessage(err)}`);
    });
    return this.cleanup;
  }

  private async removeLabelled(): Promise<void> {
    const { logger } = this.opts;
    await this.engine.ping(this.pingTimeoutMs);
    const found =
      (await this.engine.call('list containers', (d) => d.listContainers({ all: true, filters: { label: [`${PEER_LABEL}=${this.peerKey}`] } }))) ?? [];
    await Promise.all(
      found.map(async (info) => {
        const name = info.Names[0]?.replace(/^\//, '') ?? info.Id;
        // A chaincode this run has started since is not left over.
        if (this.instances.has(name) || this.starting.has(name)) return;
        await this.engine.call(`remove container ${name}`, (d) => d.getContainer(info.Id).remove({ force: true }), [404, 409]);
        logger.info('removeLeftovers', `removed container ${name} (${info.State}) left by an earlier run of this peer`);
      }),
    );
  }

  /** @internal */
  async start(ccid: CCID, args: string[], env: string[], filesToUpload: ReadonlyMap<string, Uint8Array>): Promise<void> {
    const { peer, packages } = this.opts;
    const name = dockerContainerName(peer, ccid);
    if (this.instances.get(name)?.running === true) throw new ContainerError('ALREADY_RUNNING', `chaincode running ${canonicalName(ccid)}`);
    const sourceDir = packages.sourceDir(ccid);
    if (sourceDir === undefined) throw new ContainerError('PACKAGE_NOT_FOUND', `chaincode package ${canonicalName(ccid)} is not installed`);
    const image = dockerImageName(peer, ccid);
    // Before any work: a chaincode cannot run in Docker without an engine, and should say so at once.
    await this.engine.ping(this.pingTimeoutMs);
    this.starting.add(name);
    try {
      await this.startContainer(ccid, name, image, sourceDir, args, env, filesToUpload);
    } finally {
      this.starting.delete(name);
    }
  }

  private async startContainer(
    ccid: CCID,
    name: string,
    image: string,
    sourceDir: string,
    args: string[],
    env: string[],
    filesToUpload: ReadonlyMap<string, Uint8Array>,
  ): Promise<void> {
    const { logger, attachStdout } = this.opts;
    logger.debug('Start', `Start container ${name}`);
    // Whatever holds the name (an earlier run of this chaincode) goes first, as Fabric does.
    this.instances.delete(name);
    await this.engine.call(`remove container ${name}`, (d) => d.getContainer(name).remove({ force: true }), [404]);

    const force = this.opts.forceRebuild && !this.rebuilt.has(image);
    const buildDir = await this.builder.build(ccid, sourceDir, { force });
    const hash = await builtHash(buildDir);
    if (hash === undefined) throw new ContainerError('BUILD_FAILED', `the build of chaincode ${containerName(ccid)} in ${buildDir} is incomplete`);
    await this.images.ensure({ ccid, image, buildDir, hash, force });
    if (force) this.rebuilt.add(image);

    const created = await this.engine.call(`create container ${name}`, (d) =>
      d.createContainer({
        name,
        Image: image,
        Cmd: args,
        Env: env,
        Labels: { [PEER_LABEL]: this.peerKey, [CHAINCODE_LABEL]: canonicalName(ccid) },
        AttachStdout: attachStdout,
        AttachStderr: attachStdout,
        HostConfig: this.hostConfig(),
      }),
    );
    if (created === undefined) throw new ContainerError('START_FAILED', `create container ${name}: the engine gave no container`);
    logger.debug('createContainer', `Created container: ${created.id}`);
    try {
      if (filesToUpload.size > 0) {
        // Readable by any user of the container: base images may run the chaincode as a user other than root.
        const archive = memoryTar(filesToUpload, { mode: 0o644, end: true });
        await this.engine.call(`upload files to container ${name}`, (d) => d.getContainer(created.id).putArchive(archive, { path: '/' }));
      }
      const output = attachStdout ? await this.attach(created, name) : undefined;
      await this.engine.call(`start container ${name}`, (d) => d.getContainer(created.id).start());
      const instance: Instance = { id: created.id, running: true, exited: this.exitOfContainer(created, name, output) };
      void instance.exited.finally(() => (instance.running = false)).catch(() => undefined);
      this.instances.set(name, instance);
    } catch (err) {
      await this.engine.call(`remove container ${name}`, (d) => d.getContainer(created.id).remove({ force: true }), [404]).catch(() => undefined);
      throw err;
    }
    logger.info('Start', `Started container ${name}`);
  }

  /** @internal */
  async stop(ccid: CCID, timeoutMs: number, dontKill: boolean, dontRemove: boolean): Promise<void> {
    const name = dockerContainerName(this.opts.peer, ccid);
    const instance = this.instances.get(name);
    // dontRemove keeps the stopped chaincode listed, so that wait() still answers for it.
    if (!dontRemove) this.instances.delete(name);
    await this.stopContainer(name, instance?.id ?? name, timeoutMs, dontKill, dontRemove, instance === undefined);
  }

  /** Stops this peer's containers: the peer is going down and takes its chaincodes along. */
  async stopAll(timeoutMs: number): Promise<void> {
    await this.cleanup;
    const running = [...this.instances.entries()].filter(([, instance]) => instance.running);
    this.instances.clear();
    await Promise.all(running.map(([name, instance]) => this.stopContainer(name, instance.id, timeoutMs, false, false, false)));
  }

  /** @internal */
  exitOf(ccid: CCID): Promise<ProcessExit> {
    const name = dockerContainerName(this.opts.peer, ccid);
    const instance = this.instances.get(name);
    if (instance === undefined) return Promise.reject(new ContainerError('NOT_FOUND', `${name} not found`));
    return instance.exited;
  }

  private hostConfig(): Docker.HostConfig {
    const { LogConfig, ...rest } = this.opts.hostConfig;
    return LogConfig === undefined ? rest : { ...rest, LogConfig: { Type: LogConfig.Type, Config: LogConfig.Config } };
  }

  /**
   * Stops within `timeoutMs` (Docker's stop: SIGTERM, then SIGKILL when the time is up), kills
   * unless `dontKill`, removes unless `dontRemove`. A container that is already gone is stopped.
   */
  private async stopContainer(name: string, id: string, timeoutMs: number, dontKill: boolean, dontRemove: boolean, mustExist: boolean): Promise<void> {
    const { logger } = this.opts;
    const container = (d: Docker): Docker.Container => d.getContainer(id);
    // Set inside the call below; `as boolean` keeps TypeScript from taking it for always false.
    let gone = false as boolean;
    await this.engine.call(`stop container ${name}`, async (d) => {
      try {
        await container(d).stop({ t: Math.ceil(timeoutMs / 1000) });
      } catch (err) {
        // 304: it had stopped already; 404: it is not there.
        if (statusOf(err) === 404) gone = true;
        else if (statusOf(err) !== 304) throw err;
      }
    });
    if (gone && mustExist) throw new ContainerError('NOT_FOUND', `${name} not found`);
    if (!dontKill && !gone) await this.engine.call(`kill container ${name}`, (d) => container(d).kill(), [404, 409]);
    if (!dontRemove && !gone) await this.engine.call(`remove container ${name}`, (d) => container(d).remove({ force: true }), [404, 409]);
    logger.info('stopInternal', `Stopped container ${name}`);
  }

  /** Attaches to the container before it starts, so that none of its output is missed; its lines go to the peer's log. */
  private async attach(created: Docker.Container, name: string): Promise<{ tail: OutputTail; ended: Promise<void> }> {
    const output = this.opts.logging.logger(`peer.chaincode.${name}`);
    const tail = new OutputTail(this.keepLines, (line, stream) => {
      if (stream === 'stderr') output.warn('output', line);
      else output.info('output', line);
    });
    const stream = await this.engine.call(`attach to container ${name}`, (d) =>
      d.getContainer(created.id).attach({ stream: true, stdout: true, stderr: true, logs: true }),
    );
    if (stream === undefined) throw new ContainerError('START_FAILED', `attach to container ${name}: the engine gave no stream`);
    const demuxer = new DockerStreamDemuxer((kind, text) => tail.push(kind, text));
    stream.on('data', (chunk: Buffer) => demuxer.push(chunk));
    const ended = new Promise<void>((resolve) => {
      stream.once('end', resolve);
      stream.once('close', resolve);
      stream.once('error', (err: Error) => {
        this.opts.logger.debug('streamOutput', `container ${name} output: ${err.message}`);
        resolve();
      });
    }).then(() => {
      tail.end();
      this.opts.logger.debug('streamOutput', `Container ${name} has closed its IO channel`);
    });
    return { tail, ended };
  }

  /** Waits for the container's end: its exit code and its last lines (from the attached output, or else from its log). */
  private async exitOfContainer(created: Docker.Container, name: string, output: { tail: OutputTail; ended: Promise<void> } | undefined): Promise<ProcessExit> {
    const result = await this.engine.call(`wait for container ${name}`, (d) => d.getContainer(created.id).wait() as Promise<{ StatusCode: number }>, [404]);
    const exitCode = result?.StatusCode ?? -1;
    let lastLines: readonly string[];
    if (output !== undefined) {
      await Promise.race([output.ended, new Promise((resolve) => setTimeout(resolve, OUTPUT_DRAIN_MS).unref())]);
      lastLines = [...output.tail.last];
    } else {
      lastLines = await this.logTail(created, name);
    }
    const exit: ProcessExit = { exitCode, signal: null, lastLines };
    this.opts.logger.info('Wait', `container ${name} exited with ${exitSummary(exit)}`);
    return exit;
  }

  /** The container's last lines of output from its log, when its output was not attached. */
  private async logTail(created: Docker.Container, name: string): Promise<readonly string[]> {
    try {
      const log = await this.engine.call(`read the log of container ${name}`, (d) =>
        d.getContainer(created.id).logs({ stdout: true, stderr: true, follow: false, tail: this.keepLines }),
      );
      const tail = new OutputTail(this.keepLines, () => undefined);
      if (log !== undefined) new DockerStreamDemuxer((kind, text) => tail.push(kind, text)).push(Buffer.from(log));
      tail.end();
      return [...tail.last];
    } catch {
      return [];
    }
  }
}
