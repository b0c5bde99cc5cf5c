import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ChannelConfigError } from '../../src/channelconfig/channel-config-error.js';
import { encodeChannelGroup } from '../../src/channelconfig/channel-group-encoder.js';
import { parseProfile } from '../../src/channelconfig/configtx.js';
import { formatGoDuration, parseGoDuration } from '../../src/channelconfig/go-duration.js';
import { ACLs, AnchorPeers, BatchSize, BatchTimeout, Capabilities, ConsensusType, EtcdRaft } from '../../src/common/protos/configtx.js';
import { MSPConfig } from '../../src/common/protos/msp.js';
import { refusedWith } from '../helpers/refused-with.js';

const ORG = `
Organizations:
  - &Org1
    Name: Org1
    ID: Org1MSP
    MSPDir: msp
    Policies: &OrgPolicies
      Readers: {Type: Signature, Rule: "OR('Org1MSP.member')"}
      Writers: {Type: Signature, Rule: "OR('Org1MSP.member')"}
      Admins: {Type: Signature, Rule: "OR('Org1MSP.admin')"}
    AnchorPeers:
      - Host: peer0.org1
        Port: "7051"
`;
const META = `
    Readers: {Type: ImplicitMeta, Rule: "ANY Readers"}
    Writers: {Type: ImplicitMeta, Rule: "ANY Writers"}
    Admins: {Type: ImplicitMeta, Rule: "MAJORITY Admins"}`;

function doc(orderer: string, extra = ''): string {
  return `${ORG}
Channel: &ChannelDefaults
  Policies:${META}
  Capabilities: {V3_0: true, V2_0: false}
Profiles:
  P:
    <<: *ChannelDefaults
    Orderer:
${orderer}
      Organizations: [*Org1]
      Policies:${META.replace(/\n/g, '\n    ')}
        BlockValidation: {Type: ImplicitMeta, Rule: "ANY Writers"}
    Application:
      organizations: [*Org1]
      Policies:${META.replace(/\n/g, '\n    ')}
      ACLs:
        _lifecycle/CheckCommitReadiness: /Channel/Application/Writers
        peer/Propose: /Channel/Application/Writers
      Capabilities: {V2_5: true}
${extra}`;
}

const fakeMsp = async (_dir: string, id: string): Promise<MSPConfig> => {
  const config = new MSPConfig();
  config.setType(0);
  config.setConfig(new TextEncoder().encode(id));
  return config;
};

const refused = (code: string, pattern: RegExp): ((err: unknown) => boolean) => refusedWith(ChannelConfigError, code, pattern);

describe('configtx.yaml', () => {
  test('merge keys, case-folded keys, quoted numbers, sizes, durations, defaults, paths against the configtx folder', async () => {
    const profile = await parseProfile(
      doc(`      OrdererType: solo
      BatchTimeout: 1m30s
      BatchSize: {MaxMessageCount: "20", AbsoluteMaxBytes: 1 gb}`),
      'p',
      '/etc/fabric',
    );
    assert.equal(profile.orderer?.batchTimeout, '1m30s');
    assert.deepEqual(profile.orderer.batchSize, { maxMessageCount: 20, absoluteMaxBytes: 1024 ** 3, preferredMaxBytes: 2 * 1024 * 1024 });
    assert.equal(profile.application?.organizations[0]?.mspDir, '/etc/fabric/msp');
    assert.deepEqual(profile.application.organizations[0].anchorPeers, [{ host: 'peer0.org1', port: 7051 }]);
    assert.deepEqual(profile.capabilities, { V3_0: true, V2_0: false });

    const channel = await encodeChannelGroup(profile, { readMsp: fakeMsp });
    assert.equal(channel.getValuesMap().get('OrdererAddresses'), undefined, 'no Addresses, no OrdererAddresses value');
    assert.deepEqual([...Capabilities.deserializeBinary(channel.getValuesMap().get('Capabilities')?.getValue_asU8() ?? new Uint8Array()).getCapabilitiesMap().keys()], ['V3_0']);
    const orderer = channel.getGroupsMap().get('Orderer');
    const value = (key: string): Uint8Array => orderer?.getValuesMap().get(key)?.getValue_asU8() ?? new Uint8Array();
    assert.equal(ConsensusType.deserializeBinary(value('ConsensusType')).getType(), 'solo');
    assert.equal(ConsensusType.deserializeBinary(value('ConsensusType')).getMetadata_asU8().length, 0);
    assert.equal(BatchTimeout.deserializeBinary(value('BatchTimeout')).getTimeout(), '1m30s');
    assert.equal(BatchSize.deserializeBinary(value('BatchSize')).getMaxMessageCount(), 20);
    const app = channel.getGroupsMap().get('Application');
    const acls = ACLs.deserializeBinary(app?.getValuesMap().get('ACLs')?.getValue_asU8() ?? new Uint8Array());
    assert.equal(acls.getAclsMap().get('_lifecycle/CheckCommitReadiness')?.getPolicyRef(), '/Channel/Application/Writers');
    const anchors = AnchorPeers.deserializeBinary(app?.getGroupsMap().get('Org1')?.getValuesMap().get('AnchorPeers')?.getValue_asU8() ?? new Uint8Array());
    assert.deepEqual(anchors.getAnchorPeersList().map((a) => [a.getHost(), a.getPort()]), [['peer0.org1', 7051]]);
  });

  test('etcdraft: options default as configtxgen, given ones kept, certificate files read into the metadata', async () => {
    const profile = await parseProfile(
      doc(`      OrdererType: etcdraft
      EtcdRaft:
        Consenters:
          - {Host: o1, Port: 7050, ClientTLSCert: tls/a.crt, ServerTLSCert: /abs/b.crt}
        Options: {TickInterval: 250ms, SnapshotIntervalSize: 20 MB}`),
      'P',
      '/cfg',
    );
    const read: string[] = [];
    const channel = await encodeChannelGroup(profile, {
      readMsp: fakeMsp,
      readFile: async (path) => {
        read.push(path);
        return new TextEncoder().encode(`PEM of ${path}`);
      },
    });
    assert.deepEqual(read, ['/cfg/tls/a.crt', '/abs/b.crt']);
    const consensus = ConsensusType.deserializeBinary(channel.getGroupsMap().get('Orderer')?.getValuesMap().get('ConsensusType')?.getValue_asU8() ?? new Uint8Array());
    const metadata = EtcdRaft.ConfigMetadata.deserializeBinary(consensus.getMetadata_asU8());
    assert.equal(new TextDecoder().decode(metadata.getConsentersList()[0]?.getClientTlsCert_asU8()), 'PEM of /cfg/tls/a.crt');
    assert.deepEqual(metadata.getOptions()?.toObject(), {
      tickInterval: '250ms',
      electionTick: 10,
      heartbeatTick: 1,
      maxInflightBlocks: 5,
      snapshotIntervalSize: 20 * 1024 * 1024,
    });
  });

  test('what configtxgen refuses is refused, naming the key or section', async () => {
    await assert.rejects(parseProfile(doc('      OrdererType: solo', '    Bogus: 1'), 'P', '/'), refused('CONFIGTX_INVALID', /^configtx.yaml Profiles.P.Bogus is not a configtx.yaml key here$/));
    await assert.rejects(parseProfile(doc('      OrdererType: solo'), 'Q', '/'), refused('PROFILE_NOT_FOUND', /could not find profile: Q \(configtx.yaml has P\)/));
    await assert.rejects(parseProfile(doc('      BatchTimeout: soon'), 'P', '/'), refused('CONFIGTX_INVALID', /Profiles.P.Orderer.BatchTimeout: 'soon' is not a duration/));
    await assert.rejects(parseProfile(doc('      BatchSize: {AbsoluteMaxBytes: 5 GB}'), 'P', '/'), refused('CONFIGTX_INVALID', /Profiles.P.Orderer.BatchSize.AbsoluteMaxBytes value '5 GB' overflows uint32/));
    await assert.rejects(parseProfile(doc('      OrdererType: etcdraft'), 'P', '/'), refused('CONFIGTX_INVALID', /Profiles.P.Orderer.EtcdRaft is missing/));
    await assert.rejects(
      parseProfile(doc('      OrdererType: etcdraft\n      EtcdRaft: {Consenters: [{Host: h, Port: 1, ClientTLSCert: c}]}'), 'P', '/'),
      refused('CONFIGTX_INVALID', /Profiles.P.Orderer.EtcdRaft.Consenters\[0\] did not specify server TLS cert/),
    );
    await assert.rejects(parseProfile('Profiles: [1, 2', 'P', '/'), refused('CONFIGTX_INVALID', /not valid YAML/));

    const encode = async (yaml: string): Promise<unknown> => encodeChannelGroup(await parseProfile(yaml, 'P', '/'), { readMsp: fakeMsp });
    await assert.rejects(encode(doc('      OrdererType: BFT')), refused('PROFILE_INVALID', /^Orderer.OrdererType: unknown orderer type: BFT/));
    await assert.rejects(encode(doc('      OrdererType: solo').replace('BlockValidation', 'Other')), refused('PROFILE_INVALID', /^Orderer: no BlockValidation policy defined$/));
    await assert.rejects(encode(doc('      OrdererType: solo').replace('"ANY Readers"', '"any Readers"')), refused('PROFILE_INVALID', /^Channel policy Readers: invalid implicit meta policy rule 'any Readers': unknown rule type 'any'/));
    await assert.rejects(encode(doc('      OrdererType: solo').replace("OR('Org1MSP.admin')", "OR('Org1MSP.admin'")), refused('PROFILE_INVALID', /^Orderer.Organizations Org1 policy Admins: invalid signature policy rule/));
    await assert.rejects(encode(doc('      OrdererType: solo').replace('Type: Signature', 'Type: Sig')), refused('PROFILE_INVALID', /unknown policy type: Sig/));
    await assert.rejects(
      encodeChannelGroup(await parseProfile(doc('      OrdererType: solo'), 'P', '/'), {
        readMsp: () => Promise.reject(new Error('no cacerts')),
      }),
      refused('PROFILE_INVALID', /^Orderer.Organizations Org1: error loading MSP configuration from \/msp: no cacerts$/),
    );
  });

  test("durations are read and written as Go's time package does", () => {
    for (const [text, ns, out] of [
      ['100ms', 100_000_000n, '100ms'],
      ['2s', 2_000_000_000n, '2s'],
      ['1m30s', 90_000_000_000n, '1m30s'],
      ['1.5h', 5_400_000_000_000n, '1h30m0s'],
      ['0.5s', 500_000_000n, '500ms'],
      ['1500us', 1_500_000n, '1.5ms'],
      ['2h45m3.25s', 9_903_250_000_000n, '2h45m3.25s'],
    ] as const) {
      assert.equal(parseGoDuration(text, 'x'), ns, text);
      assert.equal(formatGoDuration(ns), out, text);
    }
    assert.throws(() => parseGoDuration('10', 'x'), ChannelConfigError);
  });
});
