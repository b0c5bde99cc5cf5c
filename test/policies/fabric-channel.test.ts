/**
 * Policies over the real Fabric 2.4.9 channel (../shared/fixtures/fabric-2.4.9): its config block as
 * configtxgen made it, its MSPs, cryptogen's identities, and transactions Fabric's client signed.
 */
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import configtxPb from '@hyperledger/fabric-protos/lib/common/configtx_pb.js';
import peerConfigurationPb from '@hyperledger/fabric-protos/lib/peer/configuration_pb.js';
import { Envelope, Payload, type Block } from '../../src/common/protos/common.js';
import { MSPConfig } from '../../src/common/protos/msp.js';
import { ConfigGroup, type ConfigGroup as ConfigGroupType } from '../../src/common/protos/policies.js';
import { SignaturePolicyEnvelope } from '../../src/common/protos/collection.js';
import { FabricMsp } from '../../src/msp/fabric-msp.js';
import { MspManager } from '../../src/msp/msp-manager.js';
import { loadSigningIdentity, type SigningIdentity } from '../../src/msp/signing-identity.js';
import { AclProvider } from '../../src/policies/acl-provider.js';
import { localPolicies } from '../../src/policies/local-policies.js';
import { PolicyManager } from '../../src/policies/policy-manager.js';
import { formatSignaturePolicy } from '../../src/policies/signature-policy-dsl.js';
import { signedDataOfEnvelope, type SignedData } from '../../src/policies/signed-data.js';
import { FIXTURE_MSP, readFixtureBlocks, readFixtureConfigBlock } from '../helpers/fabric-fixture.js';

/** Block -> Envelope -> Payload -> ConfigEnvelope -> Config.channel_group, as a peer reads a config block. */
function channelGroupOf(block: Block): ConfigGroupType {
  const envelope = Envelope.deserializeBinary(block.getData()?.getDataList_asU8()[0] ?? assert.fail('no envelope'));
  const payload = Payload.deserializeBinary(envelope.getPayload_asU8());
  const config = configtxPb.ConfigEnvelope.deserializeBinary(payload.getData_asU8()).getConfig();
  return config?.getChannelGroup() ?? assert.fail('no channel group');
}

/** Every org's MSP of the channel (Application and Orderer orgs). */
function mspsOf(channelGroup: ConfigGroupType): FabricMsp[] {
  const msps: FabricMsp[] = [];
  for (const section of ['Application', 'Orderer']) {
    channelGroup.getGroupsMap().get(section)?.getGroupsMap().forEach((org) => {
      const value = org.getValuesMap().get('MSP') ?? assert.fail('an org without MSP');
      msps.push(FabricMsp.fromConfig(MSPConfig.deserializeBinary(value.getValue_asU8())));
    });
  }
  return msps;
}

function sign(signer: SigningIdentity, text: string): SignedData[] {
  const data = new TextEncoder().encode(text);
  return [{ data, identity: signer.serialize(), signature: signer.sign(data) }];
}

describe('policies over the Fabric 2.4.9 fixture channel', () => {
  let channelGroup: ConfigGroupType;
  let msps: MspManager;
  let policies: PolicyManager;
  let user1: SigningIdentity;
  let admin: SigningIdentity;
  let peer0: SigningIdentity;
  let orderer: SigningIdentity;

  before(async () => {
    channelGroup = channelGroupOf(await readFixtureConfigBlock());
    msps = new MspManager(mspsOf(channelGroup));
    policies = PolicyManager.fromChannelGroup(channelGroup, msps);
    [user1, admin, peer0, orderer] = await Promise.all([
      loadSigningIdentity(FIXTURE_MSP.org1User1, 'Org1MSP'),
      loadSigningIdentity(FIXTURE_MSP.org1Admin, 'Org1MSP'),
      loadSigningIdentity(FIXTURE_MSP.org1Peer0, 'Org1MSP'),
      loadSigningIdentity(FIXTURE_MSP.ordererNode, 'OrdererMSP'),
    ]);
  });

  const satisfies = (path: string, signed: SignedData[]): boolean => {
    const policy = policies.getPolicy(path) ?? assert.fail(`no policy ${path}`);
    try {
      policy.evaluateSignedData(signed);
      return true;
    } catch (err) {
      assert.equal((err as { code?: string }).code, 'POLICY_NOT_SATISFIED', (err as Error).message);
      return false;
    }
  };

  test("the orgs' signature policies read back as configtx.yaml wrote them", () => {
    const org1 = channelGroup.getGroupsMap().get('Application')?.getGroupsMap().get('Org1MSP') ?? assert.fail();
    const rule = (name: string): string =>
      formatSignaturePolicy(SignaturePolicyEnvelope.deserializeBinary(org1.getPoliciesMap().get(name)?.getPolicy()?.getValue_asU8() ?? assert.fail(name)));
    assert.equal(rule('Writers'), "OR('Org1MSP.admin', 'Org1MSP.client')");
    assert.equal(rule('Readers'), "OR('Org1MSP.admin', 'Org1MSP.peer', 'Org1MSP.client')");
    assert.equal(rule('Endorsement'), "OR('Org1MSP.peer')");
  });

  test('User1 satisfies Writers but not Admins; Admin satisfies Admins; peer0 satisfies Endorsement', () => {
    assert.equal(satisfies('/Channel/Application/Writers', sign(user1, 'payload')), true);
    assert.equal(satisfies('/Channel/Application/Admins', sign(user1, 'payload')), false);
    assert.equal(satisfies('/Channel/Application/Admins', sign(admin, 'payload')), true);
    assert.equal(satisfies('/Channel/Application/Endorsement', sign(peer0, 'payload')), true);
    assert.equal(satisfies('/Channel/Application/Endorsement', sign(user1, 'payload')), false);
    assert.equal(satisfies('Application/Org1MSP/Readers', sign(peer0, 'payload')), true);
    assert.equal(satisfies('/Channel/Writers', sign(user1, 'payload')), true);
  });

  test("the orderer's identity satisfies /Channel/Orderer/BlockValidation; Org1's do not", () => {
    assert.equal(satisfies('/Channel/Orderer/BlockValidation', sign(orderer, 'block')), true);
    assert.equal(satisfies('/Channel/Orderer/BlockValidation', sign(admin, 'block')), false);
  });

  test('a signature over other bytes does not count', () => {
    const [signed] = sign(user1, 'payload');
    assert.ok(signed);
    assert.equal(satisfies('/Channel/Application/Writers', [{ ...signed, data: new TextEncoder().encode('other') }]), false);
  });

  test("transactions Fabric's client signed satisfy /Channel/Application/Writers", async () => {
    const blocks = await readFixtureBlocks();
    const block = blocks[3] ?? assert.fail('no block 3');
    const transactions = block.getData()?.getDataList_asU8() ?? [];
    assert.ok(transactions.length > 0);
    for (const bytes of transactions) {
      assert.equal(satisfies('/Channel/Application/Writers', signedDataOfEnvelope(Envelope.deserializeBinary(bytes))), true);
    }
  });

  test('ACLs: peer/Propose lets User1 in; the peer-wide cscc/JoinChain refuses User1 and lets Admin in', () => {
    const acl = new AclProvider({
      channelPolicies: (channelId) => (channelId === 'mychannel' ? { policies, acls: new Map() } : undefined),
      localPolicies: localPolicies('Org1MSP', msps.getMsp('Org1MSP') ?? assert.fail('no Org1MSP')),
    });
    acl.checkACL('peer/Propose', 'mychannel', sign(user1, 'proposal'));
    acl.checkACL('qscc/GetChainInfo', 'mychannel', sign(peer0, 'proposal'));
    assert.throws(() => acl.checkACL('cscc/JoinChain', '', sign(user1, 'proposal')), {
      code: 'ACCESS_DENIED',
      message: /^failed verifying that the signed data identity satisfies local MSP principal during channelless check policy with policy \[Admins\]/,
    });
    acl.checkACL('cscc/JoinChain', '', sign(admin, 'proposal'));
    acl.checkACL('cscc/GetChannels', '', sign(user1, 'proposal'));
  });

  test("an ACLs value in the channel config overrides the default: peer/Propose -> Admins", () => {
    // The config as an update would make it: Application's ACLs value, read back as a channel config reads it.
    const acls = new peerConfigurationPb.ACLs();
    const resource = new peerConfigurationPb.APIResource();
    resource.setPolicyRef('Admins');
    acls.getAclsMap().set('peer/Propose', resource);
    const updated = ConfigGroup.deserializeBinary(channelGroup.serializeBinary());
    const application = updated.getGroupsMap().get('Application') ?? assert.fail();
    const value = new configtxPb.ConfigValue();
    value.setValue(acls.serializeBinary());
    value.setModPolicy('Admins');
    application.getValuesMap().set('ACLs', value);

    const readAcls = new Map<string, string>();
    peerConfigurationPb.ACLs.deserializeBinary(application.getValuesMap().get('ACLs')?.getValue_asU8() ?? assert.fail())
      .getAclsMap()
      .forEach((api, name) => readAcls.set(name, api.getPolicyRef()));
    const updatedPolicies = PolicyManager.fromChannelGroup(updated, msps);
    const acl = new AclProvider({
      channelPolicies: () => ({ policies: updatedPolicies, acls: readAcls }),
      localPolicies: localPolicies('Org1MSP', msps),
    });
    assert.throws(() => acl.checkACL('peer/Propose', 'mychannel', sign(user1, 'proposal')), {
      code: 'ACCESS_DENIED',
      message:
        "failed evaluating policy on signed data during check policy [/Channel/Application/Admins]: [implicit policy evaluation failed - 0 sub-policies were satisfied, but this policy requires 1 of the 'Admins' sub-policies to be satisfied]",
    });
    acl.checkACL('peer/Propose', 'mychannel', sign(admin, 'proposal'));
  });
});
