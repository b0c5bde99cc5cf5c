import { collectDefaultMetrics, Registry, type Metric } from 'prom-client';
import { labelled } from './labelled-metric.js';
import { fullyQualifiedName, type Counter, type Gauge, type Histogram, type HistogramOpts, type MetricOpts, type MetricsProvider } from './metrics-provider.js';

/** Prometheus's default histogram buckets, in seconds. */
const DEFAULT_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

type Labels = Record<string, string>;
interface SeriesValue {
  labels: Labels;
  value: number;
  metricName?: string;
}

/**
 * Metrics kept for Prometheus to scrape at GET /metrics (`metrics.provider: prometheus`), in a
 * registry of the peer's own, with the process's metrics (CPU, memory, event loop, GC) beside them.
 *
 * prom-client formats the exposition and collects the process's metrics; the peer's own series
 * are kept here, as plain numbers on each `with` child, and handed to prom-client's registry at
 * scrape time. prom-client's own metric classes check and hash the label object at every
 * increment, which cost the chaincode hot path about a third of its throughput.
 */
export class PrometheusProvider implements MetricsProvider {
  readonly registry = new Registry();

  constructor() {
    collectDefaultMetrics({ register: this.registry });
  }

  newCounter(opts: MetricOpts): Counter {
    const family = this.family(opts, 'counter');
    return labelled(opts, (values) => {
      const series = family.series(values);
      return { add: (delta: number) => (series.value += delta) };
    });
  }

  newGauge(opts: MetricOpts): Gauge {
    const family = this.family(opts, 'gauge');
    return labelled(opts, (values) => {
      const series = family.series(values);
      return { add: (delta: number) => (series.value += delta), set: (value: number) => (series.value = value) };
    });
  }

  newHistogram(opts: HistogramOpts): Histogram {
    const bounds = [...(opts.buckets ?? DEFAULT_BUCKETS)].sort((a, b) => a - b);
    const family = new HistogramFamily(opts, bounds);
    this.register(family);
    return labelled(opts, (values) => {
      const series = family.series(values);
      return {
        observe: (value: number) => {
          series.sum += value;
          series.count++;
          let i = 0;
          while (i < bounds.length && value > (bounds[i] as number)) i++;
          series.buckets[i] = (series.buckets[i] ?? 0) + 1;
        },
      };
    });
  }

  /** The exposition text GET /metrics answers with. */
  async text(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }

  private family(opts: MetricOpts, type: 'counter' | 'gauge'): ValueFamily {
    const family = new ValueFamily(opts, type);
    this.register(family);
    return family;
  }

  private register(family: ValueFamily | HistogramFamily): void {
    // The registry reads a metric through name, help, type and get(): the shape prom-client's own
    // classes have, which its TypeScript types name by class.
    this.registry.registerMetric(family as unknown as Metric);
  }
}

function labelsOf(opts: MetricOpts, values: readonly string[]): Labels {
  const labels: Labels = {};
  (opts.labelNames ?? []).forEach((name, i) => (labels[name] = values[i] ?? ''));
  return labels;
}

/** A counter's or gauge's series, as prom-client's registry reads a metric. */
class ValueFamily {
  readonly name: string;
  readonly help: string;
  private readonly all: SeriesValue[] = [];

  constructor(
    private readonly opts: MetricOpts,
    readonly type: 'counter' | 'gauge',
  ) {
    this.name = fullyQualifiedName(opts);
    this.help = opts.help;
  }

  series(values: readonly string[]): SeriesValue {
    const series = { labels: labelsOf(this.opts, values), value: 0 };
    this.all.push(series);
    return series;
  }

  get(): { name: string; help: string; type: string; aggregator: string; values: SeriesValue[] } {
    return { name: this.name, help: this.help, type: this.type, aggregator: 'sum', values: this.all.map((s) => ({ labels: s.labels, value: s.value })) };
  }
}

interface HistogramSeries {
  labels: Labels;
  /** Observations per bucket, not cumulative; the last slot is +Inf. */
  buckets: number[];
  sum: number;
  count: number;
}

/** A histogram's series: cumulative buckets, sum and count, as Prometheus exposes them. */
class HistogramFamily {
  readonly name: string;
  readonly help: string;
  readonly type = 'histogram';
  private readonly all: HistogramSeries[] = [];

  constructor(
    private readonly opts: MetricOpts,
    private readonly bounds: number[],
  ) {
    this.name = fullyQualifiedName(opts);
    this.help = opts.help;
  }

  series(values: readonly string[]): HistogramSeries {
    const series = { labels: labelsOf(this.opts, values), buckets: new Array<number>(this.bounds.length + 1).fill(0), sum: 0, count: 0 };
    this.all.push(series);
    return series;
  }

  get(): { name: string; help: string; type: string; aggregator: string; values: SeriesValue[] } {
    const values: SeriesValue[] = [];
    for (const s of this.all) {
      let cumulative = 0;
      this.bounds.forEach((bound, i) => {
        cumulative += s.buckets[i] ?? 0;
        values.push({ metricName: `${this.name}_bucket`, labels: { le: String(bound), ...s.labels }, value: cumulative });
      });
      values.push({ metricName: `${this.name}_bucket`, labels: { le: '+Inf', ...s.labels }, value: s.count });
      values.push({ metricName: `${this.name}_sum`, labels: s.labels, value: s.sum });
      values.push({ metricName: `${this.name}_count`, labels: s.labels, value: s.count });
    }
    return { name: this.name, help: this.help, type: this.type, aggregator: 'sum', values };
  }
}
