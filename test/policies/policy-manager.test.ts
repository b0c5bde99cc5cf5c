import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Policy } from '../../src/common/protos/policies.js';
import { PolicyManager } from '../../src/policies/policy-manager.js';
import { FakeDeserializer, FakeIdentity, group, implicitMetaPolicy, orgGroup, signaturePolicy } from './fake-identities.js';

const ORGS = ['Org1MSP', 'Org2MSP', 'Org3MSP'];
const clients = ORGS.map((mspId) => new FakeIdentity(mspId, `${mspId}-user`, ['client']));

/** A channel with `orgCount` application orgs and implicit ANY/ALL/MAJORITY Writers policies over them. */
function channel(orgCount: number, d = new FakeDeserializer(ORGS)): PolicyManager {
  const orgs = Object.fromEntries(ORGS.slice(0, orgCount).map((mspId) => [mspId, orgGroup(mspId)]));
  const application = group(
    {
      Readers: implicitMetaPolicy('ANY', 'Readers'),
      Writers: implicitMetaPolicy('ANY', 'Writers'),
      AllWriters: implicitMetaPolicy('ALL', 'Writers'),
      Admins: implicitMetaPolicy('MAJORITY', 'Admins'),
      MajorityWriters: implicitMetaPolicy('MAJORITY', 'Writers'),
      Missing: implicitMetaPolicy('ANY', 'NoSuchPolicy'),
    },
    orgs,
  );
  return PolicyManager.fromChannelGroup(group({ Writers: implicitMetaPolicy('ANY', 'Writers') }, { Application: application }), d);
}

const passes = (manager: PolicyManager, path: string, signers: FakeIdentity[]): boolean => {
  const policy = manager.getPolicy(path);
  assert.ok(policy, `no policy ${path}`);
  try {
    policy.evaluateSignedData(signers.map((s) => s.sign('payload')));
    return true;
  } catch (err) {
    assert.equal((err as { code?: string }).code, 'POLICY_NOT_SATISFIED');
    return false;
  }
};

describe('implicit meta policies over a config tree', () => {
  test('ANY, ALL and MAJORITY with 0 to 3 orgs (0 orgs: always satisfied, as in Fabric)', () => {
    const expected: Record<number, Record<string, boolean[]>> = {
      // signers: [none, org1, org1+org2, all three]
      0: { Writers: [true, true, true, true], AllWriters: [true, true, true, true], MajorityWriters: [true, true, true, true] },
      1: { Writers: [false, true, true, true], AllWriters: [false, true, true, true], MajorityWriters: [false, true, true, true] },
      2: { Writers: [false, true, true, true], AllWriters: [false, false, true, true], MajorityWriters: [false, false, true, true] },
      3: { Writers: [false, true, true, true], AllWriters: [false, false, false, true], MajorityWriters: [false, false, true, true] },
    };
    for (const [orgCount, byPolicy] of Object.entries(expected)) {
      const manager = channel(Number(orgCount));
      for (const [name, results] of Object.entries(byPolicy)) {
        results.forEach((result, signerCount) => {
          assert.equal(passes(manager, `/Channel/Application/${name}`, clients.slice(0, signerCount)), result, `${name} with ${orgCount} orgs and ${signerCount} signers`);
        });
      }
    }
  });

  test("Fabric's message names the satisfied count, the threshold and the sub-policy", () => {
    const policy = channel(3).getPolicy('/Channel/Application/MajorityWriters');
    assert.throws(() => policy?.evaluateSignedData([clients[0]?.sign('p') ?? assert.fail()]), {
      code: 'POLICY_NOT_SATISFIED',
      message: "implicit policy evaluation failed - 1 sub-policies were satisfied, but this policy requires 2 of the 'Writers' sub-policies to be satisfied",
    });
    assert.throws(() => channel(1).getPolicy('Application/Writers')?.evaluateSignedData([]), {
      message: "implicit policy evaluation failed - 0 sub-policies were satisfied, but this policy requires 1 of the 'Writers' sub-policies to be satisfied",
    });
  });

  test('a child group without the sub-policy counts as not satisfied', () => {
    assert.equal(passes(channel(2), '/Channel/Application/Missing', clients), false);
  });

  test('signatures are verified once for the whole tree, not once per org', () => {
    const d = new FakeDeserializer(ORGS);
    const manager = channel(3, d);
    // Org3's signer is checked against Org1 and Org2 before it: still one verification.
    assert.equal(passes(manager, '/Channel/Writers', [clients[2] ?? assert.fail()]), true);
    assert.equal(d.of(clients[2] ?? assert.fail()).verifications, 1);
  });

  test('paths: absolute from /Channel, relative from the root, per-org policies, and sub-managers', () => {
    const manager = channel(2);
    const admin = new FakeIdentity('Org1MSP', 'admin', ['admin']);
    assert.equal(manager.getPolicy('/Channel/Application/Writers'), manager.getPolicy('Application/Writers'));
    assert.equal(passes(manager, '/Channel/Application/Org1MSP/Admins', [admin]), true);
    assert.equal(passes(manager, 'Application/Org2MSP/Admins', [admin]), false);
    assert.equal(passes(manager, 'Writers', [admin]), true);
    assert.equal(manager.manager(['Application', 'Org1MSP'])?.getPolicy('Admins'), manager.getPolicy('Application/Org1MSP/Admins'));
    assert.equal(manager.manager(['Application', 'Org1MSP'])?.getPolicy('/Channel/Application/Org1MSP/Admins'), manager.getPolicy('Application/Org1MSP/Admins'));
    assert.equal(manager.manager(['Nope']), undefined);
    for (const missing of ['', '/Channel/Application/Nope', '/Other/Application/Writers', '/Channel', 'Application/Org9MSP/Admins']) {
      assert.equal(manager.getPolicy(missing), undefined, missing);
    }
  });

  test('MAJORITY of Admins: two of three org admins', () => {
    const admins = ORGS.map((mspId) => new FakeIdentity(mspId, `${mspId}-admin`, ['admin']));
    const manager = channel(3);
    assert.equal(passes(manager, '/Channel/Application/Admins', admins.slice(0, 1)), false);
    assert.equal(passes(manager, '/Channel/Application/Admins', admins.slice(0, 2)), true);
    assert.equal(passes(manager, '/Channel/Application/Admins', clients), false);
  });

  test('policy types other than SIGNATURE and IMPLICIT_META, and policies that do not compile, are refused naming the path', () => {
    const msp = new Policy();
    msp.setType(Policy.PolicyType.MSP);
    const d = new FakeDeserializer(ORGS);
    assert.throws(() => PolicyManager.fromChannelGroup(group({}, { Application: group({ Odd: msp }) }), d), {
      code: 'UNKNOWN_POLICY_TYPE',
      message: /^policy Odd at path Channel\/Application has unknown policy type: 2/,
    });
    const broken = new Policy();
    broken.setType(Policy.PolicyType.SIGNATURE);
    broken.setValue(Uint8Array.of(0xff, 0xff));
    assert.throws(() => PolicyManager.fromChannelGroup(group({ Broken: broken }), d), { code: 'BAD_POLICY', message: /^policy Broken at path Channel did not compile: Error unmarshalling/ });
    assert.throws(() => PolicyManager.fromChannelGroup(group({ Bad: signaturePolicy("OR('A.member')") }, {}), d).getPolicy('Bad')?.evaluateSignedData([]), { code: 'POLICY_NOT_SATISFIED' });
  });
});
