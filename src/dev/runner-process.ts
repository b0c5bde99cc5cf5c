import { fork, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { DevError, failureLine } from './dev-error.js';
import type { RunnerCommand, RunnerFailure, RunnerReport, RunnerTransaction } from './runner-protocol.js';

/** How `weft dev` runs its project's chaincode. */
export interface RunnerOptions {
  /** The runner's script (chaincode-runner.js). */
  script: string;
  projectDir: string;
  /** `node <file>`'s file for a fabric-shim chaincode; undefined for fabric-contract-api contracts. */
  shimEntry: string | undefined;
  /** The peer's chaincode listener, and the name the chaincode registers as (its package ID). */
  peerAddress: string;
  chaincodeId: string;
  /** The chaincode's own output, a line at a time. */
  onOutput(line: string, stream: 'stdout' | 'stderr'): void;
  onTransaction(tx: RunnerTransaction): void;
  /** The process ended while it was the one serving. */
  onExit(code: number | null, signal: NodeJS.Signals | null): void;
}

const STOP_GRACE_MS = 1_000;
// A reload waits this long at most for the calls the old chaincode is running.
const DRAIN_MS = 1_000;

/** A failure of the project's code (loading or starting it), with where it was thrown. */
function runnerFailed(failure: RunnerFailure): DevError {
  return new DevError('CHAINCODE_FAILED', failureLine(failure), failure);
}

/**
 * One chaincode runner process: forked at once (it loads fabric-shim while nothing waits for it),
 * then loaded with the project's code and started on request. Only a started runner reports its
 * exit: a spare that dies is replaced without a word.
 */
export class RunnerProcess {
  private readonly child: ChildProcess;
  private readonly exited: Promise<void>;
  private waiting: { want: RunnerReport['type']; resolve(report: RunnerReport): void } | undefined;
  private serving = false;
  private readonly ready: Promise<RunnerReport>;

  /** What any wait learns once the process has exited. */
  private gone: RunnerReport | undefined;

  constructor(private readonly opts: RunnerOptions) {
    const mode = opts.shimEntry === undefined ? ['contract'] : ['shim', opts.shimEntry];
    this.child = fork(opts.script, [opts.projectDir, ...mode, `--peer.address=${opts.peerAddress}`], {
      cwd: opts.projectDir,
      env: {
        ...process.env,
        CORE_CHAINCODE_ID_NAME: opts.chaincodeId,
        CORE_PEER_TLS_ENABLED: 'false',
        // fabric-shim's own info lines (each decorator, each registration) would bury the chaincode's output.
        CORE_CHAINCODE_LOGGING_LEVEL: process.env.CORE_CHAINCODE_LOGGING_LEVEL ?? 'warning',
      },
      // Stacks name the TypeScript a compiled project was written in, where it has source maps.
      execArgv: ['--enable-source-maps'],
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    });
    for (const stream of ['stdout', 'stderr'] as const) {
      const source = this.child[stream];
      if (source !== null) createInterface({ input: source }).on('line', (line) => opts.onOutput(line, stream));
    }
    this.child.on('message', (report: RunnerReport) => this.onReport(report));
    this.exited = new Promise((resolve) => {
      this.child.once('exit', (code, signal) => {
        this.gone = { type: 'load-failed', failure: { message: `the chaincode process exited (${signal ?? `code ${String(code)}`}) before it was ready` } };
        this.waiting?.resolve(this.gone);
        this.waiting = undefined;
        if (this.serving) opts.onExit(code, signal);
        resolve();
      });
    });
    this.child.on('error', () => undefined);
    this.ready = this.next('ready');
  }

  /** Whether the process is still running (a spare that died waiting is replaced, not used). */
  get alive(): boolean {
    return this.gone === undefined;
  }

  /** Loads the project's chaincode; rejects with a DevError naming what the project's code threw. */
  async load(): Promise<void> {
    const ready = await this.ready;
    if (isFailure(ready)) throw runnerFailed(ready.failure);
    const loaded = this.next('loaded');
    this.command({ type: 'load' });
    const report = await loaded;
    if (isFailure(report)) throw runnerFailed(report.failure);
  }

  /** Registers with the peer; resolves the inspector's URL when asked to open one. */
  async start(inspect?: { host: string; port: number }): Promise<string | undefined> {
    const started = this.next('started');
    this.command(inspect === undefined ? { type: 'start' } : { type: 'start', inspect });
    const report = await started;
    if (isFailure(report)) throw runnerFailed(report.failure);
    this.serving = true;
    return report.type === 'started' ? report.inspector : undefined;
  }

  /**
   * Stops the process (SIGTERM, then SIGKILL); quietly: its end is not reported. With `drain`, the
   * calls it is running end first (for up to a second), so that a reload fails no transaction.
   */
  async stop(opts: { drain?: boolean } = {}): Promise<void> {
    this.serving = false;
    if (opts.drain === true && this.child.connected) {
      const drained = this.next('drained');
      this.command({ type: 'drain' });
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([drained, new Promise((resolve) => (timer = setTimeout(resolve, DRAIN_MS)))]);
      clearTimeout(timer);
    }
    if (this.child.exitCode === null && this.child.signalCode === null) {
      this.child.kill('SIGTERM');
      const timer = setTimeout(() => this.child.kill('SIGKILL'), STOP_GRACE_MS);
      await this.exited;
      clearTimeout(timer);
    }
  }

  private command(command: RunnerCommand): void {
    if (this.child.connected) this.child.send(command);
  }

  /** The next report of `want` (or a failure, which ends any wait). */
  private async next(want: RunnerReport['type']): Promise<RunnerReport> {
    const { gone } = this;
    if (gone !== undefined) return gone;
    return new Promise((resolve) => {
      this.waiting = { want, resolve };
    });
  }

  private onReport(report: RunnerReport): void {
    if (report.type === 'transaction') {
      this.opts.onTransaction(report.tx);
      return;
    }
    const waiting = this.waiting;
    if (waiting !== undefined && (report.type === waiting.want || isFailure(report))) {
      this.waiting = undefined;
      waiting.resolve(report);
    }
  }
}

function isFailure(report: RunnerReport): report is Extract<RunnerReport, { failure: RunnerFailure }> {
  return report.type === 'load-failed' || report.type === 'start-failed';
}
