import { newChaincodeMetrics, type ChaincodeMetrics } from '../src/chaincode/chaincode-metrics.js';
import type { MessageTrace } from '../src/chaincode/handler.js';
import { PrometheusProvider } from '../src/common/metrics/prometheus-provider.js';
import { ConversationTrace } from '../src/operations/trace/conversation-trace.js';

/** What a chaincode stack under measurement records: nothing, metrics, or metrics and the conversation trace. */
export interface Observability {
  /** The suffix of the benchmark's figure: '' (both off), '_metrics', '_trace' (metrics and trace on). */
  suffix: '' | '_metrics' | '_trace';
  metrics: ChaincodeMetrics | undefined;
  trace: MessageTrace | undefined;
}

/** The three settings the operations issue compares, each with its own provider and trace. */
export function observabilityVariants(): Observability[] {
  return [
    { suffix: '', metrics: undefined, trace: undefined },
    { suffix: '_metrics', metrics: newChaincodeMetrics(new PrometheusProvider()), trace: undefined },
    // The trace's default ring size (chaincode.trace.size).
    { suffix: '_trace', metrics: newChaincodeMetrics(new PrometheusProvider()), trace: new ConversationTrace({ size: 1000 }) },
  ];
}

/**
 * Measures each variant `rounds` times, all of them in each round, starting each round with the
 * next one (so that none always runs first or last) and collecting garbage before each
 * measurement (with --expose-gc): one variant's garbage is not another's pause. Returns each
 * variant's figures by round.
 *
 * A forced collection is not one a running peer ever sees: V8 also throws away the optimised code
 * of the hot functions (about 55 of them here, with --trace-deopt: "marking dependent code ... for
 * deoptimization, reason: weak objects", against one for a mark-compact V8 starts itself). So
 * `warmUp`, when given, runs after each collection and before the measurement, which then sees a
 * peer in its steady state, not one compiling its code again.
 */
export async function measureInTurns<R>(
  variants: readonly R[],
  rounds: number,
  measure: (variant: R) => Promise<number>,
  warmUp?: (variant: R) => Promise<unknown>,
): Promise<number[][]> {
  const results = variants.map(() => [] as number[]);
  const collect = (globalThis as { gc?: () => void }).gc;
  for (let round = 0; round < rounds; round++) {
    for (let k = 0; k < variants.length; k++) {
      const i = (round + k) % variants.length;
      const variant = variants[i] as R;
      collect?.();
      await warmUp?.(variant);
      results[i]?.push(await measure(variant));
    }
  }
  return results;
}

/**
 * The throughput each variant loses against the first (both off), in percent: the median over the
 * rounds of each round's loss, so that the machine's slower and faster moments cancel out.
 */
export function costPercent(plain: readonly number[], variant: readonly number[]): number[] {
  return plain.map((base, round) => (1 - (variant[round] ?? 0) / base) * 100);
}
