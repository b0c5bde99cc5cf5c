import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { isAbsolute, join, resolve } from 'node:path';
import { ConfigError } from './config-error.js';
import { metricsSettings } from './metrics-settings.js';
import { EMBEDDED_ORDERER_DEFAULTS } from './embedded-orderer-defaults.js';
import type { OrdererConfig } from './orderer-config.js';

export interface LoadOrdererConfigOptions {
  /** The environment to read FABRIC_CFG_PATH and ORDERER_* from. */
  env: NodeJS.ProcessEnv;
  /** Base for relative paths with the embedded defaults; the current directory by default. */
  cwd?: string;
  /** The defaults under orderer.yaml; the package's config/orderer.yaml, embedded at build, by default. */
  defaults?: Record<string, unknown>;
}

type Tree = Record<string, unknown>;

/** Loads orderer.yaml (FABRIC_CFG_PATH or the embedded defaults), applies ORDERER_* overrides, validates. */
export async function loadOrdererConfig(opts: LoadOrdererConfigOptions): Promise<OrdererConfig> {
  const cwd = opts.cwd ?? process.cwd();
  const { tree, configDir } = await readOrdererYaml(opts, cwd);
  const v = new OrdererValues(tree, opts.env);
  const base = configDir ?? cwd;
  const path = (key: string): string => {
    const value = v.string(key);
    return value === '' || isAbsolute(value) ? value : join(base, value);
  };
  const bootstrapMethod = v.string('General.BootstrapMethod') || 'none';
  if (bootstrapMethod !== 'none') {
    v.invalid('General.BootstrapMethod', bootstrapMethod, "is not supported: Weft's orderer has no system channel; use none and join channels with the channel participation API");
  }
  const port = v.integer('General.ListenPort', 7050);
  if (port < 0 || port > 65535) v.invalid('General.ListenPort', port, 'is not a port number');
  const host = v.string('General.ListenAddress') || '127.0.0.1';
  const location = v.string('FileLedger.Location');
  if (location === '') v.invalid('FileLedger.Location', location, 'must name a folder');
  const adminAddress = v.string('Admin.ListenAddress');
  if (adminAddress !== '' && !/^[^\s]*:\d+$/.test(adminAddress)) v.invalid('Admin.ListenAddress', adminAddress, 'is not a host:port address');
  const localMspDir = path('General.LocalMSPDir');
  return {
    configDir,
    general: {
      listenAddress: `${host}:${String(port)}`,
      tls: {
        enabled: v.boolean('General.TLS.Enabled'),
        privateKey: path('General.TLS.PrivateKey'),
        certificate: path('General.TLS.Certificate'),
        rootCAs: v.list('General.TLS.RootCAs').map((f) => resolve(base, f)),
        clientAuthRequired: v.boolean('General.TLS.ClientAuthRequired'),
        clientRootCAs: v.list('General.TLS.ClientRootCAs').map((f) => resolve(base, f)),
      },
      bootstrapMethod: 'none',
      localMspDir: localMspDir === '' ? undefined : localMspDir,
      localMspId: v.string('General.LocalMSPID') || 'OrdererMSP',
    },
    fileLedger: { location: resolve(cwd, location) },
    admin: { listenAddress: adminAddress },
    channelParticipation: { enabled: v.boolean('ChannelParticipation.Enabled') },
    operations: operationsOf(v, path, base),
    metrics: metricsSettings(v, {
      provider: 'Metrics.Provider',
      network: 'Metrics.Statsd.Network',
      address: 'Metrics.Statsd.Address',
      writeInterval: 'Metrics.Statsd.WriteInterval',
      prefix: 'Metrics.Statsd.Prefix',
      defaultWriteInterval: '30s',
    }),
  };
}

function operationsOf(v: OrdererValues, path: (key: string) => string, base: string): OrdererConfig['operations'] {
  const address = v.string('Operations.ListenAddress');
  if (address !== '' && !/^[^\s]*:\d+$/.test(address)) v.invalid('Operations.ListenAddress', address, 'is not a host:port address');
  const enabled = v.boolean('Operations.TLS.Enabled');
  const certFile = path('Operations.TLS.Certificate');
  const keyFile = path('Operations.TLS.PrivateKey');
  if (enabled && certFile === '') v.invalid('Operations.TLS.Certificate', '', 'must name the certificate of the operations service when Operations.TLS.Enabled is true');
  if (enabled && keyFile === '') v.invalid('Operations.TLS.PrivateKey', '', 'must name the key of the operations service when Operations.TLS.Enabled is true');
  return {
    listenAddress: address === '' ? undefined : address,
    tls: {
      enabled,
      certFile: certFile === '' ? undefined : certFile,
      keyFile: keyFile === '' ? undefined : keyFile,
      clientAuthRequired: v.boolean('Operations.TLS.ClientAuthRequired'),
      clientRootCAFiles: v.list('Operations.TLS.ClientRootCAs').map((f) => resolve(base, f)),
    },
  };
}

async function readOrdererYaml(opts: LoadOrdererConfigOptions, cwd: string): Promise<{ tree: Tree; configDir: string | undefined }> {
  const defaults = opts.defaults ?? EMBEDDED_ORDERER_DEFAULTS;
  const cfgPath = opts.env.FABRIC_CFG_PATH;
  if (cfgPath === undefined || cfgPath === '') return { tree: defaults, configDir: undefined };
  const configDir = resolve(cwd, cfgPath);
  const file = join(configDir, 'orderer.yaml');
  if (!existsSync(file)) throw new ConfigError('CONFIG_NOT_FOUND', `Config File "orderer" Not Found in "[${configDir}]" (FABRIC_CFG_PATH)`);
  let parsed: unknown;
  try {
    const { parse } = await import('yaml');
    parsed = parse(await readFile(file, 'utf8'));
  } catch (err) {
    throw new ConfigError('CONFIG_UNREADABLE', `error when reading orderer config file ${file}: ${String(err)}`, { cause: err });
  }
  if (parsed === null || parsed === undefined) return { tree: defaults, configDir };
  if (!isTree(parsed)) throw new ConfigError('CONFIG_UNREADABLE', `orderer config file ${file} is not a YAML mapping`);
  return { tree: merge(defaults, parsed), configDir };
}

function isTree(value: unknown): value is Tree {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Deep merge with keys matched case-insensitively, as viper does; `over` wins. */
function merge(base: Tree, over: Tree): Tree {
  const out: Tree = { ...base };
  for (const [key, value] of Object.entries(over)) {
    const existing = Object.keys(out).find((k) => k.toLowerCase() === key.toLowerCase());
    const baseValue = existing === undefined ? undefined : out[existing];
    if (existing !== undefined) Reflect.deleteProperty(out, existing);
    out[existing ?? key] = isTree(value) && isTree(baseValue) ? merge(baseValue, value) : value;
  }
  return out;
}

/** Typed look-ups of dotted keys: an ORDERER_* variable wins over the file; a bad value is one clear error. */
class OrdererValues {
  constructor(
    private readonly tree: Tree,
    private readonly env: NodeJS.ProcessEnv,
  ) {}

  invalid(key: string, value: unknown, why: string): never {
    const envName = envNameOf(key);
    const source = isSet(this.env[envName]) ? ` (from ${envName})` : '';
    throw new ConfigError('CONFIG_INVALID_VALUE', `invalid value for ${key}${source}: ${JSON.stringify(value)} ${why}`);
  }

  string(key: string): string {
    const value = this.raw(key);
    if (value === undefined || value === null) return '';
    if (typeof value === 'string') return value.trim();
    if (typeof value === 'number' || typeof value === 'boolean') return String(value);
    return this.invalid(key, value, 'is not a string');
  }

  boolean(key: string): boolean {
    const value = this.raw(key);
    if (value === undefined || value === null || value === '') return false;
    if (typeof value === 'boolean') return value;
    if (typeof value === 'string') {
      // Go's strconv.ParseBool words, as Fabric reads them.
      const word = value.trim().toLowerCase();
      if (word === 'true' || word === 't' || word === '1') return true;
      if (word === 'false' || word === 'f' || word === '0') return false;
    }
    return this.invalid(key, value, 'is not true or false');
  }

  integer(key: string, absent: number): number {
    const value = this.raw(key);
    if (value === undefined || value === null || value === '') return absent;
    const n = typeof value === 'string' && /^-?\d+$/.test(value.trim()) ? Number(value) : value;
    if (typeof n === 'number' && Number.isInteger(n)) return n;
    return this.invalid(key, value, 'is not a whole number');
  }

  /** A YAML list, or (from a variable) Fabric's `[a, b]` or words separated by spaces or commas. */
  list(key: string): string[] {
    const value = this.raw(key);
    if (value === undefined || value === null || value === '') return [];
    if (typeof value === 'string') return value.replace(/^\[|\]$/g, '').split(/[\s,]+/).filter((word) => word !== '');
    if (Array.isArray(value) && value.every((v) => typeof v === 'string')) return value;
    return this.invalid(key, value, 'is not a list of files');
  }

  private raw(key: string): unknown {
    const fromEnv = this.env[envNameOf(key)];
    if (isSet(fromEnv)) return fromEnv;
    let node: unknown = this.tree;
    for (const part of key.split('.')) {
      if (!isTree(node)) return undefined;
      const match = Object.keys(node).find((k) => k.toLowerCase() === part.toLowerCase());
      if (match === undefined) return undefined;
      node = node[match];
    }
    return node;
  }
}

/** An empty variable counts as unset, as viper treats it in Fabric. */
function isSet(value: string | undefined): value is string {
  return value !== undefined && value !== '';
}

/** General.ListenPort -> ORDERER_GENERAL_LISTENPORT */
function envNameOf(key: string): string {
  return `ORDERER_${key.toUpperCase().replace(/\./g, '_')}`;
}
