import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { formatSignaturePolicy, parseSignaturePolicy, policyMspIds } from '../../src/policies/signature-policy-dsl.js';
import { MSPRole, type SignaturePolicy } from '../../src/common/protos/collection.js';

/** A rule as text: `s<i>` for signed_by, `n-of(...)` for n_out_of. */
function show(rule: SignaturePolicy | undefined): string {
  if (rule === undefined) return '?';
  if (rule.hasNOutOf()) {
    const outOf = rule.getNOutOf();
    return `${String(outOf?.getN())}-of(${(outOf?.getRulesList() ?? []).map(show).join(',')})`;
  }
  return `s${rule.getSignedBy()}`;
}

describe('signature policy language', () => {
  const roles = (text: string): string[] =>
    parseSignaturePolicy(text)
      .getIdentitiesList()
      .map((p) => {
        const role = MSPRole.deserializeBinary(p.getPrincipal_asU8());
        return `${role.getMspIdentifier()}.${role.getRole()}`;
      });

  test("OR / AND / OutOf over 'MSP.role' principals, numbered as Fabric numbers them: nested gates first, every occurrence", () => {
    const text = "OR('Org1MSP.member', AND('Org2MSP.peer', 'Org1MSP.member'), OutOf(2, 'A.admin', 'B.client', 'C.orderer'))";
    const envelope = parseSignaturePolicy(text);
    assert.equal(show(envelope.getRule()), '1-of(s5,2-of(s0,s1),2-of(s2,s3,s4))');
    assert.deepEqual(roles(text), ['Org2MSP.3', 'Org1MSP.0', 'A.1', 'B.2', 'C.4', 'Org1MSP.0']);
    assert.deepEqual(policyMspIds(envelope), ['Org2MSP', 'Org1MSP', 'A', 'B', 'C']);
    // Fabric's policyparser_test TestComplex1 and TestComplex2.
    assert.equal(show(parseSignaturePolicy("OR('A.member', AND('B.member', 'C.member'))").getRule()), '1-of(s2,2-of(s0,s1))');
    assert.deepEqual(roles("OR('A.member', AND('B.member', 'C.member'))"), ['B.0', 'C.0', 'A.0']);
    assert.equal(show(parseSignaturePolicy("OR(AND('A.member', 'B.member'), OR('C.admin', 'D.member'))").getRule()), '1-of(2-of(s0,s1),1-of(s2,s3))');
  });

  test("OutOf takes a quoted threshold and any t from 0 to n+1, as Fabric's parser does", () => {
    assert.equal(show(parseSignaturePolicy("OutOf('1', 'A.member', 'B.member')").getRule()), '1-of(s0,s1)');
    assert.equal(show(parseSignaturePolicy("OutOf(0, 'A.member', 'B.member')").getRule()), '0-of(s0,s1)');
    assert.equal(show(parseSignaturePolicy("OutOf(3, 'A.member', 'B.member')").getRule()), '3-of(s0,s1)');
  });

  test('every role: .admin .peer .client .orderer .member', () => {
    assert.deepEqual(roles("AND('A.admin', 'A.peer', 'A.client', 'A.orderer', 'A.member')"), ['A.1', 'A.3', 'A.2', 'A.4', 'A.0']);
  });

  test('formats an envelope back to the language, and the text parses to the same bytes', () => {
    for (const text of [
      "OR('Org1MSP.member')",
      "AND('A.admin', 'B.peer')",
      "OutOf(2, 'A.member', 'B.client', 'C.orderer')",
      "OR(AND('A.member', 'B.member'), OR('C.admin', 'D.member'))",
      "OR('A.member', AND('B.member', 'C.member'))",
    ]) {
      const envelope = parseSignaturePolicy(text);
      const formatted = formatSignaturePolicy(envelope);
      assert.deepEqual(parseSignaturePolicy(formatted).serializeBinary(), envelope.serializeBinary(), `${text} -> ${formatted}`);
    }
    assert.equal(formatSignaturePolicy(parseSignaturePolicy("OutOf(2, 'A.member', 'B.client', 'C.orderer')")), "OutOf(2, 'A.member', 'B.client', 'C.orderer')");
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
    refused("OutOf(4, 'A.member', 'B.member')", /invalid t-out-of-n predicate, t 4, n 2/);
    refused("'A.member'", /expected AND, OR or OutOf around the principals/);
    refused("OR('A.member') extra", /unexpected text after the policy \(at character 16\)/);
    refused("OR('A.member)", /unterminated principal/);
  });
});
