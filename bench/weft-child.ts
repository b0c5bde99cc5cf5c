import { spawn, type ChildProcess } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { endWithBenchmark } from './harness.js';

/** The CLI as a user runs it: the package's bin script. */
export const WEFT_BIN = fileURLToPath(new URL('../../bin/weft.cjs', import.meta.url));

// The kernel's clock ticks per second, which /proc/<pid>/stat counts CPU time in.
const CLOCK_TICKS = 100;

/**
 * A long-running `weft` process (a peer, an orderer, weft dev) a benchmark measures from outside: its log
 * (stderr, and stdout) is kept so that the benchmark can wait for the lines that say where it listens.
 */
export class WeftChild {
  private log = '';
  private readonly exited: Promise<number | null>;

  private constructor(private readonly child: ChildProcess) {
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (this.log += chunk));
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (this.log += chunk));
    this.exited = new Promise((resolve) => child.once('exit', resolve));
  }

  /** `nodeArgs` go to node itself (--cpu-prof, say: NODE_OPTIONS does not take it). */
  static start(args: string[], env: NodeJS.ProcessEnv, nodeArgs: readonly string[] = []): WeftChild {
    return new WeftChild(endWithBenchmark(spawn(process.execPath, [...nodeArgs, WEFT_BIN, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] })));
  }

  /** What it has printed so far (standard error and output). */
  get output(): string {
    return this.log;
  }

  get pid(): number {
    return this.child.pid ?? 0;
  }

  /** The first capture group of the first log line matching `pattern`; fails with the log when the process exits first. */
  async waitFor(pattern: RegExp, timeoutMs = 30_000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const match = pattern.exec(this.log);
      if (match !== null) return match[1] ?? match[0];
      if (this.child.exitCode !== null || Date.now() > deadline) {
        throw new Error(`weft (pid ${String(this.pid)}) logged no line matching ${String(pattern)} (exit ${String(this.child.exitCode)}):\n${this.log}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  /** SIGKILL, as a crash or the OOM killer ends it; then the exit. */
  async kill(): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGKILL');
    await this.exited;
  }

  /** SIGTERM, then the exit. */
  async stop(): Promise<void> {
    if (this.child.exitCode === null) this.child.kill('SIGTERM');
    await this.exited;
  }
}

/** Runs a short `weft` command (the CLI) to its end; fails with its standard error unless it exits 0. */
export function runWeftCli(args: string[], env: NodeJS.ProcessEnv): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [WEFT_BIN, ...args], { env, stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (err += chunk));
    child.once('exit', (code) => {
      if (code === 0) resolve();
      else reject(new Error(`weft ${args.join(' ')} failed (${String(code)}): ${err}`));
    });
  });
}

/** A process's user + system CPU time so far, in milliseconds, from the kernel's own counters. */
export async function cpuMs(pid: number): Promise<number> {
  const stat = await readFile(`/proc/${String(pid)}/stat`, 'utf8');
  // The command name (field 2) may hold spaces; the fields after it are space-separated.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS;
}

/** Every living descendant of `pid` (a peer's chaincodes and the npm and shell they run under). */
export async function descendants(pid: number): Promise<number[]> {
  const found: number[] = [];
  const pending = [pid];
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    let children: string;
    try {
      // Lists the children of the main thread only, which is every child a Node.js process spawns.
      children = await readFile(`/proc/${String(next)}/task/${String(next)}/children`, 'utf8');
    } catch {
      continue;
    }
    for (const child of children.split(' ').filter((s) => s !== '').map(Number)) {
      found.push(child);
      pending.push(child);
    }
  }
  return found;
}

/** The summed CPU time (ms) of a set of processes; one that has exited meanwhile counts nothing. */
export async function cpuMsOf(pids: readonly number[]): Promise<number> {
  const each = await Promise.all(pids.map((pid) => cpuMs(pid).catch(() => 0)));
  return each.reduce((a, b) => a + b, 0);
}

/** The environment of a `weft node start` on the data folder `data`, every listener on a free port, with `extra` over it. */
export function freePortPeerEnv(data: string, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    CORE_PEER_FILESYSTEMPATH: data,
    CORE_PEER_LISTENADDRESS: '127.0.0.1:0',
    CORE_PEER_CHAINCODELISTENADDRESS: '127.0.0.1:0',
    CORE_PEER_ORDERER_LISTENADDRESS: '127.0.0.1:0',
    CORE_PEER_ORDERER_ADMINLISTENADDRESS: '127.0.0.1:0',
    ...extra,
  };
}
