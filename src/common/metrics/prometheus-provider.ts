import { collectDefaultMetrics, Counter as PromCounter, Gauge as PromGauge, Histogram as PromHistogram, Registry } from 'prom-client';
import { fullyQualifiedName, type Counter, type Gauge, type Histogram, type HistogramOpts, type MetricOpts, type MetricsProvider } from './metrics-provider.js';

/**
 * Metrics kept for Prometheus to scrape at GET /metrics (`metrics.provider: prometheus`), in a
 * registry of the peer's own, with the process's metrics (CPU, memory, event loop, GC) beside them.
 */
export class PrometheusProvider implements MetricsProvider {
  readonly registry = new Registry();

  constructor() {
    collectDefaultMetrics({ register: this.registry });
  }

  newCounter(opts: MetricOpts): Counter {
    const metric = new PromCounter({ name: fullyQualifiedName(opts), help: opts.help, labelNames: [...(opts.labelNames ?? [])], registers: [this.registry] });
    return labelled(opts, (values) => {
      const child = values.length === 0 ? metric : metric.labels(...values);
      return { add: (delta: number) => child.inc(delta) };
    });
  }

  newGauge(opts: MetricOpts): Gauge {
    const metric = new PromGauge({ name: fullyQualifiedName(opts), help: opts.help, labelNames: [...(opts.labelNames ?? [])], registers: [this.registry] });
    return labelled(opts, (values) => {
      const child = values.length === 0 ? metric : metric.labels(...values);
      return { add: (delta: number) => child.inc(delta), set: (value: number) => child.set(value) };
    });
  }

  newHistogram(opts: HistogramOpts): Histogram {
    const metric = new PromHistogram({
      name: fullyQualifiedName(opts),
      help: opts.help,
      labelNames: [...(opts.labelNames ?? [])],
      ...(opts.buckets === undefined ? {} : { buckets: [...opts.buckets] }),
      registers: [this.registry],
    });
    return labelled(opts, (values) => {
      const child = values.length === 0 ? metric : metric.labels(...values);
      return { observe: (value: number) => child.observe(value) };
    });
  }

  /** The exposition text GET /metrics answers with. */
  async text(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }
}

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
