import { randomBytes } from 'node:crypto';
import { blockDataHash } from './block-hash.js';
import { validateChannelId } from './channel-id.js';
import { toTimestamp } from './tx-envelope.js';
import { common, msp, type Block } from './protos.js';

type ConfigGroup = InstanceType<typeof common.ConfigGroup>;
type Role = 0 | 1;

const ADMINS = 'Admins';
const ORG = 'SampleOrg';

/**
 * A genesis config block for running a channel locally: block 0 holding one CONFIG envelope whose
 * Config has the channel values (hashing algorithm, block data hashing, capabilities), implicit-meta
 * channel and Application policies, and one Application org, SampleOrg, with an MSP and signature
 * policies. Nothing is signed, so no orderer would accept it as a channel creation; a ledger does.
 */
export function createGenesisBlock(channelId: string): Block {
  validateChannelId(channelId);

  const org = group([
    ['MSP', mspValue(ORG)],
  ]);
  setPolicies(org, {
    Readers: signedBy(ORG, 0),
    Writers: signedBy(ORG, 0),
    Admins: signedBy(ORG, 1),
    Endorsement: signedBy(ORG, 0),
  });

  const application = group([['Capabilities', capabilities('V2_5')]]);
  application.getGroupsMap().set(ORG, org);
  setPolicies(application, {
    Readers: implicitMeta('Readers', 0),
    Writers: implicitMeta('Writers', 0),
    Admins: implicitMeta(ADMINS, 2),
    Endorsement: implicitMeta('Endorsement', 2),
    LifecycleEndorsement: implicitMeta('Endorsement', 2),
  });

  const hashing = new common.HashingAlgorithm();
  hashing.setName('SHA256');
  const dataHashing = new common.BlockDataHashingStructure();
  dataHashing.setWidth(0xffffffff);
  const channel = group([
    ['HashingAlgorithm', hashing.serializeBinary()],
    ['BlockDataHashingStructure', dataHashing.serializeBinary()],
    ['Capabilities', capabilities('V2_0')],
  ]);
  channel.getGroupsMap().set('Application', application);
  setPolicies(channel, {
    Readers: implicitMeta('Readers', 0),
    Writers: implicitMeta('Writers', 0),
    Admins: implicitMeta(ADMINS, 2),
  });

  const config = new common.Config();
  config.setSequence(0);
  config.setChannelGroup(channel);
  const configEnvelope = new common.ConfigEnvelope();
  configEnvelope.setConfig(config);

  const channelHeader = new common.ChannelHeader();
  channelHeader.setType(common.HeaderType.CONFIG);
  channelHeader.setChannelId(channelId);
  channelHeader.setTimestamp(toTimestamp(new Date()));
  const signatureHeader = new common.SignatureHeader();
  signatureHeader.setNonce(randomBytes(24));
  const header = new common.Header();
  header.setChannelHeader(channelHeader.serializeBinary());
  header.setSignatureHeader(signatureHeader.serializeBinary());
  const payload = new common.Payload();
  payload.setHeader(header);
  payload.setData(configEnvelope.serializeBinary());
  const envelope = new common.Envelope();
  envelope.setPayload(payload.serializeBinary());
  const envelopeBytes = envelope.serializeBinary();

  const blockHeader = new common.BlockHeader();
  blockHeader.setNumber(0);
  blockHeader.setDataHash(blockDataHash([envelopeBytes]));
  const data = new common.BlockData();
  data.setDataList([envelopeBytes]);
  const block = new common.Block();
  block.setHeader(blockHeader);
  block.setData(data);
  block.setMetadata(genesisMetadata());
  return block;
}

// The five metadata slots Fabric 2.x blocks carry, filled the way an orderer fills block 0:
// the signatures slot names the last config block (itself), as does the legacy LAST_CONFIG slot.
function genesisMetadata(): InstanceType<typeof common.BlockMetadata> {
  const lastConfig = new common.LastConfig();
  lastConfig.setIndex(0);
  const ordererMetadata = new common.OrdererBlockMetadata();
  ordererMetadata.setLastConfig(lastConfig);
  const signatures = new common.Metadata();
  signatures.setValue(ordererMetadata.serializeBinary());
  const legacyLastConfig = new common.Metadata();
  legacyLastConfig.setValue(lastConfig.serializeBinary());
  const metadata = new common.BlockMetadata();
  metadata.setMetadataList([
    signatures.serializeBinary(),
    legacyLastConfig.serializeBinary(),
    new Uint8Array(1), // TRANSACTIONS_FILTER: the config transaction is valid
    new Uint8Array(0),
    new Uint8Array(0),
  ]);
  return metadata;
}

function group(values: Array<[string, Uint8Array]>): ConfigGroup {
  const g = new common.ConfigGroup();
  g.setModPolicy(ADMINS);
  for (const [name, bytes] of values) {
    const value = new common.ConfigValue();
    value.setValue(bytes);
    value.setModPolicy(ADMINS);
    g.getValuesMap().set(name, value);
  }
  return g;
}

function setPolicies(g: ConfigGroup, policies: Record<string, InstanceType<typeof common.Policy>>): void {
  for (const [name, policy] of Object.entries(policies)) {
    const configPolicy = new common.ConfigPolicy();
    configPolicy.setPolicy(policy);
    configPolicy.setModPolicy(ADMINS);
    g.getPoliciesMap().set(name, configPolicy);
  }
}

function implicitMeta(subPolicy: string, rule: 0 | 1 | 2): InstanceType<typeof common.Policy> {
  const meta = new common.ImplicitMetaPolicy();
  meta.setSubPolicy(subPolicy);
  meta.setRule(rule);
  const policy = new common.Policy();
  policy.setType(common.Policy.PolicyType.IMPLICIT_META);
  policy.setValue(meta.serializeBinary());
  return policy;
}

// "OR('<mspId>.member')" or "OR('<mspId>.admin')" as a signature policy envelope.
function signedBy(mspId: string, role: Role): InstanceType<typeof common.Policy> {
  const mspRole = new msp.MSPRole();
  mspRole.setMspIdentifier(mspId);
  mspRole.setRole(role);
  const principal = new msp.MSPPrincipal();
  principal.setPrincipalClassification(msp.MSPPrincipal.Classification.ROLE);
  principal.setPrincipal(mspRole.serializeBinary());
  const signed = new common.SignaturePolicy();
  signed.setSignedBy(0);
  const nOutOf = new common.SignaturePolicy.NOutOf();
  nOutOf.setN(1);
  nOutOf.setRulesList([signed]);
  const rule = new common.SignaturePolicy();
  rule.setNOutOf(nOutOf);
  const envelope = new common.SignaturePolicyEnvelope();
  envelope.setVersion(0);
  envelope.setRule(rule);
  envelope.setIdentitiesList([principal]);
  const policy = new common.Policy();
  policy.setType(common.Policy.PolicyType.SIGNATURE);
  policy.setValue(envelope.serializeBinary());
  return policy;
}

function mspValue(mspId: string): Uint8Array {
  const fabricConfig = new msp.FabricMSPConfig();
  fabricConfig.setName(mspId);
  const config = new msp.MSPConfig();
  config.setType(0); // FABRIC
  config.setConfig(fabricConfig.serializeBinary());
  return config.serializeBinary();
}

function capabilities(name: string): Uint8Array {
  const caps = new common.Capabilities();
  caps.getCapabilitiesMap().set(name, new common.Capability());
  return caps.serializeBinary();
}
