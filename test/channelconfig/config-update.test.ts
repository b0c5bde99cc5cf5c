import assert from 'node:assert/strict';
import { verify, X509Certificate } from 'node:crypto';
import { join } from 'node:path';
import { before, describe, test } from 'node:test';
import { ChannelBundle } from '../../src/channel/channel-bundle.js';
import { builtInProfile } from '../../src/channelconfig/built-in-profile.js';
import { encodeChannelGroup } from '../../src/channelconfig/channel-group-encoder.js';
import { computeConfigUpdate } from '../../src/channelconfig/compute-config-update.js';
import { genesisBlockOfProfile } from '../../src/channelconfig/config-block.js';
import { applyConfigUpdate, processConfigUpdate, reprocessConfigEnvelope } from '../../src/channelconfig/config-update.js';
import { ConfigUpdateError, type ConfigUpdateErrorCode } from '../../src/channelconfig/config-update-error.js';
import { configOf } from '../../src/channelconfig/config-update-validator.js';
import { configUpdateEnvelope, signConfigUpdateEnvelope } from '../../src/client/config-update-envelope.js';
import { Block, BlockData, Envelope, Payload } from '../../src/common/protos/common.js';
import { Capabilities, Capability, ConfigEnvelope, ConfigGroup, ConfigUpdate, ConfigUpdateEnvelope, type Config, type ConfigPolicy, type ConfigValue } from '../../src/common/protos/configtx.js';
import { ChannelHeader, HeaderType, SignatureHeader } from '../../src/common/protos/proposal.js';
import { generateCrypto } from '../../src/msp/cryptogen/index.js';
import { defaultUserIdentity } from '../../src/msp/default-identities.js';
import { loadSigningIdentity, type SigningIdentity } from '../../src/msp/signing-identity.js';
import { captureLogging } from '../helpers/capture-logging.js';
import { peerOrganization, testCrypto } from '../helpers/channel-block.js';

const CHANNEL = 'mychannel';

/** The group at `names` under `group`; fails the test when there is none. */
function groupAt(group: ConfigGroup | undefined, ...names: string[]): ConfigGroup {
  let found = group;
  for (const name of names) {
    const child: ConfigGroup | undefined = found?.getGroupsMap().get(name);
    found = child;
  }
  assert.ok(found !== undefined, `no group ${names.join('/')}`);
  return found;
}

interface Fixture {
  genesis: Block;
  /** The genesis config, and the Application/Org2MSP group configtxgen -printOrg would give. */
  original: Config;
  org2Group: ConfigGroup;
  org1Admin: SigningIdentity;
  org1User: SigningIdentity;
  org2Admin: SigningIdentity;
  orderer: SigningIdentity;
  ordererAdmin: SigningIdentity;
}

let fx: Fixture;

before(async () => {
  const crypto = await testCrypto();
  await generateCrypto(
    { ordererOrgs: [], peerOrgs: [{ name: 'Org2', domain: 'org2.example.com', enableNodeOUs: true, template: { count: 1 }, users: { count: 1 } }] },
    crypto,
  );
  const profile = builtInProfile(crypto);
  const genesis = await genesisBlockOfProfile(profile, CHANNEL);
  const application = profile.application;
  assert.ok(application !== undefined);
  const org1 = application.organizations[0];
  assert.ok(org1 !== undefined);
  const org2 = peerOrganization(crypto, org1, 'Org2MSP', 'org2.example.com');
  const twoOrgs = await encodeChannelGroup({ ...profile, application: { ...application, organizations: [org1, org2] } });
  const org2Group = twoOrgs.getGroupsMap().get('Application')?.getGroupsMap().get('Org2MSP');
  assert.ok(org2Group !== undefined);
  const org2Dir = join(crypto, 'peerOrganizations/org2.example.com/users/Admin@org2.example.com/msp');
  fx = {
    genesis,
    original: configOf(ChannelBundle.fromBlock(genesis).config.channelGroup, 0),
    org2Group,
    org1Admin: await loadSigningIdentity(defaultUserIdentity(crypto, 'Admin').mspDir, 'Org1MSP'),
    org1User: await loadSigningIdentity(defaultUserIdentity(crypto, 'User1').mspDir, 'Org1MSP'),
    org2Admin: await loadSigningIdentity(org2Dir, 'Org2MSP'),
    orderer: await loadSigningIdentity(join(crypto, 'ordererOrganizations/example.com/orderers/orderer.example.com/msp'), 'OrdererMSP'),
    ordererAdmin: await loadSigningIdentity(join(crypto, 'ordererOrganizations/example.com/users/Admin@example.com/msp'), 'OrdererMSP'),
  };
});

/** The config with Org2MSP added to the Application group. */
function withOrg2(config: Config): Config {
  const modified = config.cloneMessage();
  modified.getChannelGroup()?.getGroupsMap().get('Application')?.getGroupsMap().set('Org2MSP', fx.org2Group.cloneMessage());
  return modified;
}

/** A CONFIG_UPDATE envelope of `update`, signed by each signer in turn (peer channel signconfigtx). */
function signed(update: ConfigUpdate, ...signers: SigningIdentity[]): Envelope {
  return signers.reduce((envelope, signer) => signConfigUpdateEnvelope(envelope, signer), configUpdateEnvelope(update));
}

function addOrg2(...signers: SigningIdentity[]): Envelope {
  return signed(computeConfigUpdate(fx.original, withOrg2(fx.original), CHANNEL), ...signers);
}

function refusal(code: ConfigUpdateErrorCode, message: string): (err: unknown) => boolean {
  return (err) => {
    assert.ok(err instanceof ConfigUpdateError, String(err));
    assert.equal(err.message, message);
    assert.equal(err.code, code);
    return true;
  };
}

const PREFIX = `error applying config update to existing channel '${CHANNEL}': error authorizing update: `;

describe('CONFIG_UPDATE processing', () => {
  test('a config update that adds an org takes effect: the new bundle knows Org2MSP and its policies', () => {
    const update = addOrg2(fx.org1Admin);
    const result = applyConfigUpdate(fx.genesis, update, fx.orderer);

    // The new config: sequence 1, Application rewritten at version 1, Org1MSP left as it was.
    const config = result.configEnvelope.getConfig();
    assert.equal(config?.getSequence(), 1);
    const application = groupAt(config.getChannelGroup(), 'Application');
    assert.equal(application.getVersion(), 1);
    assert.deepEqual([...application.getGroupsMap().keys()].sort(), ['Org1MSP', 'Org2MSP']);
    const before = groupAt(fx.original.getChannelGroup(), 'Application', 'Org1MSP');
    assert.deepEqual(groupAt(application, 'Org1MSP').serializeBinary(), before.serializeBinary());

    // The bundle knows the new org, its MSP and its policies.
    const bundle = result.bundle;
    assert.equal(bundle.config.sequence, 1);
    assert.deepEqual(bundle.config.applicationOrgs.map((o) => o.mspId).sort(), ['Org1MSP', 'Org2MSP']);
    assert.ok(bundle.msps.getMsp('Org2MSP') !== undefined);
    const org2Admins = bundle.policies.getPolicy('/Channel/Application/Org2MSP/Admins');
    assert.ok(org2Admins !== undefined);
    const data = Buffer.from('something an Org2 admin signs');
    org2Admins.evaluateSignedData([{ data, identity: fx.org2Admin.serialize(), signature: fx.org2Admin.sign(data) }]);
    assert.throws(() => {
      org2Admins.evaluateSignedData([{ data, identity: fx.org1Admin.serialize(), signature: fx.org1Admin.sign(data) }]);
    }, /signature set did not satisfy policy/);

    // The CONFIG envelope: type CONFIG on the channel, signed by the orderer, the update as its last_update.
    const payload = Payload.deserializeBinary(result.envelope.getPayload_asU8());
    const channelHeader = ChannelHeader.deserializeBinary(payload.getHeader()?.getChannelHeader_asU8() ?? new Uint8Array());
    assert.equal(channelHeader.getType(), HeaderType.CONFIG);
    assert.equal(channelHeader.getChannelId(), CHANNEL);
    const signatureHeader = SignatureHeader.deserializeBinary(payload.getHeader()?.getSignatureHeader_asU8() ?? new Uint8Array());
    assert.deepEqual(signatureHeader.getCreator_asU8(), fx.orderer.serialize());
    const ordererMsp = bundle.msps.getMsp('OrdererMSP');
    assert.ok(ordererMsp !== undefined);
    const identity = bundle.msps.deserializeIdentity(fx.orderer.serialize());
    assert.equal(identity.verify(result.envelope.getPayload_asU8(), result.envelope.getSignature_asU8()), true);
    const configEnvelope = ConfigEnvelope.deserializeBinary(payload.getData_asU8());
    assert.deepEqual(configEnvelope.getLastUpdate()?.serializeBinary(), update.serializeBinary());
    assert.deepEqual(configEnvelope.getConfig()?.serializeBinary(), config.serializeBinary());

    // Cut into a block of its own, the envelope is a config block the channel's code reads.
    const block = new Block();
    const blockData = new BlockData();
    blockData.setDataList([result.envelope.serializeBinary()]);
    block.setData(blockData);
    const fromBlock = ChannelBundle.fromBlock(block);
    assert.equal(fromBlock.channelId, CHANNEL);
    assert.equal(fromBlock.config.sequence, 1);
    assert.ok(fromBlock.msps.getMsp('Org2MSP') !== undefined);

    // processConfigUpdate gives the same envelope alone, from the bundle as well as from the block.
    const again = processConfigUpdate(ChannelBundle.fromBlock(fx.genesis), update, fx.orderer);
    assert.deepEqual(ConfigEnvelope.deserializeBinary(Payload.deserializeBinary(again.getPayload_asU8()).getData_asU8()).getConfig()?.serializeBinary(), config.serializeBinary());
  });

  test('the next update is checked against the new config: Application Admins is now a majority of two orgs, each signer counted once', () => {
    const first = applyConfigUpdate(fx.genesis, addOrg2(fx.org1Admin), fx.orderer);
    const current = first.configEnvelope.getConfig();
    assert.ok(current !== undefined);
    // Drop Org2MSP again.
    const modified = current.cloneMessage();
    modified.getChannelGroup()?.getGroupsMap().get('Application')?.getGroupsMap().del('Org2MSP');
    const update = computeConfigUpdate(current, modified, CHANNEL);

    assert.throws(
      () => processConfigUpdate(first.bundle, signed(update, fx.org1Admin, fx.org1Admin), fx.orderer),
      refusal(
        'POLICY_NOT_SATISFIED',
        `${PREFIX}error validating DeltaSet: policy for [Group]  /Channel/Application not satisfied: implicit policy evaluation failed - 1 sub-policies were satisfied, but this policy requires 2 of the 'Admins' sub-policies to be satisfied`,
      ),
    );
    const second = applyConfigUpdate(first.bundle, signed(update, fx.org1Admin, fx.org2Admin), fx.orderer);
    assert.equal(second.bundle.config.sequence, 2);
    assert.deepEqual(second.bundle.config.applicationOrgs.map((o) => o.mspId), ['Org1MSP']);
    assert.equal(second.configEnvelope.getConfig()?.getChannelGroup()?.getGroupsMap().get('Application')?.getVersion(), 2);
  });

  test('an update signed by a non-admin is refused: the mod_policy of the Application group is not satisfied', () => {
    const { logging, lines } = captureLogging();
    assert.throws(
      () => processConfigUpdate(fx.genesis, addOrg2(fx.org1User), fx.orderer, { logger: logging.logger('common.configtx') }),
      refusal(
        'POLICY_NOT_SATISFIED',
        `${PREFIX}error validating DeltaSet: policy for [Group]  /Channel/Application not satisfied: implicit policy evaluation failed - 0 sub-policies were satisfied, but this policy requires 1 of the 'Admins' sub-policies to be satisfied`,
      ),
    );
    assert.match(lines.join('\n'), /\[common\.configtx\] verifyDeltaSet -> WARN .* policy not satisfied for channel configuration update: key \[Group\] {2}\/Channel\/Application/);
    // With no signature at all, the same.
    assert.throws(() => processConfigUpdate(fx.genesis, signed(computeConfigUpdate(fx.original, withOrg2(fx.original), CHANNEL)), fx.orderer), (err) => {
      assert.ok(err instanceof ConfigUpdateError);
      return err.code === 'POLICY_NOT_SATISFIED';
    });
  });

  test('an update computed against an older config is refused: its read set is stale', () => {
    const update = addOrg2(fx.org1Admin);
    const first = applyConfigUpdate(fx.genesis, update, fx.orderer);
    const stale = `${PREFIX}error validating ReadSet: proposed update requires that key [Group]  /Channel/Application be at version 0, but it is currently at version 1`;
    assert.throws(() => processConfigUpdate(first.bundle, update, fx.orderer), refusal('READ_SET_MISMATCH', stale));
    // A CONFIG envelope processed again (ProcessConfigMsg): fine on the config it was made on, stale after it.
    const again = reprocessConfigEnvelope(fx.genesis, first.envelope, fx.orderer);
    const config = ConfigEnvelope.deserializeBinary(Payload.deserializeBinary(again.getPayload_asU8()).getData_asU8()).getConfig();
    assert.deepEqual(config?.serializeBinary(), first.configEnvelope.getConfig()?.serializeBinary());
    assert.throws(() => reprocessConfigEnvelope(first.bundle, first.envelope, fx.orderer), refusal('READ_SET_MISMATCH', stale));
    assert.throws(() => reprocessConfigEnvelope(first.bundle, update, fx.orderer), refusal('UPDATE_MALFORMED', `invalid type ${String(HeaderType.CONFIG_UPDATE)}, expected CONFIG`));
  });

  test('an update for another channel is refused', () => {
    const update = signed(computeConfigUpdate(fx.original, withOrg2(fx.original), 'otherchannel'), fx.org1Admin);
    assert.throws(
      () => processConfigUpdate(fx.genesis, update, fx.orderer),
      refusal('WRONG_CHANNEL', `${PREFIX}ConfigUpdate for channel 'otherchannel' but envelope for channel '${CHANNEL}'`),
    );
  });

  test('an update that skips a version is refused, for an existing element and for a new one', () => {
    const skipped = computeConfigUpdate(fx.original, withOrg2(fx.original), CHANNEL);
    const application = skipped.getWriteSet()?.getGroupsMap().get('Application');
    application?.setVersion(2);
    assert.throws(
      () => processConfigUpdate(fx.genesis, signed(skipped, fx.org1Admin), fx.orderer),
      refusal('VERSION_MISMATCH', `${PREFIX}error validating DeltaSet: attempt to set key [Group]  /Channel/Application to version 2, but key is at version 0`),
    );
    const newAtOne = computeConfigUpdate(fx.original, withOrg2(fx.original), CHANNEL);
    newAtOne.getWriteSet()?.getGroupsMap().get('Application')?.getGroupsMap().get('Org2MSP')?.setVersion(1);
    assert.throws(
      () => processConfigUpdate(fx.genesis, signed(newAtOne, fx.org1Admin), fx.orderer),
      refusal('VERSION_MISMATCH', `${PREFIX}error validating DeltaSet: attempted to set key [Group]  /Channel/Application/Org2MSP to version 1, but key does not exist`),
    );
  });

  test('an update that changes nothing, or names an element the config lacks in its read set, is refused', () => {
    const nothing = new ConfigUpdate();
    nothing.setChannelId(CHANNEL);
    const root = new ConfigGroup();
    nothing.setReadSet(root);
    nothing.setWriteSet(root.cloneMessage());
    assert.throws(
      () => processConfigUpdate(fx.genesis, signed(nothing, fx.org1Admin), fx.orderer),
      refusal('EMPTY_UPDATE', `${PREFIX}error validating DeltaSet: delta set was empty -- update would have no effect`),
    );
    const unknown = new ConfigUpdate();
    unknown.setChannelId(CHANNEL);
    const readSet = new ConfigGroup();
    readSet.getGroupsMap().set('Consortiums', new ConfigGroup());
    unknown.setReadSet(readSet);
    unknown.setWriteSet(readSet.cloneMessage());
    assert.throws(
      () => processConfigUpdate(fx.genesis, signed(unknown, fx.org1Admin), fx.orderer),
      refusal('READ_SET_MISMATCH', `${PREFIX}error validating ReadSet: existing config does not contain element for [Group]  /Channel/Consortiums but was in the read set`),
    );
  });

  test('an update whose result cannot be loaded, or that changes an org MSP ID, is refused', () => {
    const noMsp = withOrg2(fx.original);
    noMsp.getChannelGroup()?.getGroupsMap().get('Application')?.getGroupsMap().get('Org2MSP')?.getValuesMap().del('MSP');
    assert.throws(
      () => processConfigUpdate(fx.genesis, signed(computeConfigUpdate(fx.original, noMsp, CHANNEL), fx.org1Admin), fx.orderer),
      refusal('INVALID_RESULT', `error applying config update to existing channel '${CHANNEL}': initializing channelconfig failed: config value /Channel/Application/Org2MSP/MSP is missing`),
    );
    // Org1MSP's group given Org2's MSP definition: its MSP value's mod_policy (Org1's Admins) is satisfied, the rename is not allowed.
    const renamed = fx.original.cloneMessage();
    const org1 = renamed.getChannelGroup()?.getGroupsMap().get('Application')?.getGroupsMap().get('Org1MSP');
    const org2Msp = fx.org2Group.getValuesMap().get('MSP');
    assert.ok(org1 !== undefined && org2Msp !== undefined);
    org1.getValuesMap().set('MSP', org2Msp.cloneMessage());
    assert.throws(
      () => processConfigUpdate(fx.genesis, signed(computeConfigUpdate(fx.original, renamed, CHANNEL), fx.org1Admin), fx.orderer),
      refusal('INVALID_RESULT', `error applying config update to existing channel '${CHANNEL}': application org Org1MSP attempted to change MSP ID from Org1MSP to Org2MSP`),
    );
  });

  test('an update requiring a capability this orderer lacks is refused', () => {
    const modified = fx.original.cloneMessage();
    const capabilities = new Capabilities();
    capabilities.getCapabilitiesMap().set('V9_9', new Capability());
    const value = modified.getChannelGroup()?.getValuesMap().get('Capabilities');
    assert.ok(value !== undefined);
    value.setValue(capabilities.serializeBinary());
    // /Channel/Capabilities is guarded by /Channel/Admins: a MAJORITY of the Admins of Application and Orderer.
    const ordererAdmin = fx.ordererAdmin;
    assert.throws(
      () => processConfigUpdate(fx.genesis, signed(computeConfigUpdate(fx.original, modified, CHANNEL), fx.org1Admin, ordererAdmin), fx.orderer),
      refusal(
        'INVALID_RESULT',
        `error applying config update to existing channel '${CHANNEL}': config update is not compatible: config requires unsupported channel capabilities: Channel capability V9_9 is required but not supported`,
      ),
    );
  });

  test('an envelope that is not a CONFIG_UPDATE is refused', () => {
    const payload = new Payload();
    const update = addOrg2(fx.org1Admin);
    const original = Payload.deserializeBinary(update.getPayload_asU8());
    const header = original.getHeader();
    assert.ok(header !== undefined);
    const channelHeader = ChannelHeader.deserializeBinary(header.getChannelHeader_asU8());
    channelHeader.setType(HeaderType.ENDORSER_TRANSACTION);
    header.setChannelHeader(channelHeader.serializeBinary());
    payload.setHeader(header);
    payload.setData(original.getData_asU8());
    const envelope = new Envelope();
    envelope.setPayload(payload.serializeBinary());
    assert.throws(
      () => processConfigUpdate(fx.genesis, envelope, fx.orderer),
      refusal('UPDATE_MALFORMED', `error applying config update to existing channel '${CHANNEL}': error converting envelope to config update: invalid type ENDORSER_TRANSACTION, expected CONFIG_UPDATE`),
    );
  });
});

describe('computeConfigUpdate and signConfigUpdateEnvelope', () => {
  test("compute_update: adding an org rewrites Application at version 1, lists its members at their versions, and adds the org's group at 0", () => {
    const update = computeConfigUpdate(fx.original, withOrg2(fx.original), CHANNEL);
    assert.equal(update.getChannelId(), CHANNEL);
    const read = groupAt(update.getReadSet(), 'Application');
    const write = groupAt(update.getWriteSet(), 'Application');
    assert.equal(update.getWriteSet()?.getVersion(), 0);
    assert.equal(read.getVersion(), 0);
    assert.equal(write.getVersion(), 1);
    assert.equal(write.getModPolicy(), 'Admins');
    assert.deepEqual([...read.getGroupsMap().keys()], ['Org1MSP']);
    assert.deepEqual([...write.getGroupsMap().keys()].sort(), ['Org1MSP', 'Org2MSP']);
    // Unchanged members are references: a version, no content.
    const admins: ConfigPolicy | undefined = write.getPoliciesMap().get('Admins');
    assert.equal(admins?.getVersion(), 0);
    assert.equal(admins.getPolicy(), undefined);
    assert.equal(groupAt(write, 'Org2MSP').getVersion(), 0);
    const msp: ConfigValue | undefined = groupAt(write, 'Org2MSP').getValuesMap().get('MSP');
    assert.deepEqual(msp?.getValue_asU8(), fx.org2Group.getValuesMap().get('MSP')?.getValue_asU8());
    assert.throws(() => computeConfigUpdate(fx.original, fx.original, CHANNEL), refusal('NO_DIFFERENCES', 'no differences detected between original and updated config'));
  });

  test('signconfigtx adds one ConfigSignature per signer over signature header || config update, and signs the envelope', () => {
    const update = computeConfigUpdate(fx.original, withOrg2(fx.original), CHANNEL);
    const envelope = signed(update, fx.org1Admin, fx.org2Admin);
    const payload = Payload.deserializeBinary(envelope.getPayload_asU8());
    const channelHeader = ChannelHeader.deserializeBinary(payload.getHeader()?.getChannelHeader_asU8() ?? new Uint8Array());
    assert.equal(channelHeader.getType(), HeaderType.CONFIG_UPDATE);
    assert.equal(channelHeader.getChannelId(), CHANNEL);
    // The envelope is the last signer's.
    const signatureHeader = SignatureHeader.deserializeBinary(payload.getHeader()?.getSignatureHeader_asU8() ?? new Uint8Array());
    assert.deepEqual(signatureHeader.getCreator_asU8(), fx.org2Admin.serialize());
    assert.equal(verify('sha256', envelope.getPayload_asU8(), new X509Certificate(fx.org2Admin.certificatePem).publicKey, envelope.getSignature_asU8()), true);
    const updateEnvelope = ConfigUpdateEnvelope.deserializeBinary(payload.getData_asU8());
    assert.deepEqual(updateEnvelope.getConfigUpdate_asU8(), update.serializeBinary());
    const signers = [fx.org1Admin, fx.org2Admin];
    assert.equal(updateEnvelope.getSignaturesList().length, 2);
    for (const [i, signature] of updateEnvelope.getSignaturesList().entries()) {
      const signer = signers[i];
      assert.ok(signer !== undefined);
      const header = SignatureHeader.deserializeBinary(signature.getSignatureHeader_asU8());
      assert.deepEqual(header.getCreator_asU8(), signer.serialize());
      assert.equal(header.getNonce_asU8().length, 24);
      const data = Buffer.concat([signature.getSignatureHeader_asU8(), updateEnvelope.getConfigUpdate_asU8()]);
      assert.equal(verify('sha256', data, new X509Certificate(signer.certificatePem).publicKey, signature.getSignature_asU8()), true);
    }
    // Only a CONFIG_UPDATE envelope can be signed.
    assert.throws(() => signConfigUpdateEnvelope(new Envelope(), fx.org1Admin), (err) => err instanceof ConfigUpdateError && err.code === 'UPDATE_MALFORMED');
  });
});
