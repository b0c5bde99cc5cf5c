import type { ChildProcess } from 'node:child_process';

/** One benchmark figure, printed as one JSON line so runs can be compared. */
export type Report = (bench: string, value: number, unit: string) => void;

export interface Benchmark {
  name: string;
  run(report: Report): Promise<void>;
}

export function median(values: number[]): number {
  if (values.length === 0) throw new RangeError('median of no values');
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

export function percentile(values: number[], p: number): number {
  if (values.length === 0) throw new RangeError('percentile of no values');
  const sorted = [...values].sort((a, b) => a - b);
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index] as number;
}

/** Rounds a figure to a precision that keeps JSON lines readable. */
export function round(value: number, digits = 3): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

/**
 * Runs `one` `total` times, `inFlight` at a time; resolves the calls per second and the value
 * each call resolved (a latency, say), in completion order.
 */
export async function runInFlight<T>(one: () => Promise<T>, inFlight: number, total: number): Promise<{ perSecond: number; results: T[] }> {
  let started = 0;
  const results: T[] = [];
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      while (started < total) {
        started++;
        results.push(await one());
      }
    }),
  );
  return { perSecond: total / ((performance.now() - t0) / 1000), results };
}

/**
 * Stops a long-running child (a peer, a server) when the benchmark process exits before it has: a
 * benchmark piped into `head` ends at its next line, and its peers would otherwise go on holding
 * their ports. SIGTERM, so that a peer stops its own chaincodes too.
 */
export function endWithBenchmark<T extends ChildProcess>(child: T): T {
  const stop = (): void => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
  };
  process.once('exit', stop);
  child.once('exit', () => process.removeListener('exit', stop));
  return child;
}
