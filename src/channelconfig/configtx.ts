import { readFile, stat } from 'node:fs/promises';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { errorMessage } from '../common/errors/weft-error.js';
import { ChannelConfigError } from './channel-config-error.js';
import { formatGoDuration, parseGoDuration } from './go-duration.js';
import { invalid, isMapping, readBooleans, YamlFields } from './yaml-fields.js';

/** A policy of configtx.yaml: `Type` Signature or ImplicitMeta, `Rule` in that type's language. */
export interface ConfigtxPolicy {
  type: string;
  rule: string;
}

/** Named policies in document order; undefined when the section has none (configtxgen then refuses to encode it). */
export type ConfigtxPolicies = Array<[string, ConfigtxPolicy]> | undefined;

export interface ConfigtxOrganization {
  name: string;
  /** The MSP id. */
  id: string;
  /** Absolute: relative paths are resolved against the folder of configtx.yaml. */
  mspDir: string;
  mspType: string;
  policies: ConfigtxPolicies;
  anchorPeers: Array<{ host: string; port: number }>;
  ordererEndpoints: string[];
}

export interface ConfigtxApplication {
  organizations: ConfigtxOrganization[];
  capabilities: Record<string, boolean> | undefined;
  policies: ConfigtxPolicies;
  /** Resource -> policy reference, in document order. */
  acls: Array<[string, string]>;
}

export interface ConfigtxConsenter {
  host: string;
  port: number;
  /** Paths of PEM files (absolute once loaded); their contents go into the block. */
  clientTlsCert: string;
  serverTlsCert: string;
}

export interface ConfigtxEtcdRaftOptions {
  tickInterval: string;
  electionTick: number;
  heartbeatTick: number;
  maxInflightBlocks: number;
  snapshotIntervalSize: number;
}

export interface ConfigtxOrderer {
  /** solo, etcdraft, kafka (legacy) or BFT (read, not encoded: see the encoder). */
  ordererType: string;
  addresses: string[];
  /** As Go's Duration.String() writes it ("100ms"): configtxgen stores it so. */
  batchTimeout: string;
  batchSize: { maxMessageCount: number; absoluteMaxBytes: number; preferredMaxBytes: number };
  kafkaBrokers: string[];
  etcdRaft: { consenters: ConfigtxConsenter[]; options: ConfigtxEtcdRaftOptions } | undefined;
  organizations: ConfigtxOrganization[];
  maxChannels: number;
  capabilities: Record<string, boolean> | undefined;
  policies: ConfigtxPolicies;
}

/** One profile of configtx.yaml's `Profiles`, completed as configtxgen completes it (defaults, resolved paths). */
export interface ConfigtxProfile {
  consortium: string;
  application: ConfigtxApplication | undefined;
  orderer: ConfigtxOrderer | undefined;
  consortiums: Array<[string, { organizations: ConfigtxOrganization[] }]> | undefined;
  capabilities: Record<string, boolean> | undefined;
  policies: ConfigtxPolicies;
}

// configtxgen's defaults for an Orderer section that leaves them out.
const ORDERER_DEFAULTS = {
  ordererType: 'solo',
  batchTimeout: '2s',
  maxMessageCount: 500,
  absoluteMaxBytes: 10 * 1024 * 1024,
  preferredMaxBytes: 2 * 1024 * 1024,
  kafkaBrokers: ['127.0.0.1:9092'],
  etcdRaftOptions: { tickInterval: '500ms', electionTick: 10, heartbeatTick: 1, maxInflightBlocks: 5, snapshotIntervalSize: 16 * 1024 * 1024 },
} as const;

/** The configtx.yaml a -configPath names: a folder holding configtx.yaml (as Fabric), or the file itself. */
export async function findConfigtxFile(configPath: string): Promise<string> {
  const path = resolve(configPath);
  try {
    return (await stat(path)).isDirectory() ? join(path, 'configtx.yaml') : path;
  } catch (err) {
    throw new ChannelConfigError('CONFIGTX_INVALID', `cannot read configtx.yaml at ${path}: ${errorMessage(err)}`, { cause: err });
  }
}

/**
 * Loads a profile of a configtx.yaml (found by findConfigtxFile), as configtxgen's genesisconfig.Load
 * does: YAML anchors and `<<` merge keys, the whole document checked against Fabric's schema,
 * sizes ("99 MB") and durations ("100ms") read, orderer defaults filled in, MSPDir and consenter
 * certificate paths resolved against the folder of configtx.yaml.
 */
export async function loadProfile(profileName: string, configPath: string): Promise<ConfigtxProfile> {
  const file = await findConfigtxFile(configPath);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new ChannelConfigError('CONFIGTX_INVALID', `cannot read ${file}: ${errorMessage(err)}`, { cause: err });
  }
  return parseProfile(text, profileName, dirname(file), file);
}

/**
 * loadProfile without reading the file: `configDir` is what relative paths are resolved against;
 * `source` names the text in the errors about the document as a whole.
 */
export async function parseProfile(yamlText: string, profileName: string, configDir: string, source = 'configtx.yaml'): Promise<ConfigtxProfile> {
  // yaml loads only when a configtx.yaml is read: the peer's start path does without it.
  const { parse } = await import('yaml');
  let doc: unknown;
  try {
    doc = parse(yamlText, { merge: true, maxAliasCount: -1 });
  } catch (err) {
    throw new ChannelConfigError('CONFIGTX_INVALID', `${source} is not valid YAML: ${errorMessage(err)}`, { cause: err });
  }
  // Checked here, where the file is known: a mapping's fields name their path, and the top level has none.
  if (doc !== null && doc !== undefined && !isMapping(doc)) {
    throw new ChannelConfigError('CONFIGTX_INVALID', `${source} is not a YAML mapping (of Organizations, Profiles, ...)`);
  }
  // Only the chosen profile is completed and checked in depth; the rest of the document is checked against the schema.
  const outline: ReadContext = { configDir, complete: false };
  const top = YamlFields.of(doc, '');
  // The sections outside Profiles are read too: configtxgen refuses a document any part of which is off-schema.
  top.list('Organizations', (f) => readOrganization(f, outline));
  readProfile(YamlFields.of(top.get('Channel'), 'Channel'), outline);
  readOptional(top, 'Application', (f) => readApplication(f, outline));
  readOptional(top, 'Orderer', (f) => readOrderer(f, outline));
  for (const [name, value] of top.entries('Capabilities') ?? []) readBooleans(value, `Capabilities.${name}`);
  const profiles = top.entries('Profiles') ?? [];
  top.done();

  const found = profiles.find(([name]) => name === profileName) ?? profiles.find(([name]) => name.toLowerCase() === profileName.toLowerCase());
  if (found === undefined) {
    const known = profiles.map(([name]) => name).join(', ');
    throw new ChannelConfigError('PROFILE_NOT_FOUND', `could not find profile: ${profileName} (configtx.yaml has ${known === '' ? 'no profiles' : known})`);
  }
  for (const [name, value] of profiles) {
    if (name !== found[0]) readProfile(YamlFields.of(value, `Profiles.${name}`), outline);
  }
  return readProfile(YamlFields.of(found[1], `Profiles.${found[0]}`), { configDir, complete: true });
}

function readOptional<T>(fields: YamlFields, name: string, read: (f: YamlFields) => T): T | undefined {
  if (!fields.has(name)) return undefined;
  const inner = YamlFields.of(fields.get(name), fields.path(name));
  const result = read(inner);
  inner.done();
  return result;
}

function readProfile(f: YamlFields, ctx: ReadContext): ConfigtxProfile {
  const consortiums = f.entries('Consortiums')?.map(([name, value]): [string, { organizations: ConfigtxOrganization[] }] => {
    const c = YamlFields.of(value, `${f.path('Consortiums')}.${name}`);
    const organizations = c.list('Organizations', (o) => readOrganization(o, ctx));
    c.done();
    return [name, { organizations }];
  });
  const profile: ConfigtxProfile = {
    consortium: f.string('Consortium'),
    application: readOptional(f, 'Application', (a) => readApplication(a, ctx)),
    orderer: readOptional(f, 'Orderer', (o) => readOrderer(o, ctx)),
    consortiums,
    capabilities: f.booleans('Capabilities'),
    policies: readPolicies(f),
  };
  f.done();
  return profile;
}

function readPolicies(f: YamlFields): ConfigtxPolicies {
  return f.entries('Policies')?.map(([name, value]): [string, ConfigtxPolicy] => {
    const p = YamlFields.of(value, `${f.path('Policies')}.${name}`);
    const policy = { type: p.string('Type'), rule: p.string('Rule') };
    p.done();
    return [name, policy];
  });
}

function readOrganization(f: YamlFields, ctx: ReadContext): ConfigtxOrganization {
  const mspDir = f.string('MSPDir');
  const org: ConfigtxOrganization = {
    name: f.string('Name'),
    id: f.string('ID'),
    mspDir: mspDir === '' ? '' : resolvePath(ctx.configDir, mspDir),
    mspType: f.string('MSPType') || 'bccsp',
    policies: readPolicies(f),
    anchorPeers: f.list('AnchorPeers', (a) => ({ host: a.string('Host'), port: a.int('Port') })),
    ordererEndpoints: f.strings('OrdererEndpoints'),
  };
  f.string('AdminPrincipal'); // accepted and unused, as in configtxgen 2.x
  return org;
}

function readApplication(f: YamlFields, ctx: ReadContext): ConfigtxApplication {
  const acls = (f.entries('ACLs') ?? []).map(([resource, ref]): [string, string] => {
    if (typeof ref !== 'string') throw invalid(`${f.path('ACLs')}.${resource}`, 'must be a policy reference');
    return [resource, ref];
  });
  return {
    organizations: f.list('Organizations', (o) => readOrganization(o, ctx)),
    capabilities: f.booleans('Capabilities'),
    policies: readPolicies(f),
    acls,
  };
}

function readOrderer(f: YamlFields, ctx: ReadContext): ConfigtxOrderer {
  const batchSize = YamlFields.of(f.get('BatchSize'), f.path('BatchSize'));
  const size = {
    maxMessageCount: batchSize.uint32('MaxMessageCount') || ORDERER_DEFAULTS.maxMessageCount,
    absoluteMaxBytes: batchSize.uint32('AbsoluteMaxBytes') || ORDERER_DEFAULTS.absoluteMaxBytes,
    preferredMaxBytes: batchSize.uint32('PreferredMaxBytes') || ORDERER_DEFAULTS.preferredMaxBytes,
  };
  batchSize.done();
  const timeoutText = f.string('BatchTimeout');
  const timeoutNs = timeoutText === '' ? 0n : parseGoDuration(timeoutText, f.path('BatchTimeout'));
  const kafka = YamlFields.of(f.get('Kafka'), f.path('Kafka'));
  const kafkaBrokers = kafka.has('Brokers') ? kafka.strings('Brokers') : [...ORDERER_DEFAULTS.kafkaBrokers];
  kafka.done();
  const ordererType = f.string('OrdererType') || ORDERER_DEFAULTS.ordererType;
  const etcdRaftGiven = f.has('EtcdRaft');
  const etcdRaft = etcdRaftGiven ? readEtcdRaft(YamlFields.of(f.get('EtcdRaft'), f.path('EtcdRaft')), ctx) : undefined;
  if (ctx.complete && ordererType === 'etcdraft' && etcdRaft === undefined) throw invalid(f.path('EtcdRaft'), 'is missing: etcdraft configuration missing');
  return {
    ordererType,
    addresses: f.strings('Addresses'),
    batchTimeout: timeoutNs === 0n ? ORDERER_DEFAULTS.batchTimeout : formatGoDuration(timeoutNs),
    batchSize: size,
    kafkaBrokers,
    etcdRaft,
    organizations: f.list('Organizations', (o) => readOrganization(o, ctx)),
    maxChannels: f.uint32('MaxChannels'),
    capabilities: f.booleans('Capabilities'),
    policies: readPolicies(f),
  };
}

function readEtcdRaft(f: YamlFields, ctx: ReadContext): { consenters: ConfigtxConsenter[]; options: ConfigtxEtcdRaftOptions } {
  const consenters = f.list('Consenters', (c) => {
    const where = c.where;
    const consenter = {
      host: c.string('Host'),
      port: c.uint32('Port'),
      clientTlsCert: c.string('ClientTLSCert'),
      serverTlsCert: c.string('ServerTLSCert'),
    };
    if (!ctx.complete) return consenter;
    if (consenter.host === '') throw invalid(where, 'did not specify host');
    if (consenter.port === 0) throw invalid(where, 'did not specify port');
    if (consenter.clientTlsCert === '') throw invalid(where, 'did not specify client TLS cert');
    if (consenter.serverTlsCert === '') throw invalid(where, 'did not specify server TLS cert');
    consenter.clientTlsCert = resolvePath(ctx.configDir, consenter.clientTlsCert);
    consenter.serverTlsCert = resolvePath(ctx.configDir, consenter.serverTlsCert);
    return consenter;
  });
  const o = YamlFields.of(f.get('Options'), f.path('Options'));
  const d = ORDERER_DEFAULTS.etcdRaftOptions;
  const options = {
    tickInterval: o.string('TickInterval') || d.tickInterval,
    electionTick: o.uint32('ElectionTick') || d.electionTick,
    heartbeatTick: o.uint32('HeartbeatTick') || d.heartbeatTick,
    maxInflightBlocks: o.uint32('MaxInflightBlocks') || d.maxInflightBlocks,
    snapshotIntervalSize: o.uint32('SnapshotIntervalSize') || d.snapshotIntervalSize,
  };
  o.done();
  f.done();
  if (!ctx.complete) return { consenters, options };
  if (consenters.length === 0) throw invalid(f.path('Consenters'), 'is empty: etcdraft configuration did not specify any consenter');
  parseGoDuration(options.tickInterval, o.path('TickInterval'));
  if (options.electionTick <= options.heartbeatTick) throw invalid(o.where, 'ElectionTick must be greater than HeartbeatTick');
  return { consenters, options };
}

/** Where relative paths start, and whether this is the profile being loaded (completed and checked in depth). */
interface ReadContext {
  configDir: string;
  complete: boolean;
}

function resolvePath(configDir: string, path: string): string {
  return isAbsolute(path) ? path : join(configDir, path);
}
