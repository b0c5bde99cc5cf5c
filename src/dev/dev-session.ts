import { mkdir, stat, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { ClientContext } from '../client/client-context.js';
import { DeliverClient } from '../client/deliver-client.js';
import { dialAddress } from '../comm/dial-address.js';
import type { CoreConfig } from '../common/config/core-config.js';
import { loadCoreConfig } from '../common/config/load-core-config.js';
import { errorMessage } from '../common/errors/weft-error.js';
import { Logging } from '../common/logging/logging.js';
import { defaultCryptoDir, defaultOrgDir, defaultUserIdentity, DEFAULT_ORG } from '../msp/default-identities.js';
import { loadSigningIdentity } from '../msp/signing-identity.js';
import { Peer } from '../peer/peer.js';
import type { ModuleImporter } from '../scc/plugin-loader.js';
import { WEFT_VERSION } from '../version.js';
import { DevError, failureLine } from './dev-error.js';
import { deployDefinition, devPackageId, type DefinitionChoices } from './dev-deployment.js';
import { readDevProject, type DevProject } from './dev-project.js';
import { npmBuild, runNpm, startTypeScriptWatch, type BuildResult } from './project-build.js';
import { RunnerProcess } from './runner-process.js';
import { SourceWatcher } from './source-watcher.js';
import { TransactionLog } from './transaction-log.js';

export interface DevSessionOptions extends Omit<DefinitionChoices, 'collectionsConfig'> {
  projectDir: string;
  /** The chaincode's name on the channel, when not package.json's. */
  name?: string;
  collectionsConfig?: string;
  /** Run the chaincode under the Node inspector, listening here. */
  debug?: { host: string; port: number };
  /** The chaincode runner's script (dist/src/dev/chaincode-runner.js). */
  runnerScript: string;
  env: NodeJS.ProcessEnv;
  importModule?: ModuleImporter;
  /** Where weft dev's own lines go (standard output). */
  print: (line: string) => void;
}

// While a debugger holds the chaincode at a breakpoint, the peer and the Gateway wait this long for it.
const DEBUG_TIMEOUT_MS = 24 * 60 * 60 * 1000;
// A chaincode that dies sooner than this after starting is not restarted until the next change.
const CRASH_LOOP_MS = 2_000;
// How long a reload waits for the peer to see the old chaincode's stream end (it is this process: at once).
const DEREGISTER_WAIT_MS = 2_000;
// File times come from a coarser clock than Date.now(): a file a build wrote may seem a little older or newer.
const CLOCK_SLACK_MS = 20;
// How long stop() lets a reload under way finish.
const STOP_WAIT_MS = 5_000;

/**
 * `weft dev`: a peer with its embedded orderer in this process, its data in the project's
 * `.weft/`, in chaincode development mode; the project built, its definition committed through
 * `_lifecycle`, its chaincode run by a runner process that `weft dev` replaces on every change.
 */
export class DevSession {
  private project!: DevProject;
  private serving: RunnerProcess | undefined;
  private spare: RunnerProcess | undefined;
  private startedAt = 0;
  private queue: Promise<void> = Promise.resolve();
  private stopping = false;
  private readonly closers: Array<() => void | Promise<void>> = [];
  private readonly log: TransactionLog;
  private client!: ClientContext;
  // With a TypeScript watch, sources are rebuilt (and the chaincode reloaded) by it.
  private tsWatching = false;
  // Every runner process started, so that stop() leaves none behind.
  private readonly runners = new Set<RunnerProcess>();
  // When the last `npm run build` ran: the files it wrote come back as changes.
  private lastBuild: { startedAt: number; endedAt: number } | undefined;
  private peer!: Peer;

  private constructor(private readonly opts: DevSessionOptions) {
    this.log = new TransactionLog((line) => opts.print(line));
  }

  static async start(opts: DevSessionOptions): Promise<DevSession> {
    const session = new DevSession({ ...opts, projectDir: resolve(opts.projectDir) });
    try {
      await session.begin();
      return session;
    } catch (err) {
      await session.stop();
      throw err;
    }
  }

  /** The peer's address (its Gateway, Endorser and Deliver services). */
  get peerAddress(): string {
    return this.client.address;
  }

  async stop(): Promise<void> {
    this.stopping = true;
    for (const close of this.closers.reverse()) await close();
    this.closers.length = 0;
    // A reload under way ends first (the steps queued after it are skipped), so that it starts no runner after these stop.
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([this.queue, new Promise((resolve) => (timer = setTimeout(resolve, STOP_WAIT_MS)))]);
    clearTimeout(timer);
    await Promise.all([...this.runners].map(async (runner) => runner.stop()));
    this.runners.clear();
    this.serving = undefined;
    this.spare = undefined;
    await (this.peer as Peer | undefined)?.stop();
  }

  private async begin(): Promise<void> {
    const { opts } = this;
    const started = performance.now();
    this.project = await readDevProject(opts.projectDir, opts.name);
    const dataDir = join(opts.projectDir, '.weft');
    const config = await this.peerConfig(dataDir);
    await mkdir(dataDir, { recursive: true });
    // Nothing under .weft belongs in version control.
    await writeFile(join(dataDir, '.gitignore'), '*\n');
    await this.installDependencies();
    this.peer = await this.startPeer(config);
    const address = dialAddress(this.peer.listeners.peer.address, 'localhost');
    // weft dev's own calls (the definition, commit events) are made as the organisation's Admin; TLS is off in dev mode.
    const admin = defaultUserIdentity(defaultCryptoDir(dataDir), 'Admin');
    this.client = { address, signer: await loadSigningIdentity(admin.mspDir, config.peer.localMspId), tls: undefined };
    // Watching from before the first build: TypeScript's watch hears of changes through it.
    const watcher = await this.watchSources();
    const firstBuild = await this.firstBuild(watcher);
    const deployed = await deployDefinition(this.client, this.project, this.choices());
    opts.print(
      `${this.project.name} ${deployed.changed ? `defined at sequence ${deployed.sequence}` : `already defined at sequence ${deployed.sequence}`} on ${opts.channelId} (package ID ${deployed.packageId})`,
    );
    // A project that does not build or load yet is reported, and served once a change fixes it.
    if (!firstBuild.ok) this.opts.print(`build failed: ${failureLine(firstBuild.failure)}`);
    else await this.swapIn().catch((err: unknown) => this.reportFailure(err, ''));
    this.printConnection(dataDir);
    this.watchCommits();
    opts.print(`ready in ${Math.round(performance.now() - started)} ms: watching ${opts.projectDir} for changes (Ctrl-C stops)`);
  }

  private choices(): DefinitionChoices {
    const { opts } = this;
    return {
      channelId: opts.channelId,
      initRequired: opts.initRequired,
      ...(opts.signaturePolicy === undefined ? {} : { signaturePolicy: opts.signaturePolicy }),
      ...(opts.collectionsConfig === undefined ? {} : { collectionsConfig: resolve(opts.projectDir, opts.collectionsConfig) }),
    };
  }

  /** The environment the peer's config is read from: the user's, with the data in .weft. */
  private devEnv(dataDir: string): NodeJS.ProcessEnv {
    // The peer and weft dev's own client are the project's Org1MSP, whatever MSP the shell points at.
    const env: NodeJS.ProcessEnv = { ...this.opts.env, CORE_PEER_FILESYSTEMPATH: dataDir };
    delete env.CORE_PEER_MSPCONFIGPATH;
    delete env.CORE_PEER_LOCALMSPID;
    return env;
  }

  /** The peer's config: the user's (core.yaml, CORE_*), with the data in .weft, in chaincode dev mode. */
  private async peerConfig(dataDir: string): Promise<CoreConfig> {
    const config = await loadCoreConfig({ env: this.devEnv(dataDir) });
    if (config.peer.tls.enabled) {
      // The chaincode registers as the developer's process, with no client certificate the peer issued.
      throw new DevError('BAD_CONFIG', 'weft dev runs the peer in chaincode dev mode, which Fabric runs with TLS disabled: unset CORE_PEER_TLS_ENABLED (peer.tls.enabled)');
    }
    config.chaincode.mode = 'dev';
    return config;
  }

  private async startPeer(config: CoreConfig): Promise<Peer> {
    const { opts } = this;
    if (opts.debug !== undefined) {
      config.chaincode.executeTimeoutMs = DEBUG_TIMEOUT_MS;
      config.peer.gateway.endorsementTimeoutMs = DEBUG_TIMEOUT_MS;
    }
    // The peer's own log at warnings and above, unless the developer asks for more (FABRIC_LOGGING_SPEC).
    const logging = new Logging({ spec: opts.env.FABRIC_LOGGING_SPEC ?? 'warning' });
    return Peer.start({
      config,
      logging,
      version: WEFT_VERSION,
      join: [opts.channelId],
      // Rich queries use the indexes under the project's META-INF, as they would an installed package's.
      uninstalledPackageRoot: (packageId) => (packageId === devPackageId(this.project) ? opts.projectDir : undefined),
      ...(opts.importModule === undefined ? {} : { importModule: opts.importModule }),
    });
  }

  /** `npm install` when node_modules is missing or older than package.json. */
  private async installDependencies(): Promise<void> {
    const { projectDir } = this.opts;
    const modules = await stat(join(projectDir, 'node_modules')).catch(() => undefined);
    const manifest = await stat(join(projectDir, 'package.json'));
    if (modules !== undefined && modules.mtimeMs >= manifest.mtimeMs) return;
    this.opts.print('installing dependencies (npm install)');
    const { code, output } = await runNpm(projectDir, ['install', '--no-audit', '--no-fund']);
    if (code !== 0) throw new DevError('INSTALL_FAILED', `npm install failed (exit ${code}): ${output.trim().split('\n').slice(-5).join('\n')}`);
  }

  /** The first build; with `tsc`, the watch whose later builds trigger reloads. */
  private async firstBuild(watcher: SourceWatcher): Promise<BuildResult> {
    const { build } = this.project;
    if (build.kind === 'none') return { ok: true, ms: 0 };
    if (build.kind === 'tsc') {
      let first: ((result: BuildResult) => void) | undefined;
      const built = new Promise<BuildResult>((resolve) => (first = resolve));
      const watch = startTypeScriptWatch(this.opts.projectDir, build.tsconfig, watcher, (result) => {
        if (first !== undefined) {
          first(result);
          first = undefined;
        } else {
          this.onBuilt(result);
        }
      });
      if (watch !== undefined) {
        this.opts.print(`building with ${build.tsconfig} (TypeScript's watch mode)`);
        this.closers.push(() => watch.close());
        this.tsWatching = true;
        return built;
      }
    }
    this.opts.print('building (npm run build)');
    const startedAt = Date.now();
    const built = await npmBuild(this.opts.projectDir);
    this.lastBuild = { startedAt, endedAt: Date.now() };
    return built;
  }

  private onBuilt(result: BuildResult): void {
    if (!result.ok) {
      this.opts.print(`build failed: ${failureLine(result.failure)}${this.serving === undefined ? '' : '\n  the previous build keeps serving'}`);
      return;
    }
    this.enqueue(async () => this.reload(performance.now() - result.ms));
  }

  private async watchSources(): Promise<SourceWatcher> {
    const watcher = new SourceWatcher({ dir: this.opts.projectDir, ignore: this.project.outputDirs, onChange: (paths) => this.onSourcesChanged(paths) });
    this.closers.push(async () => watcher.close());
    await watcher.ready();
    return watcher;
  }

  private onSourcesChanged(paths: readonly string[]): void {
    const changedAt = performance.now();
    const { projectDir, collectionsConfig } = this.opts;
    const collections = collectionsConfig === undefined ? undefined : resolve(projectDir, collectionsConfig);
    if (paths.some((path) => path === 'package.json' || resolve(projectDir, path) === collections)) {
      this.enqueue(async () => this.redefine(changedAt));
      return;
    }
    if (this.tsWatching) return;
    this.enqueue(async () => {
      if (this.project.build.kind !== 'none') {
        // What the last build wrote (its output, wherever it goes) is no change to build again for.
        if (await this.allWrittenByLastBuild(paths)) return;
        const startedAt = Date.now();
        const built = await npmBuild(projectDir);
        this.lastBuild = { startedAt, endedAt: Date.now() };
        if (!built.ok) {
          this.onBuilt(built);
          return;
        }
      }
      await this.reload(changedAt);
    });
  }

  private async allWrittenByLastBuild(paths: readonly string[]): Promise<boolean> {
    const build = this.lastBuild;
    if (build === undefined) return false;
    for (const path of paths) {
      const modified = (await stat(join(this.opts.projectDir, path)).catch(() => undefined))?.mtimeMs;
      if (modified === undefined || modified < build.startedAt - CLOCK_SLACK_MS || modified > build.endedAt + CLOCK_SLACK_MS) return false;
    }
    return true;
  }

  /** package.json or the collections changed: install, define anew when the definition differs, reload. */
  private async redefine(changedAt: number): Promise<void> {
    const before = this.project;
    this.project = await readDevProject(this.opts.projectDir, this.opts.name);
    if (before.dependencies !== this.project.dependencies) {
      await this.installDependencies();
      // The spare loaded the old dependencies.
      await this.dropSpare();
    }
    const deployed = await deployDefinition(this.client, this.project, this.choices());
    if (deployed.changed) this.opts.print(`${this.project.name} defined at sequence ${deployed.sequence} (package ID ${deployed.packageId})`);
    if (devPackageId(before) !== deployed.packageId) {
      // The chaincode registers under the new package ID: the spare was made for the old one.
      await this.dropSpare();
    }
    await this.reload(changedAt);
  }

  /** Runs steps one at a time: a change that comes during a reload is handled after it. */
  private enqueue(step: () => Promise<void>): void {
    this.queue = this.queue
      .then(async () => {
        if (!this.stopping) await step();
      })
      .catch((err: unknown) => this.reportFailure(err, this.serving === undefined ? '' : '\n  the previous build keeps serving'));
  }

  private reportFailure(err: unknown, after: string): void {
    const failure = err instanceof DevError ? err.failure : undefined;
    this.opts.print(`${failure === undefined ? errorMessage(err) : failureLine(failure)}${after}`);
  }

  private async reload(changedAt: number): Promise<void> {
    await this.swapIn();
    this.opts.print(`reloaded in ${Math.round(performance.now() - changedAt)} ms`);
  }

  /**
   * Loads the project's current code into the spare runner; once it has loaded, the serving runner
   * stops and the spare registers in its place. A spare that fails to load is thrown away and the
   * serving runner goes on.
   */
  private async swapIn(): Promise<void> {
    await this.checkEntryFile();
    const next = this.spare?.alive === true ? this.spare : this.newRunner();
    this.spare = undefined;
    try {
      await next.load();
    } catch (err) {
      await this.retire(next);
      if (!this.stopping) this.spare = this.newRunner();
      throw err;
    }
    if (this.serving !== undefined) {
      await this.retire(this.serving, { drain: true });
      // The peer refuses a second registration under one name: the old stream must have ended there first.
      await this.untilDeregistered(devPackageId(this.project));
    }
    this.serving = next;
    this.startedAt = performance.now();
    const inspector = await next.start(this.opts.debug);
    if (inspector !== undefined) this.opts.print(`debugger listening on ${inspector} (VS Code: "Attach" to ${this.opts.debug?.host ?? ''}:${this.opts.debug?.port ?? ''}; Chrome: chrome://inspect)`);
    if (!this.stopping) this.spare = this.newRunner();
  }

  private async dropSpare(): Promise<void> {
    const { spare } = this;
    this.spare = undefined;
    if (spare !== undefined) await this.retire(spare);
  }

  private async retire(runner: RunnerProcess, opts: { drain?: boolean } = {}): Promise<void> {
    await runner.stop(opts);
    this.runners.delete(runner);
  }

  private async untilDeregistered(chaincodeId: string): Promise<void> {
    const deadline = performance.now() + DEREGISTER_WAIT_MS;
    while (this.peer.chaincodeSupport.running().some((cc) => cc.name === chaincodeId) && performance.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 1));
    }
  }

  /** The file the chaincode loads first must be there: a TypeScript project's is made by its build. */
  private async checkEntryFile(): Promise<void> {
    const { entryFile, build, shimEntry } = this.project;
    const base = join(this.opts.projectDir, entryFile);
    for (const candidate of [base, `${base}.js`, `${base}.cjs`, join(base, 'index.js')]) {
      if ((await stat(candidate).catch(() => undefined))?.isFile() === true) return;
    }
    const what = shimEntry === undefined ? `its "main" file, ${entryFile},` : `the file its start script runs, ${entryFile},`;
    const how = build.kind === 'none' ? 'give the project a build script (a TypeScript project: "build": "tsc") or point it at a file the project has' : 'its build did not write it: check the build\'s output folder';
    throw new DevError('CHAINCODE_FAILED', `${what} does not exist: ${how}`);
  }

  private newRunner(): RunnerProcess {
    if (this.stopping) throw new DevError('CHAINCODE_FAILED', 'weft dev is stopping');
    const { project } = this;
    const runner: RunnerProcess = new RunnerProcess({
      script: this.opts.runnerScript,
      projectDir: this.opts.projectDir,
      shimEntry: project.shimEntry,
      peerAddress: dialAddress(this.peer.listeners.chaincode.address),
      chaincodeId: devPackageId(project),
      onOutput: (line) => this.opts.print(`[${project.name}] ${line}`),
      onTransaction: (tx) => this.log.executed(tx),
      onExit: (code, signal) => {
        this.runners.delete(runner);
        if (this.stopping || this.serving !== runner) return;
        this.serving = undefined;
        const quick = performance.now() - this.startedAt < CRASH_LOOP_MS;
        this.opts.print(`the chaincode process exited (${signal ?? `code ${String(code)}`})${quick ? '; it starts again on the next change' : '; starting it again'}`);
        if (!quick) this.enqueue(async () => this.swapIn());
      },
    });
    this.runners.add(runner);
    return runner;
  }

  /** Each committed transaction of the chaincode, with its validation code and events, from the peer's DeliverFiltered. */
  private watchCommits(): void {
    const abort = new AbortController();
    this.closers.push(() => abort.abort());
    const run = async (): Promise<void> => {
      const deliver = await DeliverClient.connect(this.client.address, { service: 'peer', signer: this.client.signer, tls: this.client.tls });
      this.closers.push(() => deliver.close());
      for await (const block of deliver.filteredBlocks({ channelId: this.opts.channelId, start: 'next-commit' }, abort.signal)) this.log.committed(block);
    };
    run().catch((err: unknown) => {
      if (!abort.signal.aborted) this.opts.print(`commit events stopped: ${errorMessage(err)}`);
    });
  }

  private printConnection(dataDir: string): void {
    const cryptoDir = defaultCryptoDir(dataDir);
    const user = defaultUserIdentity(cryptoDir, 'User1').mspDir;
    this.opts.print(
      [
        'Gateway clients connect with:',
        `  endpoint      ${this.client.address} (no TLS)`,
        `  MSP ID        ${DEFAULT_ORG.mspId}`,
        `  certificate   ${join(user, 'signcerts')}/`,
        `  private key   ${join(user, 'keystore')}/`,
        `  crypto path   ${defaultOrgDir(cryptoDir)}`,
        `  channel       ${this.opts.channelId}, chaincode ${this.project.name}`,
      ].join('\n'),
    );
  }
}
