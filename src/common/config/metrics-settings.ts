import type { MetricsConfig } from './core-config.js';
import { parseDuration } from './duration.js';

/** The look-ups a node's config loader offers (core.yaml's Values, orderer.yaml's OrdererValues). */
export interface SettingsReader {
  string(key: string): string;
  invalid(key: string, value: unknown, why: string): never;
}

/** Where a node's config keeps the metrics settings: core.yaml's `metrics.*`, orderer.yaml's `Metrics.*`. */
export interface MetricsKeys {
  provider: string;
  network: string;
  address: string;
  writeInterval: string;
  prefix: string;
  /** The write interval when the key is not set (Fabric's samples: 10s for the peer, 30s for the orderer). */
  defaultWriteInterval: string;
}

/**
 * Fabric's metrics settings, the same for the peer and the orderer: the provider, and StatsD's
 * network, address, interval and prefix (its network and address checked only when StatsD is used).
 */
export function metricsSettings(read: SettingsReader, keys: MetricsKeys): MetricsConfig {
  const provider = read.string(keys.provider) || 'disabled';
  if (provider !== 'disabled' && provider !== 'prometheus' && provider !== 'statsd') {
    read.invalid(keys.provider, provider, "is not 'disabled', 'prometheus' or 'statsd'");
  }
  return { provider, statsd: statsdSettings(read, keys, provider === 'statsd') };
}

/** StatsD's settings; its network and address are checked only when it is `used`. */
function statsdSettings(read: SettingsReader, keys: MetricsKeys, used: boolean): MetricsConfig['statsd'] {
  const network = read.string(keys.network) || 'udp';
  if (used && network !== 'udp') read.invalid(keys.network, network, "is not 'udp' (the only network Weft sends StatsD on)");
  const interval = read.string(keys.writeInterval) || keys.defaultWriteInterval;
  const writeIntervalMs = parseDuration(interval);
  if (writeIntervalMs === undefined || writeIntervalMs <= 0) {
    read.invalid(keys.writeInterval, interval, `is not a duration of more than 0s (such as ${keys.defaultWriteInterval})`);
  }
  const address = read.string(keys.address) || '127.0.0.1:8125';
  if (used && !isHostPort(address)) read.invalid(keys.address, address, 'is not a host:port address');
  const prefix = read.string(keys.prefix);
  // Fabric ends a prefix with the dot that joins it to the metric's name.
  return { network: 'udp', address, writeIntervalMs, prefix: prefix === '' || prefix.endsWith('.') ? prefix : `${prefix}.` };
}

function isHostPort(address: string): boolean {
  const colon = address.lastIndexOf(':');
  const port = Number(address.slice(colon + 1));
  return colon > 0 && address.slice(colon + 1) !== '' && Number.isInteger(port) && port >= 0 && port <= 65535;
}
