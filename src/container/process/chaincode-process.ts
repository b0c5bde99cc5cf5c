import { spawn, type ChildProcess } from 'node:child_process';
import type { Logger } from '../../common/logging/logging.js';
import { OutputTail } from './output-tail.js';
import { exitCodeOf, type ProcessExit } from './process-exit.js';

/** Where a chaincode's output lines go: stdout at info, stderr at warning, spawn trouble at debug. */
export type ChaincodeOutput = Pick<Logger, 'debug' | 'info' | 'warn'>;

export interface ChaincodeProcessOptions {
  command: string;
  args: string[];
  cwd: string;
  env: Record<string, string>;
  /** Gets each line the chaincode writes, under the chaincode's own logger. */
  output: ChaincodeOutput;
  /** How many of its last lines to keep for error messages. */
  keepLines: number;
}

/**
 * Started in front of the chaincode's command (`sh -c WATCHDOG sh command args...`): keeps the
 * read end of a pipe whose write end only the peer holds, then execs the command, which so keeps
 * the pid (and the process group) the peer knows. A background watcher blocks on that pipe: it
 * reads end-of-file once the peer is gone, however it went (SIGKILL included), and then ends the
 * group: SIGTERM, and SIGKILL a little later. A shim does not always exit when its stream breaks
 * (a chaincode with a timer, one still starting), and Linux's PR_SET_PDEATHSIG is out of Node's
 * reach; this costs a shell and a `cat`, not another Node.js. The watcher ignores SIGTERM, so that
 * it outlives the group's SIGTERM to send the SIGKILL; when the peer stops a chaincode itself, it
 * kills the group once its leader has ended, watcher included.
 */
const WATCHDOG = [
  'exec 3<&0 0</dev/null',
  "(trap '' TERM; cat >/dev/null; kill -TERM 0; sleep 2; kill -KILL 0) <&3 3<&- &",
  'exec 3<&- "$@"',
].join('\n');

/**
 * One chaincode running as a child process. It leads its own process group, so that signals
 * reach the whole tree (when `npm start` runs the chaincode, under a shell, as well as when node
 * runs it alone), and whatever is left of the tree is killed when its leader ends; a watchdog in
 * the group ends it when the peer is gone.
 */
export class ChaincodeProcess {
  readonly exited: Promise<ProcessExit>;
  private readonly child: ChildProcess;
  private ended = false;

  private constructor(child: ChildProcess, exited: Promise<ProcessExit>) {
    this.child = child;
    this.exited = exited.finally(() => {
      this.ended = true;
    });
  }

  /**
   * Spawns the process; resolves once it is running, rejects when the shell cannot be spawned. A
   * command the shell cannot run exits with 127, its output saying why.
   */
  static async start(opts: ChaincodeProcessOptions): Promise<ChaincodeProcess> {
    const child = spawn('/bin/sh', ['-c', WATCHDOG, 'sh', opts.command, ...opts.args], {
      cwd: opts.cwd,
      env: opts.env,
      detached: true,
      // stdin: the pipe the watchdog waits on; the peer never writes to it nor closes it.
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const tail = new OutputTail(opts.keepLines, (line, stream) => {
      if (stream === 'stderr') opts.output.warn('output', line);
      else opts.output.info('output', line);
    });
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => tail.push('stdout', chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => tail.push('stderr', chunk));
    await new Promise<void>((resolve, reject) => {
      child.once('spawn', resolve);
      child.once('error', reject);
    });
    // Failing to signal a process that has just ended is not worth more than a debug line.
    child.on('error', (err) => opts.output.debug('error', err.message));
    const exited = new Promise<ProcessExit>((resolve) => {
      child.once('exit', (code, signal) => {
        killGroup(child, 'SIGKILL');
        const done = (): void => {
          clearTimeout(timer);
          tail.end();
          resolve({ exitCode: exitCodeOf(code, signal), signal, lastLines: [...tail.last] });
        };
        // The pipes may still hold its last words: 'close' comes once they are drained, unless
        // something that left the group holds them open.
        const timer = setTimeout(done, PIPE_DRAIN_MS);
        child.once('close', done);
      });
    });
    return new ChaincodeProcess(child, exited);
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  get running(): boolean {
    return !this.ended;
  }

  /** SIGTERM to the process group; SIGKILL after `timeoutMs` unless `dontKill`. Resolves once it has ended. */
  async stop(timeoutMs: number, dontKill: boolean): Promise<ProcessExit> {
    if (this.ended) return this.exited;
    killGroup(this.child, 'SIGTERM');
    let timer: NodeJS.Timeout | undefined;
    if (!dontKill) timer = setTimeout(() => killGroup(this.child, 'SIGKILL'), timeoutMs);
    try {
      return await this.exited;
    } finally {
      clearTimeout(timer);
    }
  }
}

const PIPE_DRAIN_MS = 1000;

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // The group is already gone.
  }
}
