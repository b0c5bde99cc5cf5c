import { readFile } from 'node:fs/promises';
import { errorMessage } from '../common/errors/weft-error.js';
import { parseSignaturePolicy } from '../policies/signature-policy-dsl.js';
import {
  ACLs,
  AnchorPeer,
  AnchorPeers,
  APIResource,
  BatchSize,
  BatchTimeout,
  BlockDataHashingStructure,
  Capabilities,
  Capability,
  ChannelRestrictions,
  ConfigGroup,
  ConfigPolicy,
  ConfigValue,
  ConsensusType,
  Consortium,
  EtcdRaft,
  HashingAlgorithm,
  ImplicitMetaPolicy,
  KafkaBrokers,
  OrdererAddresses,
  Policy,
} from '../common/protos/configtx.js';
import { SignaturePolicy, SignaturePolicyEnvelope } from '../common/protos/collection.js';
import type { MSPConfig } from '../common/protos/msp.js';
import { readMspFolder } from '../msp/msp-folder.js';
import { ChannelConfigError } from './channel-config-error.js';
import type {
  ConfigtxApplication,
  ConfigtxOrderer,
  ConfigtxOrganization,
  ConfigtxPolicies,
  ConfigtxPolicy,
  ConfigtxProfile,
} from './configtx.js';

const ADMINS = 'Admins';
const ORDERER_ADMINS = '/Channel/Orderer/Admins';

/** What the encoder reads from disk; tests and callers with MSPs in memory pass their own. */
export interface ChannelGroupSources {
  readMsp?: (dir: string, mspId: string) => Promise<MSPConfig>;
  readFile?: (path: string) => Promise<Uint8Array>;
}

/**
 * The 'Channel' config group of a configtx.yaml profile, as configtxgen 2.5 encodes it: every
 * mod_policy 'Admins' (OrdererAddresses '/Channel/Orderer/Admins'), every version 0; channel values
 * HashingAlgorithm, BlockDataHashingStructure, OrdererAddresses (only when the Orderer section lists
 * Addresses), Consortium (only when named), Capabilities; the Orderer, Application and Consortiums
 * groups when the profile has them. Errors name the section that is wrong.
 */
export async function encodeChannelGroup(profile: ConfigtxProfile, sources: ChannelGroupSources = {}): Promise<ConfigGroup> {
  const readMsp = sources.readMsp ?? readMspFolder;
  const read = sources.readFile ?? readFile;
  const channel = new ConfigGroup();
  addPolicies(channel, profile.policies, 'Channel');

  const hashing = new HashingAlgorithm();
  hashing.setName('SHA256');
  addValue(channel, 'HashingAlgorithm', hashing.serializeBinary());
  const dataHashing = new BlockDataHashingStructure();
  dataHashing.setWidth(0xffffffff);
  addValue(channel, 'BlockDataHashingStructure', dataHashing.serializeBinary());
  if (profile.orderer !== undefined && profile.orderer.addresses.length > 0) {
    const addresses = new OrdererAddresses();
    addresses.setAddressesList(profile.orderer.addresses);
    addValue(channel, 'OrdererAddresses', addresses.serializeBinary(), ORDERER_ADMINS);
  }
  if (profile.consortium !== '') {
    const consortium = new Consortium();
    consortium.setName(profile.consortium);
    addValue(channel, 'Consortium', consortium.serializeBinary());
  }
  addCapabilities(channel, profile.capabilities);

  if (profile.orderer !== undefined) {
    channel.getGroupsMap().set('Orderer', await ordererGroup(profile.orderer, readMsp, read));
  }
  if (profile.application !== undefined) {
    channel.getGroupsMap().set('Application', await applicationGroup(profile.application, readMsp));
  }
  if (profile.consortiums !== undefined) {
    channel.getGroupsMap().set('Consortiums', await consortiumsGroup(profile.consortiums, readMsp));
  }
  channel.setModPolicy(ADMINS);
  return channel;
}

type ReadMsp = (dir: string, mspId: string) => Promise<MSPConfig>;

async function ordererGroup(conf: ConfigtxOrderer, readMsp: ReadMsp, read: (path: string) => Promise<Uint8Array>): Promise<ConfigGroup> {
  const group = new ConfigGroup();
  if (conf.policies !== undefined && !conf.policies.some(([name]) => name === 'BlockValidation')) {
    throw profileInvalid('Orderer', 'no BlockValidation policy defined');
  }
  addPolicies(group, conf.policies, 'Orderer');
  const batchSize = new BatchSize();
  batchSize.setMaxMessageCount(conf.batchSize.maxMessageCount);
  batchSize.setAbsoluteMaxBytes(conf.batchSize.absoluteMaxBytes);
  batchSize.setPreferredMaxBytes(conf.batchSize.preferredMaxBytes);
  addValue(group, 'BatchSize', batchSize.serializeBinary());
  const batchTimeout = new BatchTimeout();
  batchTimeout.setTimeout(conf.batchTimeout);
  addValue(group, 'BatchTimeout', batchTimeout.serializeBinary());
  const restrictions = new ChannelRestrictions();
  restrictions.setMaxCount(conf.maxChannels);
  addValue(group, 'ChannelRestrictions', restrictions.serializeBinary());
  addCapabilities(group, conf.capabilities);

  let metadata: Uint8Array = new Uint8Array(0);
  switch (conf.ordererType) {
    case 'solo':
      break;
    case 'kafka': {
      const brokers = new KafkaBrokers();
      brokers.setBrokersList(conf.kafkaBrokers);
      addValue(group, 'KafkaBrokers', brokers.serializeBinary());
      break;
    }
    case 'etcdraft':
      metadata = await etcdRaftMetadata(conf, read);
      break;
    default:
      // Fabric 3's BFT needs its consenter mapping and SmartBFT options, which configtxgen 2.5 does not write either.
      throw profileInvalid('Orderer.OrdererType', `unknown orderer type: ${conf.ordererType} (solo, etcdraft or kafka)`);
  }
  const consensusType = new ConsensusType();
  consensusType.setType(conf.ordererType);
  consensusType.setMetadata(metadata);
  addValue(group, 'ConsensusType', consensusType.serializeBinary());

  for (const org of conf.organizations) {
    const orgGroup = await orgGroupWithMsp(org, readMsp, `Orderer.Organizations ${org.name}`);
    if (org.ordererEndpoints.length > 0) {
      const endpoints = new OrdererAddresses();
      endpoints.setAddressesList(org.ordererEndpoints);
      addValue(orgGroup, 'Endpoints', endpoints.serializeBinary());
    }
    group.getGroupsMap().set(org.name, orgGroup);
  }
  group.setModPolicy(ADMINS);
  return group;
}

// etcdraft's ConfigMetadata with each consenter's certificate paths replaced by the files' contents.
async function etcdRaftMetadata(conf: ConfigtxOrderer, read: (path: string) => Promise<Uint8Array>): Promise<Uint8Array> {
  if (conf.etcdRaft === undefined) throw profileInvalid('Orderer.EtcdRaft', 'etcdraft configuration missing');
  const metadata = new EtcdRaft.ConfigMetadata();
  for (const c of conf.etcdRaft.consenters) {
    const consenter = new EtcdRaft.Consenter();
    consenter.setHost(c.host);
    consenter.setPort(c.port);
    const load = async (path: string, which: string): Promise<Uint8Array> => {
      try {
        return await read(path);
      } catch (err) {
        throw profileInvalid('Orderer.EtcdRaft.Consenters', `cannot load ${which} cert for consenter ${c.host}:${String(c.port)}: ${errorMessage(err)}`);
      }
    };
    consenter.setClientTlsCert(await load(c.clientTlsCert, 'client'));
    consenter.setServerTlsCert(await load(c.serverTlsCert, 'server'));
    metadata.addConsenters(consenter);
  }
  const o = conf.etcdRaft.options;
  const options = new EtcdRaft.Options();
  options.setTickInterval(o.tickInterval);
  options.setElectionTick(o.electionTick);
  options.setHeartbeatTick(o.heartbeatTick);
  options.setMaxInflightBlocks(o.maxInflightBlocks);
  options.setSnapshotIntervalSize(o.snapshotIntervalSize);
  metadata.setOptions(options);
  return metadata.serializeBinary();
}

async function applicationGroup(conf: ConfigtxApplication, readMsp: ReadMsp): Promise<ConfigGroup> {
  const group = new ConfigGroup();
  addPolicies(group, conf.policies, 'Application');
  if (conf.acls.length > 0) {
    const acls = new ACLs();
    for (const [resource, ref] of conf.acls) {
      const apiResource = new APIResource();
      apiResource.setPolicyRef(ref);
      acls.getAclsMap().set(resource, apiResource);
    }
    addValue(group, 'ACLs', acls.serializeBinary());
  }
  addCapabilities(group, conf.capabilities);
  for (const org of conf.organizations) {
    const orgGroup = await orgGroupWithMsp(org, readMsp, `Application.Organizations ${org.name}`);
    if (org.anchorPeers.length > 0) {
      const anchors = new AnchorPeers();
      anchors.setAnchorPeersList(
        org.anchorPeers.map((a) => {
          const anchor = new AnchorPeer();
          anchor.setHost(a.host);
          anchor.setPort(a.port);
          return anchor;
        }),
      );
      addValue(orgGroup, 'AnchorPeers', anchors.serializeBinary());
    }
    group.getGroupsMap().set(org.name, orgGroup);
  }
  group.setModPolicy(ADMINS);
  return group;
}

// The Consortiums group of a system channel: mod_policy '/Channel/Orderer/Admins' throughout.
async function consortiumsGroup(consortiums: Array<[string, { organizations: ConfigtxOrganization[] }]>, readMsp: ReadMsp): Promise<ConfigGroup> {
  const group = new ConfigGroup();
  const acceptAll = new SignaturePolicyEnvelope();
  const rule = new SignaturePolicy();
  const none = new SignaturePolicy.NOutOf();
  none.setN(0);
  rule.setNOutOf(none);
  acceptAll.setRule(rule);
  addPolicy(group, ADMINS, signaturePolicy(acceptAll.serializeBinary()), ORDERER_ADMINS);
  for (const [name, consortium] of consortiums) {
    const consortiumGroup = new ConfigGroup();
    for (const org of consortium.organizations) {
      consortiumGroup.getGroupsMap().set(org.name, await orgGroupWithMsp(org, readMsp, `Consortiums.${name} ${org.name}`));
    }
    addValue(consortiumGroup, 'ChannelCreationPolicy', implicitMeta('ANY Admins', `Consortiums.${name}`).serializeBinary(), ORDERER_ADMINS);
    consortiumGroup.setModPolicy(ORDERER_ADMINS);
    group.getGroupsMap().set(name, consortiumGroup);
  }
  group.setModPolicy(ORDERER_ADMINS);
  return group;
}

async function orgGroupWithMsp(org: ConfigtxOrganization, readMsp: ReadMsp, where: string): Promise<ConfigGroup> {
  const group = new ConfigGroup();
  group.setModPolicy(ADMINS);
  if (org.mspType !== 'bccsp') throw profileInvalid(where, `MSPType ${org.mspType} is not supported (bccsp only)`);
  let mspConfig: MSPConfig;
  try {
    mspConfig = await readMsp(org.mspDir, org.id);
  } catch (err) {
    throw profileInvalid(where, `error loading MSP configuration from ${org.mspDir}: ${errorMessage(err)}`);
  }
  addPolicies(group, org.policies, where);
  addValue(group, 'MSP', mspConfig.serializeBinary());
  return group;
}

function addValue(group: ConfigGroup, key: string, bytes: Uint8Array, modPolicy = ADMINS): void {
  const value = new ConfigValue();
  value.setValue(bytes);
  value.setModPolicy(modPolicy);
  group.getValuesMap().set(key, value);
}

function addPolicy(group: ConfigGroup, name: string, policy: Policy, modPolicy = ADMINS): void {
  const configPolicy = new ConfigPolicy();
  configPolicy.setPolicy(policy);
  configPolicy.setModPolicy(modPolicy);
  group.getPoliciesMap().set(name, configPolicy);
}

// Capabilities set to false are left out of the value, which is still written when the section lists any.
function addCapabilities(group: ConfigGroup, capabilities: Record<string, boolean> | undefined): void {
  if (capabilities === undefined || Object.keys(capabilities).length === 0) return;
  const value = new Capabilities();
  for (const [name, required] of Object.entries(capabilities)) {
    if (required) value.getCapabilitiesMap().set(name, new Capability());
  }
  addValue(group, 'Capabilities', value.serializeBinary());
}

function addPolicies(group: ConfigGroup, policies: ConfigtxPolicies, where: string): void {
  if (policies === undefined) throw profileInvalid(where, 'no policies defined');
  for (const required of [ADMINS, 'Readers', 'Writers']) {
    if (!policies.some(([name]) => name === required)) throw profileInvalid(where, `no ${required} policy defined`);
  }
  for (const [name, policy] of policies) addPolicy(group, name, encodePolicy(policy, `${where} policy ${name}`));
}

/** A configtx.yaml policy as the Policy proto it becomes. */
export function encodePolicy(policy: ConfigtxPolicy, where: string): Policy {
  switch (policy.type) {
    case 'ImplicitMeta':
      return implicitMeta(policy.rule, where);
    case 'Signature': {
      let envelope: SignaturePolicyEnvelope;
      try {
        envelope = parseSignaturePolicy(policy.rule);
      } catch (err) {
        throw profileInvalid(where, `invalid signature policy rule '${policy.rule}': ${errorMessage(err)}`);
      }
      return signaturePolicy(envelope.serializeBinary());
    }
    default:
      throw profileInvalid(where, `unknown policy type: ${policy.type} (Signature or ImplicitMeta)`);
  }
}

function signaturePolicy(envelope: Uint8Array): Policy {
  const policy = new Policy();
  policy.setType(Policy.PolicyType.SIGNATURE);
  policy.setValue(envelope);
  return policy;
}

const META_RULES = { ANY: ImplicitMetaPolicy.Rule.ANY, ALL: ImplicitMetaPolicy.Rule.ALL, MAJORITY: ImplicitMetaPolicy.Rule.MAJORITY } as const;

// "ANY Readers": exactly two space-separated tokens, the rule in capitals, as Fabric parses it.
function implicitMeta(rule: string, where: string): Policy {
  const tokens = rule.split(' ');
  const [ruleName, subPolicy] = tokens;
  if (tokens.length !== 2 || ruleName === undefined || subPolicy === undefined) {
    throw profileInvalid(where, `invalid implicit meta policy rule '${rule}': expected two space separated tokens, but got ${String(tokens.length)}`);
  }
  if (!(ruleName in META_RULES)) {
    throw profileInvalid(where, `invalid implicit meta policy rule '${rule}': unknown rule type '${ruleName}', expected ALL, ANY, or MAJORITY`);
  }
  const meta = new ImplicitMetaPolicy();
  meta.setRule(META_RULES[ruleName as keyof typeof META_RULES]);
  meta.setSubPolicy(subPolicy);
  const policy = new Policy();
  policy.setType(Policy.PolicyType.IMPLICIT_META);
  policy.setValue(meta.serializeBinary());
  return policy;
}

function profileInvalid(where: string, what: string): ChannelConfigError {
  return new ChannelConfigError('PROFILE_INVALID', `${where}: ${what}`);
}
