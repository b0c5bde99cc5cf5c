/**
 * Fabric's metrics API (common/metrics): a provider makes counters, gauges and histograms; a
 * labelled one is used through `with(labelValues...)`, which gives the child for those values.
 * Modules take a provider's metrics as an optional collaborator: with metrics disabled they hold
 * none, and the hot path does no work for them.
 */
export interface MetricsProvider {
  newCounter(opts: MetricOpts): Counter;
  newGauge(opts: MetricOpts): Gauge;
  newHistogram(opts: HistogramOpts): Histogram;
}

export interface MetricOpts {
  namespace: string;
  subsystem?: string;
  name: string;
  help: string;
  /** In the order `with` takes their values. */
  labelNames?: readonly string[];
}

export interface HistogramOpts extends MetricOpts {
  /** Upper bounds in seconds; Prometheus's defaults when absent. */
  buckets?: readonly number[];
}

export interface Counter {
  with(...labelValues: string[]): Counter;
  add(delta: number): void;
}

export interface Gauge {
  with(...labelValues: string[]): Gauge;
  add(delta: number): void;
  set(value: number): void;
}

export interface Histogram {
  with(...labelValues: string[]): Histogram;
  observe(value: number): void;
}

/** namespace_subsystem_name, as Prometheus names Fabric's metrics. */
export function fullyQualifiedName(opts: MetricOpts, separator = '_'): string {
  return [opts.namespace, opts.subsystem, opts.name].filter((part) => part !== undefined && part !== '').join(separator);
}

/** Seconds since `startMs` (a performance.now() reading): Fabric's durations are in seconds. */
export function secondsSince(startMs: number): number {
  return (performance.now() - startMs) / 1000;
}
