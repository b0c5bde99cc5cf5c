import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { AclProvider } from '../../src/policies/acl-provider.js';
import { localPolicies } from '../../src/policies/local-policies.js';
import { PolicyManager } from '../../src/policies/policy-manager.js';
import { FakeDeserializer, FakeIdentity, group, implicitMetaPolicy, orgGroup, signaturePolicy } from './fake-identities.js';

const d = new FakeDeserializer(['Org1MSP', 'Org2MSP']);
const application = group(
  {
    Readers: implicitMetaPolicy('ANY', 'Readers'),
    Writers: implicitMetaPolicy('ANY', 'Writers'),
    Admins: implicitMetaPolicy('MAJORITY', 'Admins'),
    OnlyOrg2: signaturePolicy("OR('Org2MSP.member')"),
  },
  { Org1MSP: orgGroup('Org1MSP'), Org2MSP: orgGroup('Org2MSP') },
);
const policies = PolicyManager.fromChannelGroup(group({}, { Application: application }), d);

const user1 = new FakeIdentity('Org1MSP', 'user1', ['client']);
const peer1 = new FakeIdentity('Org1MSP', 'peer1', ['peer']);
const admin1 = new FakeIdentity('Org1MSP', 'admin1', ['admin']);
const user2 = new FakeIdentity('Org2MSP', 'user2', ['client']);

function provider(acls: Record<string, string> = {}): AclProvider {
  return new AclProvider({
    channelPolicies: (channelId) => (channelId === 'mychannel' ? { policies, acls: new Map(Object.entries(acls)) } : undefined),
    // The local MSP is Org1MSP's.
    localPolicies: localPolicies('Org1MSP', new FakeDeserializer(['Org1MSP'])),
  });
}

const allowed = (acl: AclProvider, resource: string, signer: FakeIdentity, channel = 'mychannel'): boolean => {
  try {
    acl.checkACL(resource, channel, [signer.sign('proposal')]);
    return true;
  } catch (err) {
    assert.equal((err as { code?: string }).code, 'ACCESS_DENIED', (err as Error).message);
    return false;
  }
};

describe('ACLs', () => {
  test("Fabric's defaults: channel resources against the channel's Application Readers or Writers", () => {
    const acl = provider();
    for (const resource of ['peer/Propose', 'peer/ChaincodeToChaincode', '_lifecycle/CommitChaincodeDefinition', '_lifecycle/CheckCommitReadiness']) {
      assert.equal(allowed(acl, resource, user1), true, resource);
      assert.equal(allowed(acl, resource, peer1), false, `${resource}: a peer is no writer`);
    }
    for (const resource of ['qscc/GetChainInfo', 'qscc/GetBlockByNumber', 'event/Block', 'event/FilteredBlock', 'cscc/GetConfigBlock', 'lscc/GetChaincodeData', 'gateway/CommitStatus']) {
      assert.equal(allowed(acl, resource, peer1), true, resource);
    }
    assert.throws(() => acl.checkACL('peer/Propose', 'mychannel', [user1.sign('p', true)]), {
      code: 'ACCESS_DENIED',
      message:
        "Failed evaluating policy on signed data during check policy on channel [mychannel] with policy [/Channel/Application/Writers]: [implicit policy evaluation failed - 0 sub-policies were satisfied, but this policy requires 1 of the 'Writers' sub-policies to be satisfied]",
    });
  });

  test('peer-wide resources against the local MSP: Admins for joining and installing, Members for listing channels', () => {
    const acl = provider();
    for (const resource of ['cscc/JoinChain', 'cscc/JoinChainBySnapshot', 'lscc/Install', 'lscc/GetInstalledChaincodes', '_lifecycle/InstallChaincode', '_lifecycle/QueryInstalledChaincodes', '_lifecycle/ApproveChaincodeDefinitionForMyOrg', 'snapshot/submitrequest']) {
      assert.equal(allowed(acl, resource, admin1, ''), true, resource);
      assert.equal(allowed(acl, resource, user1, ''), false, resource);
    }
    assert.equal(allowed(acl, 'cscc/GetChannels', user1, ''), true);
    assert.throws(() => acl.checkACL('cscc/JoinChain', '', [user1.sign('p')]), {
      message: 'failed verifying that the signed data identity satisfies local MSP principal during channelless check policy with policy [Admins]: [The identity is not an admin under this MSP [Org1MSP]]',
    });
    // Another org's admin is not known to the local MSP.
    assert.throws(() => acl.checkACL('cscc/JoinChain', '', [new FakeIdentity('Org2MSP', 'admin2', ['admin']).sign('p')]), {
      code: 'ACCESS_DENIED',
      message: /^failed deserializing signed data identity during channelless check policy with policy \[Admins\]: \[MSP Org2MSP is unknown\]$/,
    });
    assert.throws(() => acl.checkACL('cscc/JoinChain', '', [admin1.sign('p', true)]), { code: 'ACCESS_DENIED', message: /\[The signature is invalid\]$/ });
    assert.throws(() => acl.checkACL('cscc/GetChannels', '', []), { message: 'no signed data during channelless check policy with policy [Members]' });
  });

  test("a channel config's ACLs override the channel defaults, relative to /Channel/Application or absolute, but not the peer-wide ones", () => {
    const acl = provider({ 'peer/Propose': 'OnlyOrg2', 'qscc/GetChainInfo': '/Channel/Application/Org1MSP/Admins', 'cscc/JoinChain': 'Readers', 'event/Block': '' });
    assert.equal(allowed(acl, 'peer/Propose', user1), false);
    assert.equal(allowed(acl, 'peer/Propose', user2), true);
    assert.throws(() => acl.checkACL('peer/Propose', 'mychannel', [user1.sign('p')]), {
      message: 'failed evaluating policy on signed data during check policy [/Channel/Application/OnlyOrg2]: [signature set did not satisfy policy]',
    });
    assert.equal(allowed(acl, 'qscc/GetChainInfo', user1), false);
    assert.equal(allowed(acl, 'qscc/GetChainInfo', admin1), true);
    assert.equal(allowed(acl, 'cscc/JoinChain', user1, 'mychannel'), false, 'peer-wide ACLs are not overridable');
    assert.equal(allowed(acl, 'event/Block', peer1), true, 'an empty reference falls back to the default');
    // An ACL naming a policy the channel does not have refuses everyone.
    assert.throws(() => provider({ 'peer/Propose': 'Nope' }).checkACL('peer/Propose', 'mychannel', [user1.sign('p')]), {
      code: 'ACCESS_DENIED',
      message: 'failed evaluating policy on signed data during check policy [/Channel/Application/Nope]: [policy /Channel/Application/Nope not found]',
    });
    // A config ACL may name a resource Fabric has no default for.
    assert.equal(allowed(provider({ 'mycc/Custom': 'Writers' }), 'mycc/Custom', user1), true);
  });

  test('an unknown resource and an unknown channel are refused with their own codes', () => {
    const acl = provider();
    assert.throws(() => acl.checkACL('peer/Nothing', 'mychannel', [user1.sign('p')]), { code: 'RESOURCE_UNMAPPED', message: 'Unmapped policy for peer/Nothing' });
    assert.throws(() => acl.checkACL('lscc/Deploy', 'mychannel', [user1.sign('p')]), { code: 'RESOURCE_UNMAPPED' });
    assert.throws(() => acl.checkACL('peer/Propose', 'otherchannel', [user1.sign('p')]), { code: 'CHANNEL_UNKNOWN', message: 'Failed to get policy manager for channel [otherchannel]' });
  });
});
