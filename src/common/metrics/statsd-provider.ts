import { createSocket, type Socket } from 'node:dgram';
import { labelled } from './labelled-metric.js';
import { fullyQualifiedName, type Counter, type Gauge, type Histogram, type HistogramOpts, type MetricOpts, type MetricsProvider } from './metrics-provider.js';

export interface StatsdProviderOptions {
  /** metrics.statsd.network: udp (tcp is not offered: Fabric's deployments use udp). */
  network: 'udp';
  /** metrics.statsd.address, host:port */
  address: string;
  /** metrics.statsd.writeInterval */
  writeIntervalMs: number;
  /** metrics.statsd.prefix, ending with '.' when set. */
  prefix: string;
  onError?: (err: Error) => void;
}

/**
 * Metrics pushed to a StatsD server (`metrics.provider: statsd`) as Fabric pushes them: counters
 * summed and gauges' last values sent once per write interval, each histogram observation as a
 * timing; a labelled metric's name is its dotted name followed by its label values
 * (`chaincode.shim_requests_received.GET_STATE.mychannel.basic`). Written on node:dgram: StatsD
 * clients on npm send a line per call, not the per-interval sums Fabric's go-kit client sends.
 */
export class StatsdProvider implements MetricsProvider {
  private readonly counters = new Map<string, number>();
  private readonly gauges = new Map<string, number>();
  private timings: string[] = [];
  private readonly socket: Socket;
  private readonly timer: NodeJS.Timeout;
  private readonly host: string;
  private readonly port: number;

  constructor(private readonly opts: StatsdProviderOptions) {
    const colon = opts.address.lastIndexOf(':');
    this.host = opts.address.slice(0, colon).replace(/^\[|\]$/g, '');
    this.port = Number(opts.address.slice(colon + 1));
    this.socket = createSocket(this.host.includes(':') ? 'udp6' : 'udp4');
    this.socket.on('error', (err) => opts.onError?.(err));
    this.socket.unref();
    this.timer = setInterval(() => this.flush(), opts.writeIntervalMs);
    this.timer.unref();
  }

  newCounter(opts: MetricOpts): Counter {
    return labelled(opts, (values) => {
      const name = this.nameOf(opts, values);
      return { add: (delta: number) => this.counters.set(name, (this.counters.get(name) ?? 0) + delta) };
    });
  }

  newGauge(opts: MetricOpts): Gauge {
    return labelled(opts, (values) => {
      const name = this.nameOf(opts, values);
      return {
        add: (delta: number) => this.gauges.set(name, (this.gauges.get(name) ?? 0) + delta),
        set: (value: number) => this.gauges.set(name, value),
      };
    });
  }

  newHistogram(opts: HistogramOpts): Histogram {
    return labelled(opts, (values) => {
      const name = this.nameOf(opts, values);
      return { observe: (value: number) => this.timings.push(`${name}:${value}|ms`) };
    });
  }

  /** Sends what was recorded since the last write; one datagram per line batch under a safe size. */
  flush(): void {
    const lines: string[] = [];
    for (const [name, sum] of this.counters) lines.push(`${name}:${sum}|c`);
    this.counters.clear();
    for (const [name, value] of this.gauges) lines.push(`${name}:${value}|g`);
    lines.push(...this.timings);
    this.timings = [];
    let batch = '';
    for (const line of lines) {
      if (batch.length + line.length + 1 > MAX_DATAGRAM && batch !== '') {
        this.send(batch);
        batch = '';
      }
      batch = batch === '' ? line : `${batch}\n${line}`;
    }
    if (batch !== '') this.send(batch);
  }

  close(): void {
    clearInterval(this.timer);
    this.flush();
    this.socket.close();
  }

  private send(text: string): void {
    this.socket.send(text, this.port, this.host, (err) => {
      if (err) this.opts.onError?.(err);
    });
  }

  private nameOf(opts: MetricOpts, values: readonly string[]): string {
    return [this.opts.prefix + fullyQualifiedName(opts, '.'), ...values.map(statsdSafe)].join('.');
  }
}

/** Within a safe UDP payload on any network. */
const MAX_DATAGRAM = 1432;

/** Label values may hold StatsD's separators; Fabric's namer replaces them too. */
function statsdSafe(value: string): string {
  return value.replace(/[.:|@\s]/g, '_');
}
