import { fullyQualifiedName, type MetricOpts } from './metrics-provider.js';

/** Most series a metric keeps; the rest are counted under OVERFLOW_LABEL. */
const MAX_SERIES = 2000;
export const OVERFLOW_LABEL = '_overflow';

type Leaf<M> = Omit<M, 'with'>;

/**
 * A metric whose `with` children are made once per label values and kept: prom-client hashes the
 * label object at every call, which the hot path (a shim request, a transaction) should not pay.
 */
export function labelled<M extends { with(...values: string[]): M }>(opts: MetricOpts, make: (values: readonly string[]) => Leaf<M>): M {
  const expected = opts.labelNames?.length ?? 0;
  const wrongCount = (got: number): RangeError =>
    new RangeError(`metric ${fullyQualifiedName(opts)} takes ${expected} label values (${(opts.labelNames ?? []).join(', ')}), got ${got}`);
  const node = (values: readonly string[]): M =>
    Object.assign(make(values), {
      with: (...more: string[]): M => {
        throw wrongCount(values.length + more.length);
      },
    }) as unknown as M;
  if (expected === 0) return node([]);
  const children = new Map<string, M>();
  const withValues = (...values: string[]): M => {
    if (values.length !== expected) throw wrongCount(values.length);
    const key = values.join('\u0000');
    const child = children.get(key);
    if (child !== undefined) return child;
    // Label values can come from clients (a chaincode name in a proposal): past a bound, new ones
    // share one series instead of growing the peer's memory without end.
    if (children.size >= MAX_SERIES) {
      const overflow = values.map(() => OVERFLOW_LABEL);
      const overflowKey = overflow.join('\u0000');
      const shared = children.get(overflowKey) ?? node(overflow);
      children.set(overflowKey, shared);
      return shared;
    }
    const made = node(values);
    children.set(key, made);
    return made;
  };
  // A labelled metric has no series of its own, only its `with` children (Fabric's panics without
  // label values): its root says so rather than count into a series with empty labels.
  return new Proxy({} as M, {
    get: (_target, property) =>
      property === 'with'
        ? withValues
        : () => {
            throw wrongCount(0);
          },
  });
}
