import { errorMessage } from '../common/errors/weft-error.js';
import { Envelope, Payload, type Block } from '../common/protos/common.js';
import {
  ACLs,
  AnchorPeers,
  BatchSize,
  BatchTimeout,
  Capabilities,
  ConfigEnvelope,
  ConsensusType,
  EtcdRaft,
  OrdererAddresses,
  type Config,
  type ConfigGroup,
} from '../common/protos/configtx.js';
import { FabricMSPConfig, MSPConfig, MSP_TYPE_FABRIC } from '../common/protos/msp.js';
import { ChannelHeader, HeaderType } from '../common/protos/proposal.js';
import { ChannelConfigError } from './channel-config-error.js';
import { parseGoDuration } from './go-duration.js';

/** An organization of the channel: its config group name, MSP id, and where to reach it. */
export interface OrgConfig {
  readonly name: string;
  readonly mspId: string;
  /** Application orgs: the AnchorPeers value (empty when none). */
  readonly anchorPeers: ReadonlyArray<{ host: string; port: number }>;
  /** Orderer orgs: the Endpoints value (empty when none). */
  readonly endpoints: readonly string[];
}

export interface RaftConsenter {
  readonly host: string;
  readonly port: number;
  readonly clientTlsCert: Uint8Array;
  readonly serverTlsCert: Uint8Array;
}

export interface OrdererConfig {
  /** ConsensusType.type: etcdraft, solo, BFT, ... */
  readonly type: string;
  /** ConsensusType.state: 0 normal, 1 maintenance. */
  readonly state: number;
  /** The channel-level OrdererAddresses value (the legacy place); orgs' own endpoints are in ordererOrgs. */
  readonly addresses: readonly string[];
  readonly batchTimeoutMs: number;
  readonly batchSize: { readonly maxMessageCount: number; readonly absoluteMaxBytes: number; readonly preferredMaxBytes: number };
  /** etcdraft consenters; empty for other types. */
  readonly consenters: readonly RaftConsenter[];
  /** ConsensusType.metadata as stored (etcdraft ConfigMetadata, or another type's). */
  readonly metadata: Uint8Array;
}

/**
 * A channel's configuration read from its config block: the raw 'Channel' tree (for policies)
 * and what is decoded from it (MSPs, orgs, ACLs, capabilities, orderer parameters). A block or a
 * tree that is not what Fabric writes is refused with a ChannelConfigError naming the part.
 */
export class ChannelConfig {
  readonly msps: readonly MSPConfig[];
  readonly applicationOrgs: readonly OrgConfig[];
  readonly ordererOrgs: readonly OrgConfig[];
  readonly acls: ReadonlyMap<string, string>;
  readonly capabilities: { readonly channel: readonly string[]; readonly application: readonly string[]; readonly orderer: readonly string[] };
  readonly orderer: OrdererConfig | undefined;

  private constructor(
    readonly channelId: string,
    readonly sequence: number,
    readonly channelGroup: ConfigGroup,
  ) {
    const application = channelGroup.getGroupsMap().get('Application');
    const orderer = channelGroup.getGroupsMap().get('Orderer');
    const msps = new Map<string, MSPConfig>();
    this.applicationOrgs = application === undefined ? [] : orgsOf(application, '/Channel/Application', msps);
    this.ordererOrgs = orderer === undefined ? [] : orgsOf(orderer, '/Channel/Orderer', msps);
    this.msps = [...msps.values()];
    this.acls = application === undefined ? new Map() : aclsOf(application);
    this.capabilities = {
      channel: capabilitiesOf(channelGroup, '/Channel'),
      application: application === undefined ? [] : capabilitiesOf(application, '/Channel/Application'),
      orderer: orderer === undefined ? [] : capabilitiesOf(orderer, '/Channel/Orderer'),
    };
    this.orderer = orderer === undefined ? undefined : ordererConfigOf(orderer, channelGroup);
    requireValue(channelGroup, '/Channel', 'HashingAlgorithm');
    requireValue(channelGroup, '/Channel', 'BlockDataHashingStructure');
  }

  /** The configuration in a config block (its one CONFIG envelope). */
  static fromBlock(block: Block): ChannelConfig {
    const number = block.getHeader()?.getNumber() ?? 0;
    const where = `block ${String(number)}`;
    const data = block.getData()?.getDataList_asU8() ?? [];
    if (data.length !== 1) {
      throw new ChannelConfigError('BLOCK_MALFORMED', `${where}: a config block holds exactly one envelope, this one holds ${String(data.length)}`);
    }
    const envelope = decode(() => Envelope.deserializeBinary(data[0] ?? new Uint8Array(0)), `${where} envelope 0`);
    const payload = decode(() => Payload.deserializeBinary(envelope.getPayload_asU8()), `${where} envelope payload`);
    const header = payload.getHeader();
    if (header === undefined) throw new ChannelConfigError('BLOCK_MALFORMED', `${where}: envelope payload has no header`);
    const channelHeader = decode(() => ChannelHeader.deserializeBinary(header.getChannelHeader_asU8()), `${where} channel header`);
    if (channelHeader.getType() !== HeaderType.CONFIG) {
      throw new ChannelConfigError('BLOCK_MALFORMED', `${where}: channel header type is ${String(channelHeader.getType())}, not CONFIG (${String(HeaderType.CONFIG)})`);
    }
    const configEnvelope = decode(() => ConfigEnvelope.deserializeBinary(payload.getData_asU8()), `${where} config envelope`);
    const config = configEnvelope.getConfig();
    if (config === undefined) throw new ChannelConfigError('BLOCK_MALFORMED', `${where}: config envelope holds no config`);
    return ChannelConfig.fromConfig(config, channelHeader.getChannelId());
  }

  /** A Config tree (of a ConfigEnvelope); the channel id comes from the envelope, so it is given here. */
  static fromConfig(config: Config, channelId = ''): ChannelConfig {
    const channelGroup = config.getChannelGroup();
    if (channelGroup === undefined) throw new ChannelConfigError('CONFIG_MALFORMED', 'config has no channel group');
    return new ChannelConfig(channelId, config.getSequence(), channelGroup);
  }
}

function decode<T>(fn: () => T, what: string): T {
  try {
    return fn();
  } catch (err) {
    throw new ChannelConfigError('BLOCK_MALFORMED', `${what} does not decode: ${errorMessage(err)}`, { cause: err });
  }
}

function valueOf<T>(group: ConfigGroup, path: string, key: string, read: (bytes: Uint8Array) => T): T | undefined {
  const value = group.getValuesMap().get(key);
  if (value === undefined) return undefined;
  try {
    return read(value.getValue_asU8());
  } catch (err) {
    throw new ChannelConfigError('CONFIG_MALFORMED', `config value ${path}/${key} does not decode: ${errorMessage(err)}`, { cause: err });
  }
}

function requireValue(group: ConfigGroup, path: string, key: string): void {
  if (group.getValuesMap().get(key) === undefined) throw new ChannelConfigError('CONFIG_MALFORMED', `config value ${path}/${key} is missing`);
}

function orgsOf(parent: ConfigGroup, path: string, msps: Map<string, MSPConfig>): OrgConfig[] {
  const orgs: OrgConfig[] = [];
  for (const [name, group] of parent.getGroupsMap().entries()) {
    const orgPath = `${path}/${name}`;
    const msp = valueOf(group, orgPath, 'MSP', (b) => MSPConfig.deserializeBinary(b));
    if (msp === undefined) throw new ChannelConfigError('CONFIG_MALFORMED', `config value ${orgPath}/MSP is missing`);
    let mspId = name;
    if (msp.getType() === MSP_TYPE_FABRIC) {
      mspId = valueOf(group, orgPath, 'MSP', () => FabricMSPConfig.deserializeBinary(msp.getConfig_asU8()).getName()) ?? name;
      if (mspId === '') throw new ChannelConfigError('CONFIG_MALFORMED', `config value ${orgPath}/MSP names no MSP id`);
    }
    const known = msps.get(mspId);
    // An org may be in both the application and the orderer groups, with the same MSP; two
    // different MSPs under one ID would let one org's CA speak for the other's principals.
    if (known !== undefined && !Buffer.from(known.serializeBinary()).equals(Buffer.from(msp.serializeBinary()))) {
      throw new ChannelConfigError('CONFIG_MALFORMED', `${orgPath}: attempted to define two different versions of MSP: ${mspId}`);
    }
    msps.set(mspId, msp);
    const anchorPeers =
      valueOf(group, orgPath, 'AnchorPeers', (b) =>
        AnchorPeers.deserializeBinary(b)
          .getAnchorPeersList()
          .map((a) => ({ host: a.getHost(), port: a.getPort() })),
      ) ?? [];
    const endpoints = valueOf(group, orgPath, 'Endpoints', (b) => OrdererAddresses.deserializeBinary(b).getAddressesList()) ?? [];
    orgs.push({ name, mspId, anchorPeers, endpoints });
  }
  return orgs;
}

function aclsOf(application: ConfigGroup): Map<string, string> {
  const acls = new Map<string, string>();
  const decoded = valueOf(application, '/Channel/Application', 'ACLs', (b) => ACLs.deserializeBinary(b));
  for (const [resource, apiResource] of decoded?.getAclsMap().entries() ?? []) acls.set(resource, apiResource.getPolicyRef());
  return acls;
}

function capabilitiesOf(group: ConfigGroup, path: string): string[] {
  const caps = valueOf(group, path, 'Capabilities', (b) => Capabilities.deserializeBinary(b));
  return caps === undefined ? [] : [...caps.getCapabilitiesMap().keys()].sort();
}

function ordererConfigOf(orderer: ConfigGroup, channel: ConfigGroup): OrdererConfig {
  const path = '/Channel/Orderer';
  const consensus = valueOf(orderer, path, 'ConsensusType', (b) => ConsensusType.deserializeBinary(b));
  if (consensus === undefined) throw new ChannelConfigError('CONFIG_MALFORMED', `config value ${path}/ConsensusType is missing`);
  const batchSize = valueOf(orderer, path, 'BatchSize', (b) => BatchSize.deserializeBinary(b));
  if (batchSize === undefined) throw new ChannelConfigError('CONFIG_MALFORMED', `config value ${path}/BatchSize is missing`);
  const timeout = valueOf(orderer, path, 'BatchTimeout', (b) => BatchTimeout.deserializeBinary(b).getTimeout());
  if (timeout === undefined) throw new ChannelConfigError('CONFIG_MALFORMED', `config value ${path}/BatchTimeout is missing`);
  let timeoutNs: bigint;
  try {
    timeoutNs = parseGoDuration(timeout, `${path}/BatchTimeout`);
  } catch {
    throw new ChannelConfigError('CONFIG_MALFORMED', `config value ${path}/BatchTimeout: '${timeout}' is not a duration`);
  }
  if (timeoutNs <= 0n) throw new ChannelConfigError('CONFIG_MALFORMED', `config value ${path}/BatchTimeout: '${timeout}' must be positive`);
  let consenters: RaftConsenter[] = [];
  if (consensus.getType() === 'etcdraft') {
    consenters = valueOf(orderer, path, 'ConsensusType', () =>
      EtcdRaft.ConfigMetadata.deserializeBinary(consensus.getMetadata_asU8())
        .getConsentersList()
        .map((c) => ({ host: c.getHost(), port: c.getPort(), clientTlsCert: c.getClientTlsCert_asU8(), serverTlsCert: c.getServerTlsCert_asU8() })),
    ) ?? [];
  }
  return {
    type: consensus.getType(),
    state: consensus.getState(),
    addresses: valueOf(channel, '/Channel', 'OrdererAddresses', (b) => OrdererAddresses.deserializeBinary(b).getAddressesList()) ?? [],
    batchTimeoutMs: Number(timeoutNs) / 1e6,
    batchSize: {
      maxMessageCount: batchSize.getMaxMessageCount(),
      absoluteMaxBytes: batchSize.getAbsoluteMaxBytes(),
      preferredMaxBytes: batchSize.getPreferredMaxBytes(),
    },
    consenters,
    metadata: consensus.getMetadata_asU8(),
  };
}
