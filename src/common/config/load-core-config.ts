import { existsSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { isAbsolute, join, resolve } from 'node:path';
import { errorMessage } from '../errors/weft-error.js';
import { ConfigError } from './config-error.js';
import { metricsSettings } from './metrics-settings.js';
import { checkCoreYamlKeys, unknownKeyWarning } from './core-yaml-keys.js';
import type { CoreConfig, DeliveryClientConfig, DockerHostConfig, ExternalBuilderConfig, LedgerConfig, SystemPluginConfig } from './core-config.js';
import { parseDuration } from './duration.js';
import { EMBEDDED_DEFAULTS } from './embedded-defaults.js';

export interface LoadCoreConfigOptions {
  /** The environment to read FABRIC_CFG_PATH and CORE_* from. */
  env: NodeJS.ProcessEnv;
  /** Base for relative peer.fileSystemPath; the current directory by default. */
  cwd?: string;
  /** The defaults under core.yaml; the package's config/core.yaml, embedded at build, by default. */
  defaults?: Record<string, unknown>;
  /** Told each unknown key of the user's core.yaml, once, as a line for the log. */
  warn?: (message: string) => void;
}

// Fabric's floor for chaincode.startuptimeout.
const MIN_STARTUP_TIMEOUT_MS = 5000;
// chaincode.maxWriteSetBytes when core.yaml leaves it out (a Weft key: Fabric has no such limit).
const DEFAULT_MAX_WRITE_SET_BYTES = 100 * 1024 * 1024;
// Fabric reads the gRPC message limits as int32; 100 MiB when core.yaml does not set them.
const MAX_MSG_SIZE = 2_147_483_647;
const DEFAULT_MSG_SIZE = 104_857_600;

type Tree = Record<string, unknown>;

/** Loads core.yaml (FABRIC_CFG_PATH or the embedded defaults), applies CORE_* overrides, validates. */
export async function loadCoreConfig(opts: LoadCoreConfigOptions): Promise<CoreConfig> {
  const { tree, configDir } = await readCoreYaml(opts);
  const values = new Values(tree, opts.env);
  const { chaincodeListenAddress, startupTimeoutMs, mode, vmType, endpoint, runtime, retention, fileSystemPath } = checkedValues(values);
  const { executeTimeoutMs, keepaliveSeconds, maxRecvMsgSize, maxSendMsgSize, deliveryClientTimeouts, gatewayTimeouts } = checkedRanges(values);
  const mspConfigPath = values.string('peer.mspConfigPath');
  const dataFolder = resolve(opts.cwd ?? process.cwd(), fileSystemPath);
  await checkFolder(values, dataFolder);
  // Relative paths in core.yaml are taken from its folder; with the embedded defaults, from the working folder.
  const baseDir = configDir ?? opts.cwd ?? process.cwd();
  const externalBuilders = await values.externalBuilders('chaincode.externalBuilders', baseDir);

  return {
    configDir,
    peer: {
      id: values.string('peer.id'),
      networkId: values.string('peer.networkId'),
      listenAddress: values.address('peer.listenAddress'),
      address: values.address('peer.address'),
      chaincodeListenAddress,
      chaincodeAddress: values.optionalAddress('peer.chaincodeAddress'),
      fileSystemPath: dataFolder,
      mspConfigPath: mspConfigPath === '' ? undefined : resolve(baseDir, mspConfigPath),
      localMspId: values.string('peer.localMspId') || 'Org1MSP',
      tls: {
        enabled: values.boolean('peer.tls.enabled'),
        clientAuthRequired: values.boolean('peer.tls.clientAuthRequired'),
        certFile: values.path('peer.tls.cert.file', configDir),
        keyFile: values.path('peer.tls.key.file', configDir),
        rootCertFile: values.path('peer.tls.rootcert.file', configDir),
        clientRootCAFiles: (values.stringList('peer.tls.clientRootCAs.files') ?? []).map((file) => resolve(baseDir, file)),
        clientCertFile: values.path('peer.tls.clientCert.file', configDir),
        clientKeyFile: values.path('peer.tls.clientKey.file', configDir),
      },
      transientstoreMaxBlockRetention: retention,
      maxRecvMsgSize,
      maxSendMsgSize,
      deliveryClient: {
        ...deliveryClientTimeouts,
        addressOverrides: values.addressOverrides('peer.deliveryclient.addressOverrides', baseDir),
      },
      orderer: {
        enabled: values.boolean('peer.orderer.enabled'),
        listenAddress: values.optionalAddress('peer.orderer.listenAddress') ?? '0.0.0.0:7050',
        adminListenAddress: values.optionalAddress('peer.orderer.adminListenAddress') ?? '127.0.0.1:7053',
      },
      gateway: { enabled: values.boolean('peer.gateway.enabled'), ...gatewayTimeouts },
    },
    chaincode: {
      startupTimeoutMs: Math.max(startupTimeoutMs, MIN_STARTUP_TIMEOUT_MS),
      executeTimeoutMs,
      mode: mode === 'dev' ? 'dev' : 'net',
      keepaliveSeconds,
      maxWriteSetBytes: positive(values, 'chaincode.maxWriteSetBytes', DEFAULT_MAX_WRITE_SET_BYTES),
      launchTls: values.boolean('chaincode.launchTls'),
      nodeOptions: values.string('chaincode.nodeOptions'),
      node: { runtime, dependencyCache: values.string('chaincode.node.dependencyCache') },
      system: values.stringMap('chaincode.system'),
      systemPlugins: values.plugins('chaincode.systemPlugins'),
      externalBuilders,
      trace: { enabled: values.boolean('chaincode.trace.enabled'), size: traceSize(values) },
      logging: {
        level: values.string('chaincode.logging.level'),
        shim: values.string('chaincode.logging.shim'),
        format: values.string('chaincode.logging.format'),
      },
    },
    vm: {
      endpoint,
      type: vmType === 'docker' ? 'docker' : 'process',
      docker: {
        attachStdout: values.boolean('vm.docker.attachStdout'),
        forceRebuild: values.boolean('vm.docker.forceRebuild'),
        hostConfig: values.hostConfig('vm.docker.hostConfig'),
      },
    },
    operations: operationsConfig(values, baseDir),
    metrics: metricsSettings(values, {
      provider: 'metrics.provider',
      network: 'metrics.statsd.network',
      address: 'metrics.statsd.address',
      writeInterval: 'metrics.statsd.writeInterval',
      prefix: 'metrics.statsd.prefix',
      defaultWriteInterval: '10s',
    }),
    ledger: ledgerConfig(values),
  };
}

function operationsConfig(values: Values, baseDir: string): CoreConfig['operations'] {
  const enabled = values.boolean('operations.tls.enabled');
  const tls = {
    enabled,
    certFile: values.path('operations.tls.cert.file', baseDir) || undefined,
    keyFile: values.path('operations.tls.key.file', baseDir) || undefined,
    clientAuthRequired: values.boolean('operations.tls.clientAuthRequired'),
    clientRootCAFiles: (values.stringList('operations.tls.clientRootCAs.files') ?? []).map((file) => resolve(baseDir, file)),
  };
  if (enabled && tls.certFile === undefined) values.invalid('operations.tls.cert.file', '', 'must name the certificate of the operations service when operations.tls.enabled is true');
  if (enabled && tls.keyFile === undefined) values.invalid('operations.tls.key.file', '', 'must name the key of the operations service when operations.tls.enabled is true');
  return { listenAddress: values.optionalAddress('operations.listenAddress'), tls };
}

function ledgerConfig(values: Values): LedgerConfig {
  const totalQueryLimit = values.integer('ledger.state.totalQueryLimit', 100_000);
  if (totalQueryLimit < 1) values.invalid('ledger.state.totalQueryLimit', totalQueryLimit, 'must be at least 1');
  const internalQueryLimit = values.integer('ledger.state.couchDBConfig.internalQueryLimit', 1000);
  if (internalQueryLimit < 1) values.invalid('ledger.state.couchDBConfig.internalQueryLimit', internalQueryLimit, 'must be at least 1');
  const name = values.string('ledger.state.stateDatabase') || 'goleveldb';
  if (!['goleveldb', 'leveldb', 'couchdb'].includes(name.toLowerCase())) values.invalid('ledger.state.stateDatabase', name, 'must be goleveldb or CouchDB');
  const stateDatabase = name.toLowerCase() === 'couchdb' ? 'CouchDB' : 'goleveldb';
  const couch = 'ledger.state.couchDBConfig';
  const couchDB = {
    couchDBAddress: values.string(`${couch}.couchDBAddress`) || '127.0.0.1:5984',
    username: values.string(`${couch}.username`),
    password: values.string(`${couch}.password`),
    maxRetries: values.integer(`${couch}.maxRetries`, 3),
    maxRetriesOnStartup: values.integer(`${couch}.maxRetriesOnStartup`, 10),
    requestTimeoutMs: values.duration(`${couch}.requestTimeout`, 35_000),
    maxBatchUpdateSize: values.integer(`${couch}.maxBatchUpdateSize`, 1000),
  };
  if (couchDB.maxRetries < 0) values.invalid(`${couch}.maxRetries`, couchDB.maxRetries, 'must not be negative');
  if (couchDB.maxRetriesOnStartup < 0) values.invalid(`${couch}.maxRetriesOnStartup`, couchDB.maxRetriesOnStartup, 'must not be negative');
  if (couchDB.requestTimeoutMs <= 0) values.invalid(`${couch}.requestTimeout`, couchDB.requestTimeoutMs, 'must be longer than 0s');
  if (couchDB.maxBatchUpdateSize < 1) values.invalid(`${couch}.maxBatchUpdateSize`, couchDB.maxBatchUpdateSize, 'must be at least 1');
  return { stateDatabase, couchDB, totalQueryLimit, internalQueryLimit };
}

/** core.yaml from FABRIC_CFG_PATH merged over the defaults, or the defaults alone. */
async function readCoreYaml(opts: LoadCoreConfigOptions): Promise<{ tree: Tree; configDir: string | undefined }> {
  const defaults: Tree = opts.defaults ?? EMBEDDED_DEFAULTS;
  const cfgPath = opts.env.FABRIC_CFG_PATH;
  if (cfgPath === undefined || cfgPath === '') return { tree: defaults, configDir: undefined };
  const configDir = resolve(opts.cwd ?? process.cwd(), cfgPath);
  const file = join(configDir, 'core.yaml');
  if (!existsSync(file)) {
    throw new ConfigError('CONFIG_NOT_FOUND', `Config File "core" Not Found in "[${configDir}]" (FABRIC_CFG_PATH)`);
  }
  const user = await readYaml(file);
  for (const unknown of checkCoreYamlKeys(user, defaults)) opts.warn?.(unknownKeyWarning(unknown));
  return { tree: merge(defaults, user), configDir };
}

interface CheckedValues {
  chaincodeListenAddress: string;
  startupTimeoutMs: number;
  mode: string;
  vmType: string;
  endpoint: string;
  runtime: string;
  retention: number;
  fileSystemPath: string;
}

/** The values checked before the config is built, in the order their errors are reported. */
function checkedValues(values: Values): CheckedValues {
  const chaincodeListenAddress = values.address('peer.chaincodeListenAddress');
  const startupTimeoutMs = values.duration('chaincode.startuptimeout');
  const mode = values.string('chaincode.mode');
  if (mode !== 'net' && mode !== 'dev') values.invalid('chaincode.mode', mode, "is not 'net' or 'dev'");
  const vmType = values.string('vm.type') || 'process';
  if (vmType !== 'process' && vmType !== 'docker') values.invalid('vm.type', vmType, "is not 'process' or 'docker'");
  const endpoint = values.string('vm.endpoint');
  if (vmType === 'docker' && !DOCKER_ENDPOINT.test(endpoint)) {
    values.invalid('vm.endpoint', endpoint, 'is not a Docker engine address (unix:///path, tcp://host:port, http://host:port or https://host:port)');
  }
  const runtime = values.string('chaincode.node.runtime');
  if (vmType === 'docker' && runtime === '') values.invalid('chaincode.node.runtime', runtime, 'must name the base image of Node.js chaincode');
  // Fabric's default when the key is absent (an older core.yaml).
  const retention = values.integer('peer.gossip.pvtData.transientstoreMaxBlockRetention', 1000);
  if (retention < 1) values.invalid('peer.gossip.pvtData.transientstoreMaxBlockRetention', retention, 'must be at least 1');
  const fileSystemPath = values.string('peer.fileSystemPath');
  if (fileSystemPath === '') values.invalid('peer.fileSystemPath', fileSystemPath, 'must name a folder');
  return { chaincodeListenAddress, startupTimeoutMs, mode, vmType, endpoint, runtime, retention, fileSystemPath };
}

interface CheckedRanges {
  executeTimeoutMs: number;
  keepaliveSeconds: number;
  maxRecvMsgSize: number;
  maxSendMsgSize: number;
  deliveryClientTimeouts: { reconnectBackoffThresholdMs: number; connTimeoutMs: number };
  gatewayTimeouts: { endorsementTimeoutMs: number; broadcastTimeoutMs: number; dialTimeoutMs: number };
}

/**
 * The values that parse but would leave the peer unable to work: an execute timeout of 0 fails
 * every invoke at once, a gRPC limit of 0 refuses every message. Each is refused at start, naming it.
 */
function checkedRanges(values: Values): CheckedRanges {
  const positiveDuration = (key: string, absent?: number): number => {
    const ms = values.duration(key, absent);
    if (ms <= 0) values.invalid(key, values.rawValue(key), 'must be more than 0s');
    return ms;
  };
  const executeTimeoutMs = positiveDuration('chaincode.executetimeout');
  // Fabric turns keepalive off for any value <= 0; a negative one is more likely a slip than a wish.
  const keepaliveSeconds = values.integer('chaincode.keepalive');
  if (keepaliveSeconds < 0) values.invalid('chaincode.keepalive', values.rawValue('chaincode.keepalive'), 'must be 0 (no keepalive) or more seconds');
  const msgSize = (key: string): number => {
    const size = values.integer(key, DEFAULT_MSG_SIZE);
    if (size < 1 || size > MAX_MSG_SIZE) values.invalid(key, values.rawValue(key), `must be from 1 to ${MAX_MSG_SIZE} bytes`);
    return size;
  };
  return {
    executeTimeoutMs,
    keepaliveSeconds,
    maxRecvMsgSize: msgSize('peer.maxRecvMsgSize'),
    maxSendMsgSize: msgSize('peer.maxSendMsgSize'),
    deliveryClientTimeouts: {
      reconnectBackoffThresholdMs: positiveDuration('peer.deliveryclient.reConnectBackoffThreshold', 3_600_000),
      connTimeoutMs: positiveDuration('peer.deliveryclient.connTimeout', 3_000),
    },
    // Fabric's gateway defaults.
    gatewayTimeouts: {
      endorsementTimeoutMs: positiveDuration('peer.gateway.endorsementTimeout', 10_000),
      broadcastTimeoutMs: positiveDuration('peer.gateway.broadcastTimeout', 10_000),
      dialTimeoutMs: positiveDuration('peer.gateway.dialTimeout', 30_000),
    },
  };
}

/** peer.fileSystemPath, when it exists, must be a folder: a file there fails later, far from the key. */
async function checkFolder(values: Values, folder: string): Promise<void> {
  const info = await stat(folder).catch(() => undefined);
  if (info !== undefined && !info.isDirectory()) values.invalid('peer.fileSystemPath', folder, 'is not a folder');
}

const DOCKER_ENDPOINT = /^(unix:\/\/\/.+|(tcp|https?):\/\/[^/\s]+:\d+\/?)$/;

/** The HostConfig keys a peer passes on, as Fabric's core.yaml spells them, by how each is read. */
const HOST_CONFIG_KEYS = {
  NetworkMode: 'string',
  Init: 'boolean',
  Memory: 'integer',
  MemorySwap: 'integer',
  CpuShares: 'integer',
  CpuQuota: 'integer',
  CpuPeriod: 'integer',
  CpusetCpus: 'string',
  CpusetMems: 'string',
  Dns: 'list',
  DnsSearch: 'list',
  ExtraHosts: 'list',
  CapAdd: 'list',
  CapDrop: 'list',
  LogConfig: 'logConfig',
} as const;

/** Reads a user's core.yaml; the YAML parser is loaded only then, keeping it off the default start path. */
async function readYaml(file: string): Promise<Tree> {
  let parsed: unknown;
  try {
    const { parse } = await import('yaml');
    parsed = parse(await readFile(file, 'utf8'));
  } catch (err) {
    // The parser's message goes on with a picture of the faulty lines; its first line says it all.
    const reason = (errorMessage(err).split('\n')[0] ?? '').replace(/:$/, '');
    throw new ConfigError('CONFIG_UNREADABLE', `error when reading core config file ${file}: ${reason}`, { cause: err });
  }
  if (parsed === null || parsed === undefined) return {};
  if (!isTree(parsed)) throw new ConfigError('CONFIG_UNREADABLE', `core config file ${file} is not a YAML mapping`);
  return parsed;
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
    // Reflect: the key is dynamic; the object is this function's own copy.
    if (existing !== undefined) Reflect.deleteProperty(out, existing);
    // An empty section (`chaincode:` with its entries commented out) keeps the defaults under it.
    if (value === null && isTree(baseValue)) out[existing ?? key] = baseValue;
    else out[existing ?? key] = isTree(value) && isTree(baseValue) ? merge(baseValue, value) : value;
  }
  return out;
}

/** Typed look-ups of dotted keys: a CORE_* variable wins over the file; a bad value is one clear error. */
class Values {
  constructor(
    private readonly tree: Tree,
    private readonly env: NodeJS.ProcessEnv,
    /** Names the entry of a list these values were read from, for messages. */
    private readonly prefix = '',
  ) {}

  invalid(key: string, value: unknown, why: string): never {
    const envName = envNameOf(key);
    const source = isSet(this.env[envName]) ? ` (from ${envName})` : '';
    const name = `${this.prefix}${key}`;
    throw new ConfigError('CONFIG_INVALID_VALUE', `invalid value for ${name}${source}: ${JSON.stringify(value)} ${why}`);
  }

  /** The value as written (in the file or the variable), for messages. */
  rawValue(key: string): unknown {
    return this.raw(key);
  }

  string(key: string): string {
    const value = this.raw(key);
    if (value === undefined || value === null) return '';
    if (typeof value === 'string') return value;
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

  /** A whole number; `absent` (0 unless given) when the key is not set. */
  integer(key: string, absent = 0): number {
    const value = this.raw(key);
    if (value === undefined || value === null || value === '') return absent;
    const n = typeof value === 'string' && /^-?\d+$/.test(value.trim()) ? Number(value) : value;
    if (typeof n === 'number' && Number.isInteger(n)) return n;
    return this.invalid(key, value, 'is not a whole number');
  }

  /** A duration in ms; `absent` (when given) when the key is not set. */
  duration(key: string, absent?: number): number {
    const value = this.raw(key);
    if (absent !== undefined && (value === undefined || value === null || value === '')) return absent;
    const ms = typeof value === 'string' ? parseDuration(value) : value === 0 ? 0 : undefined;
    if (ms === undefined) return this.invalid(key, value, 'is not a duration (such as 300s, 1m30s or 500ms)');
    return ms;
  }

  address(key: string): string {
    const address = this.optionalAddress(key);
    if (address === undefined) return this.invalid(key, '', 'must be a host:port address');
    return address;
  }

  optionalAddress(key: string): string | undefined {
    const value = this.string(key).trim();
    if (value === '') return undefined;
    const colon = value.lastIndexOf(':');
    const port = Number(value.slice(colon + 1));
    if (colon < 0 || !Number.isInteger(port) || port < 0 || port > 65535 || value.slice(colon + 1) === '') {
      return this.invalid(key, value, 'is not a host:port address');
    }
    return value;
  }

  /** A file path; relative ones are taken from the config folder, as Fabric's TranslatePath does. */
  path(key: string, configDir: string | undefined): string {
    const value = this.string(key);
    if (value === '' || isAbsolute(value) || configDir === undefined) return value;
    return join(configDir, value);
  }

  stringMap(key: string): Record<string, string> {
    const value = this.raw(key, false) ?? {};
    if (!isTree(value)) return this.invalid(key, value, 'is not a mapping of names to values');
    const out: Record<string, string> = {};
    for (const [name, v] of Object.entries(value)) {
      if (typeof v !== 'string' && typeof v !== 'boolean') this.invalid(`${key}.${name}`, v, 'is not a word such as enable or disable');
      out[name] = String(v);
    }
    // CORE_CHAINCODE_SYSTEM_<NAME> may name an entry the file does not have.
    const prefix = `${envNameOf(key)}_`;
    for (const [envName, v] of Object.entries(this.env)) {
      if (!envName.startsWith(prefix) || !isSet(v)) continue;
      const name = envName.slice(prefix.length).toLowerCase();
      const existing = Object.keys(out).find((k) => envNameOf(k) === envNameOf(name));
      out[existing ?? name] = v;
    }
    return out;
  }

  /** A list of words: a YAML list, or one string of words separated by spaces or commas (as from a CORE_* variable). */
  stringList(key: string): string[] | undefined {
    const value = this.raw(key);
    if (value === undefined || value === null || value === '') return undefined;
    if (typeof value === 'string') return value.split(/[\s,]+/).filter((word) => word !== '');
    if (Array.isArray(value) && value.every((v) => typeof v === 'string')) return value;
    return this.invalid(key, value, 'is not a list of words');
  }

  /**
   * vm.docker.hostConfig: the keys Weft passes to Docker, each checked; an unknown key (a typo,
   * or one Weft does not pass on) stops start-up rather than being silently dropped.
   */
  hostConfig(key: string): DockerHostConfig {
    const tree = this.raw(key, false) ?? {};
    if (!isTree(tree)) return this.invalid(key, tree, 'is not a mapping of Docker HostConfig keys');
    const known = Object.keys(HOST_CONFIG_KEYS);
    for (const name of Object.keys(tree)) {
      if (!known.some((k) => k.toLowerCase() === name.toLowerCase())) {
        this.invalid(`${key}.${name}`, tree[name], `is not a HostConfig key Weft passes on (${known.join(', ')})`);
      }
    }
    const out: Record<string, unknown> = {};
    for (const [name, kind] of Object.entries(HOST_CONFIG_KEYS)) {
      const value = this.hostConfigValue(`${key}.${name}`, kind);
      if (value !== undefined) out[name] = value;
    }
    // Host networking by default, as in Fabric: the chaincode reaches the peer on its own addresses.
    return { ...out, NetworkMode: typeof out['NetworkMode'] === 'string' ? out['NetworkMode'] : 'host' };
  }

  /** One HostConfig key read as its kind; undefined when it is not set. */
  private hostConfigValue(at: string, kind: (typeof HOST_CONFIG_KEYS)[keyof typeof HOST_CONFIG_KEYS]): unknown {
    if (kind === 'string') return this.string(at) || undefined;
    if (kind === 'list') return this.stringList(at);
    if (kind === 'logConfig') return this.logConfig(at);
    const raw = this.raw(at);
    if (raw === undefined || raw === null) return undefined;
    return kind === 'integer' ? this.integer(at) : this.boolean(at);
  }

  private logConfig(key: string): DockerHostConfig['LogConfig'] {
    const value = this.raw(key, false);
    if (value === undefined || value === null) return undefined;
    if (!isTree(value)) return this.invalid(key, value, 'is not a mapping with Type and Config');
    const item = new Values(value, {}, `${key}.`);
    const type = item.string('Type');
    const config = item.raw('Config', false) ?? {};
    if (!isTree(config)) return item.invalid('Config', config, 'is not a mapping of log options');
    const options: Record<string, string> = {};
    for (const [name, v] of Object.entries(config)) {
      if (typeof v !== 'string' && typeof v !== 'number' && typeof v !== 'boolean') item.invalid(`Config.${name}`, v, 'is not a single value');
      options[name] = String(v);
    }
    return { Type: type || 'json-file', Config: options };
  }

  /** peer.deliveryclient.addressOverrides: [{from, to, caCertsFile}], as Fabric reads them. */
  addressOverrides(key: string, baseDir: string): DeliveryClientConfig['addressOverrides'] {
    const value = this.raw(key, false) ?? [];
    if (!Array.isArray(value)) return this.invalid(key, value, 'is not a list');
    return value.map((entry: unknown, i) => {
      const at = `${key}[${i}]`;
      if (!isTree(entry)) return this.invalid(at, entry, 'is not a mapping with from, to and caCertsFile');
      const item = new Values(entry, {}, `${at}.`);
      const from = item.address('from');
      const to = item.address('to');
      const caCertsFile = item.string('caCertsFile');
      return { from, to, caCertsFile: caCertsFile === '' ? undefined : resolve(baseDir, caCertsFile) };
    });
  }

  plugins(key: string): SystemPluginConfig[] {
    const value = this.raw(key, false) ?? [];
    if (!Array.isArray(value)) return this.invalid(key, value, 'is not a list');
    return value.map((entry: unknown, i): SystemPluginConfig => {
      const at = `${key}[${i}]`;
      if (!isTree(entry)) return this.invalid(at, entry, 'is not a mapping');
      const item = new Values(entry, {}, `${at}.`);
      const name = item.string('name');
      const path = item.string('path');
      if (name === '') item.invalid('name', name, 'must name the plugin');
      if (path === '') item.invalid('path', path, 'must give the path of the plugin module');
      return {
        name,
        path,
        enabled: item.boolean('enabled'),
        invokableExternal: item.boolean('invokableExternal'),
        invokableCC2CC: item.boolean('invokableCC2CC'),
      };
    });
  }

  /**
   * chaincode.externalBuilders: [{name, path, propagateEnvironment}], as Fabric reads them (its
   * older environmentWhitelist standing in for propagateEnvironment); CORE_CHAINCODE_EXTERNALBUILDERS
   * holds the list as YAML (`[{name: x, path: /dir}]`). Each path is made absolute (from `baseDir`)
   * and must hold bin/detect and bin/build, the two commands Fabric requires of a builder.
   */
  async externalBuilders(key: string, baseDir: string): Promise<ExternalBuilderConfig[]> {
    let value: unknown = this.raw(key) ?? [];
    if (typeof value === 'string') value = await this.parseYamlValue(key, value);
    if (value === null || value === undefined || value === '') return [];
    if (!Array.isArray(value)) return this.invalid(key, value, 'is not a list of builders (name, path, propagateEnvironment)');
    const builders: ExternalBuilderConfig[] = [];
    for (const [i, entry] of value.entries()) {
      const at = `${key}[${i}]`;
      if (!isTree(entry)) return this.invalid(at, entry, 'is not a mapping with name, path and propagateEnvironment');
      builders.push(await new Values(entry, {}, `${at}.`).externalBuilder(baseDir));
    }
    return builders;
  }

  /** One entry of chaincode.externalBuilders, these values being the entry's. */
  private async externalBuilder(baseDir: string): Promise<ExternalBuilderConfig> {
    const name = this.string('name');
    const path = this.string('path');
    if (path === '') this.invalid('path', path, 'must give the folder of the builder (the one holding bin/detect and bin/build)');
    if (name === '') this.invalid('name', name, `must name the external builder at ${path}`);
    const propagateEnvironment = this.stringList('propagateEnvironment') ?? this.stringList('environmentWhitelist') ?? [];
    const folder = resolve(baseDir, path);
    for (const command of ['detect', 'build']) {
      const info = await stat(join(folder, 'bin', command)).catch(() => undefined);
      if (info?.isFile() !== true) {
        this.invalid('path', path, `has no bin/${command}: an external builder needs bin/detect and bin/build (bin/release and bin/run are optional)`);
      }
    }
    return { name, path: folder, propagateEnvironment };
  }

  /** A list given as YAML text (from a CORE_* variable), parsed. */
  private async parseYamlValue(key: string, text: string): Promise<unknown> {
    const { parse } = await import('yaml');
    try {
      return parse(text) as unknown;
    } catch (err) {
      return this.invalid(key, text, `is not YAML: ${(errorMessage(err).split('\n')[0] ?? '').replace(/:$/, '')}`);
    }
  }

  private raw(key: string, allowEnv = true): unknown {
    if (allowEnv) {
      const fromEnv = this.env[envNameOf(key)];
      if (isSet(fromEnv)) return fromEnv;
    }
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
/** A whole number of at least 1; `absent` when the key is not set. */
function positive(values: Values, key: string, absent: number): number {
  const n = values.integer(key, absent);
  return n >= 1 ? n : values.invalid(key, n, 'must be at least 1');
}

function isSet(value: string | undefined): value is string {
  return value !== undefined && value !== '';
}

/** peer.fileSystemPath -> CORE_PEER_FILESYSTEMPATH */
function envNameOf(key: string): string {
  return `CORE_${key.toUpperCase().replace(/\./g, '_')}`;
}

function traceSize(values: Values): number {
  const size = values.integer('chaincode.trace.size', 1000);
  if (size < 1) values.invalid('chaincode.trace.size', size, 'must be at least 1 message');
  return size;
}
