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
  const children = new Map<string, M>();
  const node = (values: readonly string[]): M => {
    const leaf = make(values);
    return Object.assign(leaf, {
      with: (...more: string[]): M => {
        const all = [...values, ...more];
        if (all.length !== expected) {
          throw new RangeError(`metric ${fullyQualifiedName(opts)} takes ${expected} label values (${(opts.labelNames ?? []).join(', ')}), got ${all.length}`);
        }
        let key = all.join('\u0000');
        let child = children.get(key);
        if (child === undefined) {
          // Label values can come from clients (a chaincode name in a proposal): past a bound,
          // new ones share one series instead of growing the peer's memory without end.
          let values = all;
          if (children.size >= MAX_SERIES) {
            values = all.map(() => OVERFLOW_LABEL);
            key = values.join('\u0000');
            child = children.get(key);
          }
          if (child === undefined) {
            child = node(values);
            children.set(key, child);
          }
        }
        return child;
      },
    }) as unknown as M;
  };
  return node([]);
}
