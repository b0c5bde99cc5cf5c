import { constants } from 'node:os';
import { uncaughtErrorOf } from './uncaught-error.js';

/** How a chaincode process ended. */
export interface ProcessExit {
  /** The exit code; 128 + n when signal n ended it (as a shell reports it); -1 when neither is known. */
  exitCode: number;
  signal: NodeJS.Signals | null;
  /** What it wrote last, stdout and stderr interleaved. */
  lastLines: readonly string[];
}

const signalNumbers: Partial<Record<string, number>> = constants.signals;

/** A shell's reading of how a process ended: its code, or 128 + n for signal n, or -1 when neither is known. */
export function exitCodeOf(code: number | null, signal: NodeJS.Signals | null): number {
  if (code !== null) return code;
  const n = signal === null ? undefined : signalNumbers[signal];
  return n === undefined ? -1 : 128 + n;
}

/** `137 (killed by SIGKILL)`: the exit code, and the signal behind it when there was one. */
export function exitSummary(exit: ProcessExit): string {
  if (exit.signal !== null) return `${exit.exitCode} (killed by ${exit.signal})`;
  // `npm start` reports a chaincode that signal n killed as its own exit code 128 + n.
  const n = exit.exitCode - 128;
  const name = n > 0 ? Object.entries(signalNumbers).find(([, number]) => number === n)?.[0] : undefined;
  return name === undefined ? `${exit.exitCode}` : `${exit.exitCode} (128 + ${name}: the chaincode was killed by ${name})`;
}

/**
 * What an error about the process's exit says: the summary, then the exception that ended it (its
 * first line and where it was thrown) when node reported one, else the last lines it wrote.
 */
export function describeExit(exit: ProcessExit): string {
  const summary = exitSummary(exit);
  const uncaught = uncaughtErrorOf(exit.lastLines);
  if (uncaught !== undefined) return `${summary}: ${uncaught.message}${uncaught.location === undefined ? '' : ` (at ${uncaught.location})`}`;
  if (exit.lastLines.length === 0) return summary;
  return `${summary}; last output:\n  ${exit.lastLines.join('\n  ')}`;
}
