import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { SignaturePolicyEnvelope, SignaturePolicy as SignaturePolicyProto } from '../../src/common/protos/collection.js';
import { SignaturePolicy } from '../../src/policies/signature-policy.js';
import { parseSignaturePolicy } from '../../src/policies/signature-policy-dsl.js';
import { FakeDeserializer, FakeIdentity } from './fake-identities.js';

const deserializer = (): FakeDeserializer => new FakeDeserializer(['A', 'B', 'C']);
const compile = (dsl: string, d = deserializer()): SignaturePolicy => SignaturePolicy.fromBytes(parseSignaturePolicy(dsl).serializeBinary(), d);

const a = new FakeIdentity('A', 'a1', ['client']);
const a2 = new FakeIdentity('A', 'a2', ['peer']);
const aAdmin = new FakeIdentity('A', 'a-admin', ['admin']);
const b = new FakeIdentity('B', 'b1', ['peer']);
const c = new FakeIdentity('C', 'c1', ['client']);

const satisfied = (policy: SignaturePolicy, ...signers: FakeIdentity[]): boolean => {
  try {
    policy.evaluateSignedData(signers.map((s) => s.sign('tx')));
    return true;
  } catch (err) {
    assert.equal((err as { code?: string }).code, 'POLICY_NOT_SATISFIED');
    assert.equal((err as Error).message, 'signature set did not satisfy policy');
    return false;
  }
};

describe('signature policies', () => {
  test('OutOf counts satisfied principals; OutOf(0) always passes and OutOf(n+1) never', () => {
    const twoOfThree = compile("OutOf(2, 'A.member', 'B.member', 'C.member')");
    assert.equal(satisfied(twoOfThree, a), false);
    assert.equal(satisfied(twoOfThree, a, b), true);
    assert.equal(satisfied(twoOfThree, c, b), true);
    assert.equal(satisfied(twoOfThree, a, b, c), true);
    assert.equal(satisfied(compile("OutOf(0, 'A.member', 'B.member')")), true);
    assert.equal(satisfied(compile("OutOf(3, 'A.member', 'B.member')"), a, b, c), false);
  });

  test('AND and OR nest; roles are checked (member is any role, admin only admin)', () => {
    const policy = compile("OR(AND('A.member', 'B.peer'), 'C.admin', AND('A.admin', OR('B.member', 'C.member')))");
    assert.equal(satisfied(policy, a), false);
    assert.equal(satisfied(policy, a, b), true);
    assert.equal(satisfied(policy, c), false, 'C.admin needs an admin');
    assert.equal(satisfied(policy, aAdmin, c), true);
    assert.equal(satisfied(policy, aAdmin), false);
    assert.equal(satisfied(compile("AND('A.peer', 'B.peer')"), a, b), false, 'a is a client, not a peer');
    assert.equal(satisfied(compile("AND('A.peer', 'B.peer')"), a2, b), true);
  });

  test('one identity satisfies at most one principal: AND of the same principal twice needs two identities', () => {
    const twoOfA = compile("AND('A.member', 'A.member')");
    assert.equal(satisfied(twoOfA, a), false);
    assert.equal(satisfied(twoOfA, a, a2), true);
    assert.equal(satisfied(compile("OutOf(2, 'A.member', 'A.client')"), a), false, 'a matches both principals but counts once');
  });

  test('a failed branch gives back the identities it took (rollback of the used marks)', () => {
    // AND('A.member','B.member') takes a, then fails for lack of B: a must be free again for 'A.member' after it.
    const policy = compile("OutOf(2, AND('A.member', 'B.member'), 'A.member', 'C.member')");
    assert.equal(satisfied(policy, a, c), true);
    // Without c, the second principal alone is 1 of 2.
    assert.equal(satisfied(policy, a), false);
  });

  test('a satisfied branch keeps the identities it took, even past the threshold (as Fabric: every branch is evaluated)', () => {
    // OR('A.member','A.member') is satisfied by a, but evaluates both branches: with a and a2, it takes both,
    // leaving nothing for the last 'A.member'.
    const policy = compile("AND(OR('A.member', 'A.member'), 'A.member')");
    assert.equal(satisfied(policy, a, a2), false);
    assert.equal(satisfied(policy, a, a2, new FakeIdentity('A', 'a3')), true);
  });

  test('a duplicate signer counts once, and its signature is verified once', () => {
    const d = deserializer();
    const policy = compile("AND('A.member', 'A.member')", d);
    const signed = Array.from({ length: 1000 }, () => a.sign('tx'));
    assert.throws(() => policy.evaluateSignedData(signed), { code: 'POLICY_NOT_SATISFIED' });
    assert.equal(d.of(a).verifications, 1);
  });

  test('a repeated forged signature is verified once; a later valid signature by the same signer still counts', () => {
    const d = deserializer();
    const policy = compile("OR('A.member')", d);
    const forged = Array.from({ length: 1000 }, () => a.sign('tx', true));
    assert.throws(() => policy.evaluateSignedData(forged), { code: 'POLICY_NOT_SATISFIED' });
    assert.equal(d.of(a).verifications, 1);
    policy.evaluateSignedData([a.sign('tx', true), a.sign('tx')]);
  });

  test('invalid signatures, unknown MSPs and invalid identities are skipped, not fatal', () => {
    const policy = compile("OR('A.member', 'B.member')");
    assert.equal(satisfied(policy, new FakeIdentity('Z', 'z')), false);
    policy.evaluateSignedData([new FakeIdentity('Z', 'z').sign('tx'), a.sign('tx', true), b.sign('tx')]);
    assert.throws(() => policy.evaluateSignedData([a.sign('tx', true)]), { code: 'POLICY_NOT_SATISFIED' });
    assert.equal(satisfied(policy, new FakeIdentity('A', 'expired', ['client'], false)), false);
    assert.throws(() => policy.evaluateSignedData([]), { code: 'POLICY_NOT_SATISFIED' });
  });

  test('a one-signer evaluation costs one deserialization and one verification', () => {
    const d = deserializer();
    const policy = compile("OR('A.member', 'B.member')", d);
    policy.evaluateSignedData([b.sign('tx')]);
    assert.equal(d.deserializations, 1);
    assert.equal(d.of(b).verifications, 1);
  });

  test('evaluateIdentities takes verified identities, each counted once', () => {
    const policy = compile("AND('A.member', 'A.member')");
    assert.throws(() => policy.evaluateIdentities([a, a]), { message: 'signature set did not satisfy policy' });
    policy.evaluateIdentities([a, a2]);
    assert.equal(a.verifications, 0);
  });

  test('bad envelopes are refused when compiled, in Fabric words', () => {
    const envelope = parseSignaturePolicy("OR('A.member')");
    envelope.setVersion(1);
    assert.throws(() => SignaturePolicy.fromEnvelope(envelope, deserializer()), { code: 'BAD_POLICY', message: 'This evaluator only understands messages of version 0, but version was 1' });
    const outOfRange = new SignaturePolicyEnvelope();
    const rule = new SignaturePolicyProto();
    rule.setSignedBy(3);
    outOfRange.setRule(rule);
    assert.throws(() => SignaturePolicy.fromEnvelope(outOfRange, deserializer()), { message: 'identity index out of range, requested 3, but identities length is 0' });
    assert.throws(() => SignaturePolicy.fromEnvelope(new SignaturePolicyEnvelope(), deserializer()), { message: 'Empty policy element' });
    assert.throws(() => SignaturePolicy.fromBytes(Uint8Array.of(0xff, 0xff, 0xff), deserializer()), { code: 'BAD_POLICY', message: /^Error unmarshalling to SignaturePolicy/ });
  });
});
