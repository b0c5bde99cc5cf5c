import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after } from 'node:test';

// Every process a test file starts is killed when the file ends, whatever its tests did: a peer
// left running would keep the test runner waiting forever.
const live = new Set<ChildProcess>();
// The peers' folders of a test file, removed at its end.
const folders: string[] = [];
after(() => {
  for (const child of live) child.kill('SIGKILL');
  for (const dir of folders) rmSync(dir, { recursive: true, force: true });
});

/** The CLI as a user runs it: the package's bin script. */
export const WEFT_BIN = fileURLToPath(new URL('../../../bin/weft.cjs', import.meta.url));

/** A real `weft` process whose log lines (stderr) are collected as they come. */
export class WeftProcess {
  readonly lines: string[] = [];
  stdout = '';
  private readonly child: ChildProcess;
  private readonly exited: Promise<number | null>;
  private listeners: Array<() => void> = [];

  constructor(args: string[], env: NodeJS.ProcessEnv) {
    this.child = spawn(process.execPath, [WEFT_BIN, ...args], {
      // Out of the working tree: a CLI run without a peer's folder makes its default crypto there.
      env: { PATH: process.env.PATH, CORE_PEER_FILESYSTEMPATH: scratchDir(), ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    live.add(this.child);
    this.child.on('exit', () => live.delete(this.child));
    let partial = '';
    this.child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
      partial += chunk;
      const parts = partial.split('\n');
      partial = parts.pop() ?? '';
      this.lines.push(...parts);
      for (const notify of this.listeners) notify();
    });
    this.child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (this.stdout += chunk));
    this.exited = new Promise((resolve) => this.child.on('exit', (code) => {
      if (partial !== '') this.lines.push(partial);
      for (const notify of this.listeners) notify();
      resolve(code);
    }));
  }

  /** Waits for a log line matching `pattern`; fails with the log so far when the process exits first. */
  async waitFor(pattern: RegExp, timeoutMs = 15_000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.lines.find((l) => pattern.test(l));
      if (found !== undefined) return found;
      if (this.child.exitCode !== null || Date.now() > deadline) {
        throw new Error(`no line matching ${String(pattern)} (exit ${String(this.child.exitCode)}); log:\n${this.lines.join('\n')}`);
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 50);
        this.listeners.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
      this.listeners = [];
    }
  }

  /**
   * Waits for standard output to match `pattern` in what came after `from` characters of it (so
   * that a test can wait for the next occurrence); resolves the match and where it ended.
   */
  async waitForOutput(pattern: RegExp, from = 0, timeoutMs = 30_000): Promise<{ match: RegExpExecArray; end: number }> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const match = pattern.exec(this.stdout.slice(from));
      if (match !== null) return { match, end: from + match.index + match[0].length };
      if (this.child.exitCode !== null || Date.now() > deadline) {
        throw new Error(`no output matching ${String(pattern)} (exit ${String(this.child.exitCode)}); output:\n${this.stdout}\nlog:\n${this.lines.join('\n')}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }

  /** Sends a signal and resolves with the exit code. */
  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<number | null> {
    this.child.kill(signal);
    return this.exited;
  }

  exitCode(): Promise<number | null> {
    return this.exited;
  }
}

let scratch: string | undefined;

/** A data folder for processes a test starts without one of their own. */
function scratchDir(): string {
  if (scratch === undefined) {
    scratch = mkdtempSync(join(tmpdir(), 'weft-scratch-'));
    folders.push(scratch);
  }
  return scratch;
}

/** The message part of a Fabric log line: what follows `LEVEL seq `. */
export function messageOf(line: string): string {
  return line.replace(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3} UTC \[[^\]]+\] \S+ -> [A-Z]{4} [0-9a-f]{3,} /, '');
}

/** Runs a short `weft` command to its end: its exit code, standard output and standard error. */
export async function runWeft(args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const proc = new WeftProcess(args, env);
  const code = await proc.exitCode();
  return { code, stdout: proc.stdout, stderr: proc.lines.join('\n') };
}

/** The address a running peer's Endorser service bound, from its log. */
export async function peerAddressOf(proc: WeftProcess): Promise<string> {
  return (await proc.waitFor(/Peer server listening on/)).replace(/^.* listening on /, '').replace(/ \(TLS.*\)$/, '');
}

/**
 * `weft node start <args>` on a fresh data folder (or the one CORE_PEER_FILESYSTEMPATH names in
 * `env`, to restart a peer on its folder) and free ports, once it has started: the process, the
 * environment the CLI needs to reach it, and where chaincodes connect.
 */
export async function startPeerProcess(
  args: string[],
  env: NodeJS.ProcessEnv = {},
): Promise<{ peer: WeftProcess; client: NodeJS.ProcessEnv; chaincodeAddress: string }> {
  let data = env.CORE_PEER_FILESYSTEMPATH;
  if (data === undefined) {
    const dir = mkdtempSync(join(tmpdir(), 'weft-peer-'));
    folders.push(dir);
    data = join(dir, 'data');
  }
  const peer = new WeftProcess(['node', 'start', ...args], {
    CORE_PEER_FILESYSTEMPATH: data,
    CORE_PEER_CHAINCODELISTENADDRESS: '127.0.0.1:0',
    CORE_PEER_LISTENADDRESS: '127.0.0.1:0', CORE_PEER_ORDERER_LISTENADDRESS: '127.0.0.1:0', CORE_PEER_ORDERER_ADMINLISTENADDRESS: '127.0.0.1:0',
    ...env,
  });
  // The CLI finds the peer, and its default identity (the Admin of the crypto the peer made), by
  // these; it reads the peer's core.yaml and TLS settings too, to speak TLS when the peer does.
  const shared = Object.entries(env).filter(([key]) => key === 'FABRIC_CFG_PATH' || key.startsWith('CORE_PEER_TLS_'));
  const client = { ...Object.fromEntries(shared), CORE_PEER_ADDRESS: await peerAddressOf(peer), CORE_PEER_FILESYSTEMPATH: data };
  const chaincodeAddress = (await peer.waitFor(/Chaincode server listening on/)).replace(/^.* listening on /, '');
  await peer.waitFor(/Started peer/);
  return { peer, client, chaincodeAddress };
}
