import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { Block, BlockData, Envelope, Payload } from '../../src/common/protos/common.js';
import { ConfigEnvelope, ConfigValue, Policy, ImplicitMetaPolicy, type ConfigGroup } from '../../src/common/protos/configtx.js';
import { FabricMSPConfig, MSPConfig } from '../../src/common/protos/msp.js';
import { ChannelHeader, Header, HeaderType } from '../../src/common/protos/proposal.js';
import { ChannelConfig } from '../../src/channelconfig/channel-config.js';
import { ChannelConfigError } from '../../src/channelconfig/channel-config-error.js';
import { builtInProfile } from '../../src/channelconfig/built-in-profile.js';
import { genesisBlock, genesisBlockOfProfile } from '../../src/channelconfig/config-block.js';
import { FABRIC_FIXTURE, readFixtureBlocks } from '../helpers/fabric-fixture.js';
import { refusedWith } from '../helpers/refused-with.js';

async function fixtureBlock(): Promise<Block> {
  return Block.deserializeBinary(await readFile(join(FABRIC_FIXTURE, 'mychannel.block')));
}

function channelGroupOf(block: Block): ConfigGroup {
  const payload = Payload.deserializeBinary(Envelope.deserializeBinary(block.getData()?.getDataList_asU8()[0] ?? new Uint8Array(0)).getPayload_asU8());
  const group = ConfigEnvelope.deserializeBinary(payload.getData_asU8()).getConfig()?.getChannelGroup();
  assert.ok(group !== undefined);
  return group;
}

const refused = (code: string, pattern: RegExp): ((err: unknown) => boolean) => refusedWith(ChannelConfigError, code, pattern);

describe('ChannelConfig', () => {
  test("fromBlock(mychannel.block): Fabric's channel with its MSPs, orgs, capabilities, policies and orderer", async () => {
    const config = ChannelConfig.fromBlock(await fixtureBlock());
    assert.equal(config.channelId, 'mychannel');
    assert.equal(config.sequence, 0);
    const mspIds = config.msps.map((m) => FabricMSPConfig.deserializeBinary(m.getConfig_asU8()).getName()).sort();
    assert.deepEqual(mspIds, ['OrdererMSP', 'Org1MSP']);
    for (const msp of config.msps) assert.ok(FabricMSPConfig.deserializeBinary(msp.getConfig_asU8()).getRootCertsList().length > 0);
    assert.deepEqual(config.applicationOrgs, [{ name: 'Org1MSP', mspId: 'Org1MSP', anchorPeers: [], endpoints: [] }]);
    assert.deepEqual(config.ordererOrgs, [{ name: 'OrdererOrg', mspId: 'OrdererMSP', anchorPeers: [], endpoints: ['127.0.0.1:45050'] }]);
    assert.deepEqual(config.capabilities, { channel: ['V2_0'], application: ['V2_0'], orderer: ['V2_0'] });
    assert.equal(config.acls.size, 0);

    const policies = (g: ConfigGroup | undefined): string[] => [...(g?.getPoliciesMap().keys() ?? [])].sort();
    const channel = config.channelGroup;
    assert.deepEqual(policies(channel), ['Admins', 'Readers', 'Writers']);
    const application = channel.getGroupsMap().get('Application');
    assert.deepEqual(policies(application), ['Admins', 'Endorsement', 'LifecycleEndorsement', 'Readers', 'Writers']);
    assert.deepEqual(policies(application?.getGroupsMap().get('Org1MSP')), ['Admins', 'Endorsement', 'Readers', 'Writers']);
    assert.deepEqual(policies(channel.getGroupsMap().get('Orderer')), ['Admins', 'BlockValidation', 'Readers', 'Writers']);
    const endorsement = application?.getPoliciesMap().get('Endorsement')?.getPolicy();
    assert.equal(endorsement?.getType(), Policy.PolicyType.IMPLICIT_META);
    const meta = ImplicitMetaPolicy.deserializeBinary(endorsement.getValue_asU8());
    assert.deepEqual([meta.getRule(), meta.getSubPolicy()], [ImplicitMetaPolicy.Rule.MAJORITY, 'Endorsement']);

    const orderer = config.orderer;
    assert.ok(orderer !== undefined);
    assert.equal(orderer.type, 'etcdraft');
    assert.equal(orderer.state, 0);
    assert.equal(orderer.batchTimeoutMs, 100);
    assert.deepEqual(orderer.batchSize, { maxMessageCount: 10, absoluteMaxBytes: 99 * 1024 * 1024, preferredMaxBytes: 512 * 1024 });
    assert.deepEqual(orderer.addresses, ['127.0.0.1:45050']);
    assert.equal(orderer.consenters.length, 1);
    const tlsCert = await readFile(join(FABRIC_FIXTURE, 'crypto/ordererOrganizations/example.com/orderers/orderer.example.com/tls/server.crt'));
    assert.deepEqual(
      orderer.consenters.map((c) => [c.host, c.port, Buffer.from(c.clientTlsCert).equals(tlsCert), Buffer.from(c.serverTlsCert).equals(tlsCert)]),
      [['127.0.0.1', 45050, true, true]],
    );
  });

  test('fromBlock of the stored block 0 (Fabric block-file form) reads the same channel', async () => {
    const [block0] = await readFixtureBlocks();
    assert.ok(block0 !== undefined);
    const config = ChannelConfig.fromBlock(block0);
    assert.equal(config.channelId, 'mychannel');
    assert.equal(config.orderer?.batchSize.maxMessageCount, 10);
  });

  test('the built-in profile over a cryptogen folder: test-network single-org channel, etcdraft at 127.0.0.1:7050, V2_5', async () => {
    const block = await genesisBlockOfProfile(builtInProfile(join(FABRIC_FIXTURE, 'crypto')), 'builtin');
    const config = ChannelConfig.fromBlock(block);
    assert.equal(config.channelId, 'builtin');
    assert.deepEqual(config.applicationOrgs.map((o) => o.mspId), ['Org1MSP']);
    assert.deepEqual(config.ordererOrgs, [{ name: 'OrdererOrg', mspId: 'OrdererMSP', anchorPeers: [], endpoints: ['127.0.0.1:7050'] }]);
    assert.deepEqual(config.capabilities, { channel: ['V2_0'], application: ['V2_5'], orderer: ['V2_0'] });
    assert.equal(config.orderer?.type, 'etcdraft');
    // test-network's 2s is shortened: one machine cuts a block as soon as an invoke is in.
    assert.equal(config.orderer.batchTimeoutMs, 10);
    assert.deepEqual(config.orderer.consenters.map((c) => `${c.host}:${String(c.port)}`), ['127.0.0.1:7050']);
    const app = config.channelGroup.getGroupsMap().get('Application');
    assert.deepEqual([...(app?.getPoliciesMap().keys() ?? [])].sort(), ['Admins', 'Endorsement', 'LifecycleEndorsement', 'Readers', 'Writers']);
    // Same MSP bytes as configtxgen put into the fixture's block for the same folders.
    const fixture = ChannelConfig.fromBlock(await fixtureBlock());
    assert.deepEqual(config.msps.map((m) => Buffer.from(m.serializeBinary())), fixture.msps.map((m) => Buffer.from(m.serializeBinary())));
  });

  test('a block that is not a config block is refused naming the part', async () => {
    const blocks = await readFixtureBlocks();
    const tx = blocks[3];
    assert.ok(tx !== undefined);
    assert.throws(() => ChannelConfig.fromBlock(tx), refused('BLOCK_MALFORMED', /^block 3: a config block holds exactly one envelope, this one holds 10$/));

    const empty = new Block();
    assert.throws(() => ChannelConfig.fromBlock(empty), refused('BLOCK_MALFORMED', /holds exactly one envelope, this one holds 0/));

    const withData = (bytes: Uint8Array): Block => {
      const block = new Block();
      const data = new BlockData();
      data.setDataList([bytes]);
      block.setData(data);
      return block;
    };
    assert.throws(() => ChannelConfig.fromBlock(withData(Uint8Array.of(0xff, 0xff, 0xff))), refused('BLOCK_MALFORMED', /^block 0 envelope 0 does not decode/));

    const envelopeOf = (payload: InstanceType<typeof Payload>): Uint8Array => {
      const envelope = new Envelope();
      envelope.setPayload(payload.serializeBinary());
      return envelope.serializeBinary();
    };
    assert.throws(() => ChannelConfig.fromBlock(withData(envelopeOf(new Payload()))), refused('BLOCK_MALFORMED', /envelope payload has no header/));

    const endorser = new ChannelHeader();
    endorser.setType(HeaderType.ENDORSER_TRANSACTION);
    const header = new Header();
    header.setChannelHeader(endorser.serializeBinary());
    const payload = new Payload();
    payload.setHeader(header);
    assert.throws(() => ChannelConfig.fromBlock(withData(envelopeOf(payload))), refused('BLOCK_MALFORMED', /channel header type is 3, not CONFIG \(1\)/));

    const configHeader = new ChannelHeader();
    configHeader.setType(HeaderType.CONFIG);
    header.setChannelHeader(configHeader.serializeBinary());
    payload.setHeader(header);
    payload.setData(new ConfigEnvelope().serializeBinary());
    assert.throws(() => ChannelConfig.fromBlock(withData(envelopeOf(payload))), refused('BLOCK_MALFORMED', /config envelope holds no config/));
  });

  test('a config tree missing or garbling what Fabric requires is refused naming the value', async () => {
    const mutate = (change: (channel: ConfigGroup) => void): Block => {
      const channel = channelGroupOf(Block.deserializeBinary(fixture.serializeBinary()));
      change(channel);
      return genesisBlock(channel, 'mychannel');
    };
    const fixture = await fixtureBlock();
    const orderer = (c: ConfigGroup): ConfigGroup => {
      const g = c.getGroupsMap().get('Orderer');
      assert.ok(g !== undefined);
      return g;
    };
    assert.throws(
      () => ChannelConfig.fromBlock(mutate((c) => orderer(c).getValuesMap().del('ConsensusType'))),
      refused('CONFIG_MALFORMED', /^config value \/Channel\/Orderer\/ConsensusType is missing$/),
    );
    const garbage = new ConfigValue();
    garbage.setValue(Uint8Array.of(0x0a, 0x05, 0x01));
    assert.throws(
      () => ChannelConfig.fromBlock(mutate((c) => orderer(c).getValuesMap().set('BatchSize', garbage))),
      refused('CONFIG_MALFORMED', /^config value \/Channel\/Orderer\/BatchSize does not decode/),
    );
    assert.throws(
      () => ChannelConfig.fromBlock(mutate((c) => c.getGroupsMap().get('Application')?.getGroupsMap().get('Org1MSP')?.getValuesMap().del('MSP'))),
      refused('CONFIG_MALFORMED', /^config value \/Channel\/Application\/Org1MSP\/MSP is missing$/),
    );
    assert.throws(
      () => ChannelConfig.fromBlock(mutate((c) => c.getValuesMap().del('HashingAlgorithm'))),
      refused('CONFIG_MALFORMED', /^config value \/Channel\/HashingAlgorithm is missing$/),
    );
    // A second org claiming Org1MSP with another CA (the orderer org's) would speak for Org1's principals.
    const impostor = (c: ConfigGroup): void => {
      const application = c.getGroupsMap().get('Application');
      const org1 = application?.getGroupsMap().get('Org1MSP');
      const ordererMsp = orderer(c).getGroupsMap().get('OrdererOrg')?.getValuesMap().get('MSP');
      assert.ok(application !== undefined && org1 !== undefined && ordererMsp !== undefined);
      const mspConfig = MSPConfig.deserializeBinary(ordererMsp.getValue_asU8());
      const fabric = FabricMSPConfig.deserializeBinary(mspConfig.getConfig_asU8());
      fabric.setName('Org1MSP');
      mspConfig.setConfig(fabric.serializeBinary());
      const evil = org1.cloneMessage();
      const value = new ConfigValue();
      value.setValue(mspConfig.serializeBinary());
      evil.getValuesMap().set('MSP', value);
      application.getGroupsMap().set('Evil', evil);
    };
    assert.throws(
      () => ChannelConfig.fromBlock(mutate(impostor)),
      refused('CONFIG_MALFORMED', /attempted to define two different versions of MSP: Org1MSP$/),
    );
  });
});
