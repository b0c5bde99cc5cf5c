import { MSPPrincipal, MSPRole, SignaturePolicy, SignaturePolicyEnvelope, type MSPRoleType } from '../common/protos/collection.js';
import { PolicyError } from './policy-error.js';

const ROLES: Record<string, MSPRoleType> = {
  member: MSPRole.MSPRoleType.MEMBER,
  admin: MSPRole.MSPRoleType.ADMIN,
  client: MSPRole.MSPRoleType.CLIENT,
  peer: MSPRole.MSPRoleType.PEER,
  orderer: MSPRole.MSPRoleType.ORDERER,
};

type Node = { kind: 'principal'; mspId: string; role: string } | { kind: 'outOf'; n: number; rules: Node[] };

/**
 * Parses a signature policy in the language of Fabric's CLI and configtx (`OR('Org1MSP.member',
 * AND('Org2MSP.peer', 'Org3MSP.admin'))`, `OutOf(2, 'A.member', 'B.member', 'C.member')`) into the
 * SignaturePolicyEnvelope Fabric stores. Principals are listed once each, in order of appearance.
 * Written by hand: the grammar is a dozen lines and no npm package implements it.
 */
export function parseSignaturePolicy(text: string): SignaturePolicyEnvelope {
  const parser = new Parser(text);
  const root = parser.expression();
  parser.end();
  const principals: string[] = [];
  const rule = toRule(root, principals);
  const envelope = new SignaturePolicyEnvelope();
  envelope.setVersion(0);
  envelope.setRule(rule);
  envelope.setIdentitiesList(
    principals.map((p) => {
      const [mspId, role] = JSON.parse(p) as [string, string];
      const mspRole = new MSPRole();
      mspRole.setMspIdentifier(mspId);
      mspRole.setRole(ROLES[role] as MSPRoleType);
      const principal = new MSPPrincipal();
      principal.setPrincipalClassification(MSPPrincipal.Classification.ROLE);
      principal.setPrincipal(mspRole.serializeBinary());
      return principal;
    }),
  );
  return envelope;
}

/** The MSP ids a signature policy names, in order; principals other than roles are skipped. */
export function policyMspIds(envelope: SignaturePolicyEnvelope): string[] {
  const ids: string[] = [];
  for (const principal of envelope.getIdentitiesList()) {
    if (principal.getPrincipalClassification() !== MSPPrincipal.Classification.ROLE) continue;
    const id = MSPRole.deserializeBinary(principal.getPrincipal_asU8()).getMspIdentifier();
    if (!ids.includes(id)) ids.push(id);
  }
  return ids;
}

function toRule(node: Node, principals: string[]): SignaturePolicy {
  const rule = new SignaturePolicy();
  if (node.kind === 'principal') {
    const key = JSON.stringify([node.mspId, node.role]);
    let index = principals.indexOf(key);
    if (index < 0) index = principals.push(key) - 1;
    rule.setSignedBy(index);
    return rule;
  }
  const outOf = new SignaturePolicy.NOutOf();
  outOf.setN(node.n);
  outOf.setRulesList(node.rules.map((r) => toRule(r, principals)));
  rule.setNOutOf(outOf);
  return rule;
}

class Parser {
  private pos = 0;

  constructor(private readonly text: string) {}

  expression(): Node {
    this.skipSpace();
    const c = this.text[this.pos];
    if (c === "'" || c === '"') return this.principal();
    const name = this.word();
    const gate = name.toLowerCase();
    if (gate !== 'and' && gate !== 'or' && gate !== 'outof') {
      throw this.error(name === '' ? 'expected a principal in quotes, or AND, OR or OutOf' : `unknown operator ${name}: expected AND, OR or OutOf`);
    }
    this.expect('(');
    let n = 0;
    if (gate === 'outof') {
      n = this.integer();
      this.expect(',');
    }
    const rules = [this.expression()];
    while (this.peek() === ',') {
      this.pos++;
      rules.push(this.expression());
    }
    this.expect(')');
    if (gate === 'and') n = rules.length;
    if (gate === 'or') n = 1;
    if (gate === 'outof' && (n < 1 || n > rules.length)) throw this.error(`OutOf(${n}, ...) needs between 1 and ${rules.length} signatures`);
    return { kind: 'outOf', n, rules };
  }

  end(): void {
    this.skipSpace();
    if (this.pos < this.text.length) throw this.error('unexpected text after the policy');
  }

  private principal(): Node {
    const quote = this.text[this.pos] as string;
    const close = this.text.indexOf(quote, this.pos + 1);
    if (close < 0) throw this.error('unterminated principal');
    const body = this.text.slice(this.pos + 1, close);
    this.pos = close + 1;
    const dot = body.lastIndexOf('.');
    const mspId = body.slice(0, dot);
    const role = body.slice(dot + 1).toLowerCase();
    if (dot <= 0 || ROLES[role] === undefined) {
      throw this.error(`principal '${body}' must be '<MSP id>.<role>' with role member, admin, client, peer or orderer`);
    }
    return { kind: 'principal', mspId, role };
  }

  private word(): string {
    this.skipSpace();
    const start = this.pos;
    while (this.pos < this.text.length && /[A-Za-z]/.test(this.text[this.pos] as string)) this.pos++;
    return this.text.slice(start, this.pos);
  }

  private integer(): number {
    this.skipSpace();
    const start = this.pos;
    while (this.pos < this.text.length && /[0-9]/.test(this.text[this.pos] as string)) this.pos++;
    if (start === this.pos) throw this.error('expected a number');
    return Number(this.text.slice(start, this.pos));
  }

  private expect(c: string): void {
    if (this.peek() !== c) throw this.error(`expected '${c}'`);
    this.pos++;
  }

  private peek(): string | undefined {
    this.skipSpace();
    return this.text[this.pos];
  }

  private skipSpace(): void {
    while (this.pos < this.text.length && /\s/.test(this.text[this.pos] as string)) this.pos++;
  }

  private error(reason: string): PolicyError {
    return new PolicyError('BAD_POLICY', `unrecognized policy '${this.text}': ${reason} (at character ${this.pos + 1})`);
  }
}
