import type { MetricsConfig } from '../config/core-config.js';
import { errorMessage } from '../errors/weft-error.js';
import type { Logger } from '../logging/logging.js';
import type { MetricsProvider } from './metrics-provider.js';

/** A node's metrics provider, what GET /metrics serves from it, and how to stop it. */
export interface NodeMetrics {
  provider: MetricsProvider;
  /** The Prometheus exposition, for GET /metrics; undefined with StatsD. */
  exposition: { text(): Promise<{ contentType: string; body: string }> } | undefined;
  close(): void;
}

/**
 * The provider a node's `metrics` settings ask for (core.yaml's `metrics`, orderer.yaml's
 * `Metrics`), with Fabric's fabric_version gauge; undefined when disabled. prom-client is loaded
 * only when Prometheus is asked for: a node with metrics off starts without it.
 */
export async function createMetricsProvider(config: MetricsConfig, version: string, logger: Logger): Promise<NodeMetrics | undefined> {
  let metrics: NodeMetrics;
  if (config.provider === 'prometheus') {
    const { PrometheusProvider } = await import('./prometheus-provider.js');
    const prometheus = new PrometheusProvider();
    metrics = { provider: prometheus, exposition: prometheus, close: () => undefined };
  } else if (config.provider === 'statsd') {
    const { StatsdProvider } = await import('./statsd-provider.js');
    const statsd = new StatsdProvider({
      ...config.statsd,
      onError: (err) => logger.warn('statsd', `sending metrics to ${config.statsd.address}: ${errorMessage(err)}`),
    });
    metrics = { provider: statsd, exposition: undefined, close: () => statsd.close() };
  } else {
    return undefined;
  }
  metrics.provider.newGauge({ namespace: 'fabric', name: 'version', help: 'The active version of Fabric.', labelNames: ['version'] }).with(version).set(1);
  return metrics;
}
