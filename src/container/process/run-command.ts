import { spawn } from 'node:child_process';
import { OutputTail } from './output-tail.js';
import { exitCodeOf } from './process-exit.js';

export interface CommandResult {
  /** The exit code, or 128 + the signal's number when a signal ended it. */
  exitCode: number;
  signal: NodeJS.Signals | null;
  /** Its last lines of output, stdout and stderr interleaved. */
  lastLines: readonly string[];
}

export interface RunCommandOptions {
  command: string;
  args: string[];
  cwd: string;
  env: Record<string, string>;
  onLine(line: string): void;
  keepLines?: number;
  /** Aborting kills the command (SIGTERM) and rejects with the signal's reason. */
  signal?: AbortSignal | undefined;
}

/** Runs a command to its end, passing its output on line by line. Rejects only when it cannot be spawned. */
export function runCommand(opts: RunCommandOptions): Promise<CommandResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(opts.command, opts.args, {
      cwd: opts.cwd,
      env: opts.env,
      stdio: ['ignore', 'pipe', 'pipe'],
      ...(opts.signal !== undefined ? { signal: opts.signal } : {}),
    });
    const tail = new OutputTail(opts.keepLines ?? 20, (line) => opts.onLine(line));
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => tail.push('stdout', chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => tail.push('stderr', chunk));
    child.on('error', reject);
    child.on('close', (code, signal) => {
      tail.end();
      resolve({ exitCode: exitCodeOf(code, signal), signal, lastLines: tail.last });
    });
  });
}
