import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseSignaturePolicy, policyMspIds } from '../../src/policies/signature-policy-dsl.js';
import { MSPRole, type SignaturePolicy } from '../../src/common/protos/collection.js';

/** A rule as text: `s<i>` for signed_by, `n-of(...)` for n_out_of. */
function show(rule: SignaturePolicy | undefined): string {
  if (rule === undefined) return '?';
  if (rule.hasNOutOf()) {
    const outOf = rule.getNOutOf();
    return `${outOf?.getN()}-of(${(outOf?.getRulesList() ?? []).map(show).join(',')})`;
  }
  return `s${rule.getSignedBy()}`;
}

describe('signature policy language', () => {
  test("OR / AND / OutOf over 'MSP.role' principals, each principal listed once", () => {
    const envelope = parseSignaturePolicy("OR('Org1MSP.member', AND('Org2MSP.peer', 'Org1MSP.member'), OutOf(2, 'A.admin', 'B.client', 'C.orderer'))");
    assert.equal(show(envelope.getRule()), '1-of(s0,2-of(s1,s0),2-of(s2,s3,s4))');
    const roles = envelope.getIdentitiesList().map((p) => {
      const role = MSPRole.deserializeBinary(p.getPrincipal_asU8());
      return `${role.getMspIdentifier()}.${role.getRole()}`;
    });
    assert.deepEqual(roles, ['Org1MSP.0', 'Org2MSP.3', 'A.1', 'B.2', 'C.4']);
    assert.deepEqual(policyMspIds(envelope), ['Org1MSP', 'Org2MSP', 'A', 'B', 'C']);
  });

  test('operators are case-insensitive, double quotes work, and MSP ids may hold dots', () => {
    const envelope = parseSignaturePolicy('or("org.example.com.member")');
    assert.equal(show(envelope.getRule()), '1-of(s0)');
    assert.deepEqual(policyMspIds(envelope), ['org.example.com']);
  });

  test('malformed policies are refused, saying what is wrong and where', () => {
    const refused = (text: string, reason: RegExp) => assert.throws(() => parseSignaturePolicy(text), (err: Error & { code?: string }) => err.code === 'BAD_POLICY' && reason.test(err.message));
    refused("ANY('A.member')", /unknown operator ANY: expected AND, OR or OutOf/);
    refused("OR('A.superhero')", /principal 'A.superhero' must be '<MSP id>.<role>'/);
    refused("OR('A.member'", /expected '\)'/);
    refused("OutOf(3, 'A.member', 'B.member')", /OutOf\(3, \.\.\.\) needs between 1 and 2 signatures/);
    refused("OR('A.member') extra", /unexpected text after the policy \(at character 16\)/);
    refused("OR('A.member)", /unterminated principal/);
  });
});
