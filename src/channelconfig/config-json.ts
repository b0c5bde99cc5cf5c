import { Envelope, Payload, type Block } from '../common/protos/common.js';
import {
  ACLs,
  AnchorPeers,
  BatchSize,
  BatchTimeout,
  BlockDataHashingStructure,
  Capabilities,
  ChannelRestrictions,
  ConfigEnvelope,
  ConsensusType,
  Consortium,
  EtcdRaft,
  HashingAlgorithm,
  ImplicitMetaPolicy,
  KafkaBrokers,
  OrdererAddresses,
  Policy,
  type ConfigGroup,
} from '../common/protos/configtx.js';
import { SignaturePolicyEnvelope } from '../common/protos/collection.js';
import { FabricMSPConfig, MSPConfig, MSP_TYPE_FABRIC } from '../common/protos/msp.js';
import { ChannelHeader, SignatureHeader } from '../common/protos/proposal.js';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

const b64 = (bytes: Uint8Array): string => Buffer.from(bytes).toString('base64');

// Decoders of the config values configtxgen writes, by key; an unknown key is shown as base64.
const VALUE_DECODERS: Record<string, (bytes: Uint8Array) => Json> = {
  HashingAlgorithm: (b) => ({ name: HashingAlgorithm.deserializeBinary(b).getName() }),
  BlockDataHashingStructure: (b) => ({ width: BlockDataHashingStructure.deserializeBinary(b).getWidth() }),
  OrdererAddresses: (b) => ({ addresses: OrdererAddresses.deserializeBinary(b).getAddressesList() }),
  Endpoints: (b) => ({ addresses: OrdererAddresses.deserializeBinary(b).getAddressesList() }),
  Consortium: (b) => ({ name: Consortium.deserializeBinary(b).getName() }),
  Capabilities: (b) => ({ capabilities: Object.fromEntries([...Capabilities.deserializeBinary(b).getCapabilitiesMap().keys()].map((k) => [k, {}])) }),
  BatchSize: (b) => {
    const s = BatchSize.deserializeBinary(b);
    return { absolute_max_bytes: s.getAbsoluteMaxBytes(), max_message_count: s.getMaxMessageCount(), preferred_max_bytes: s.getPreferredMaxBytes() };
  },
  BatchTimeout: (b) => ({ timeout: BatchTimeout.deserializeBinary(b).getTimeout() }),
  ChannelRestrictions: (b) => ({ max_count: String(ChannelRestrictions.deserializeBinary(b).getMaxCount()) }),
  KafkaBrokers: (b) => ({ brokers: KafkaBrokers.deserializeBinary(b).getBrokersList() }),
  ConsensusType: (b) => {
    const c = ConsensusType.deserializeBinary(b);
    return { metadata: c.getType() === 'etcdraft' ? etcdRaftJson(c.getMetadata_asU8()) : b64(c.getMetadata_asU8()), state: c.getState() === 0 ? 'STATE_NORMAL' : 'STATE_MAINTENANCE', type: c.getType() };
  },
  ACLs: (b) => ({ acls: Object.fromEntries([...ACLs.deserializeBinary(b).getAclsMap().entries()].map(([k, v]) => [k, { policy_ref: v.getPolicyRef() }])) }),
  AnchorPeers: (b) => ({ anchor_peers: AnchorPeers.deserializeBinary(b).getAnchorPeersList().map((a) => ({ host: a.getHost(), port: a.getPort() })) }),
  MSP: (b) => mspJson(b),
};

/**
 * A block as JSON in the shape configtxgen -inspectBlock prints (field names of the protos, the
 * config tree's values and policies decoded). A cheap reading aid, not configtxlator's full output.
 */
export function blockToJson(block: Block): Json {
  const header = block.getHeader();
  return {
    data: {
      data: (block.getData()?.getDataList_asU8() ?? []).map((bytes) => envelopeJson(bytes)),
    },
    header: {
      data_hash: b64(header?.getDataHash_asU8() ?? new Uint8Array(0)),
      number: String(header?.getNumber() ?? 0),
      previous_hash: b64(header?.getPreviousHash_asU8() ?? new Uint8Array(0)),
    },
    metadata: { metadata: (block.getMetadata()?.getMetadataList_asU8() ?? []).map(b64) },
  };
}

function envelopeJson(bytes: Uint8Array): Json {
  const envelope = Envelope.deserializeBinary(bytes);
  const payload = Payload.deserializeBinary(envelope.getPayload_asU8());
  const header = payload.getHeader();
  const ch = ChannelHeader.deserializeBinary(header?.getChannelHeader_asU8() ?? new Uint8Array(0));
  const sh = SignatureHeader.deserializeBinary(header?.getSignatureHeader_asU8() ?? new Uint8Array(0));
  const config = ConfigEnvelope.deserializeBinary(payload.getData_asU8()).getConfig();
  return {
    payload: {
      data: {
        config: { channel_group: config?.getChannelGroup() === undefined ? null : groupJson(config.getChannelGroup() as ConfigGroup), sequence: String(config?.getSequence() ?? 0) },
      },
      header: {
        channel_header: {
          channel_id: ch.getChannelId(),
          epoch: String(ch.getEpoch()),
          timestamp: new Date(ch.getTimestamp()?.toDate() ?? 0).toISOString(),
          tx_id: ch.getTxId(),
          type: ch.getType(),
          version: ch.getVersion(),
        },
        signature_header: { creator: b64(sh.getCreator_asU8()), nonce: b64(sh.getNonce_asU8()) },
      },
    },
    signature: b64(envelope.getSignature_asU8()),
  };
}

/** A config group as JSON: groups, mod_policy, policies and values decoded, version. */
export function groupJson(group: ConfigGroup): Json {
  const sorted = <T>(m: { entries(): Iterable<[string, T]> }): Array<[string, T]> => [...m.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return {
    groups: Object.fromEntries(sorted(group.getGroupsMap()).map(([k, g]) => [k, groupJson(g)])),
    mod_policy: group.getModPolicy(),
    policies: Object.fromEntries(
      sorted(group.getPoliciesMap()).map(([k, p]) => [
        k,
        { mod_policy: p.getModPolicy(), policy: policyJson(p.getPolicy()), version: String(p.getVersion()) },
      ]),
    ),
    values: Object.fromEntries(
      sorted(group.getValuesMap()).map(([k, v]) => {
        const decode = VALUE_DECODERS[k];
        return [k, { mod_policy: v.getModPolicy(), value: decode === undefined ? b64(v.getValue_asU8()) : decode(v.getValue_asU8()), version: String(v.getVersion()) }];
      }),
    ),
    version: String(group.getVersion()),
  };
}

function policyJson(policy: Policy | undefined): Json {
  if (policy === undefined) return null;
  const type = policy.getType();
  if (type === Policy.PolicyType.IMPLICIT_META) {
    const meta = ImplicitMetaPolicy.deserializeBinary(policy.getValue_asU8());
    const rule = Object.entries(ImplicitMetaPolicy.Rule).find(([, n]) => n === meta.getRule())?.[0] ?? String(meta.getRule());
    return { type, value: { rule, sub_policy: meta.getSubPolicy() } };
  }
  if (type === Policy.PolicyType.SIGNATURE) {
    return { type, value: SignaturePolicyEnvelope.deserializeBinary(policy.getValue_asU8()).toObject() as unknown as Json };
  }
  return { type, value: b64(policy.getValue_asU8()) };
}

function mspJson(bytes: Uint8Array): Json {
  const msp = MSPConfig.deserializeBinary(bytes);
  if (msp.getType() !== MSP_TYPE_FABRIC) return { config: b64(msp.getConfig_asU8()), type: msp.getType() };
  const f = FabricMSPConfig.deserializeBinary(msp.getConfig_asU8());
  return {
    config: {
      admins: f.getAdminsList_asU8().map(b64),
      intermediate_certs: f.getIntermediateCertsList_asU8().map(b64),
      name: f.getName(),
      revocation_list: f.getRevocationListList_asU8().map(b64),
      root_certs: f.getRootCertsList_asU8().map(b64),
      tls_intermediate_certs: f.getTlsIntermediateCertsList_asU8().map(b64),
      tls_root_certs: f.getTlsRootCertsList_asU8().map(b64),
      fabric_node_ous: f.hasFabricNodeOus() ? (f.getFabricNodeOus()?.toObject() as unknown as Json) : null,
    },
    type: msp.getType(),
  };
}

function etcdRaftJson(bytes: Uint8Array): Json {
  const m = EtcdRaft.ConfigMetadata.deserializeBinary(bytes);
  const o = m.getOptions();
  return {
    consenters: m.getConsentersList().map((c) => ({
      client_tls_cert: b64(c.getClientTlsCert_asU8()),
      host: c.getHost(),
      port: c.getPort(),
      server_tls_cert: b64(c.getServerTlsCert_asU8()),
    })),
    options:
      o === undefined
        ? null
        : {
            election_tick: o.getElectionTick(),
            heartbeat_tick: o.getHeartbeatTick(),
            max_inflight_blocks: o.getMaxInflightBlocks(),
            snapshot_interval_size: o.getSnapshotIntervalSize(),
            tick_interval: o.getTickInterval(),
          },
  };
}
