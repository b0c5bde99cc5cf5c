import { MSPPrincipal, MSPRole, SignaturePolicy, SignaturePolicyEnvelope, type MSPRoleType } from '../common/protos/collection.js';
import { PolicyError } from './policy-error.js';

const ROLES: Record<string, MSPRoleType> = {
  member: MSPRole.MSPRoleType.MEMBER,
  admin: MSPRole.MSPRoleType.ADMIN,
  client: MSPRole.MSPRoleType.CLIENT,
  peer: MSPRole.MSPRoleType.PEER,
  orderer: MSPRole.MSPRoleType.ORDERER,
};

type Principal = { kind: 'principal'; mspId: string; role: string };
type Node = Principal | { kind: 'outOf'; n: number; rules: Node[] };

const ROLE_NAMES = new Map<number, string>(Object.entries(ROLES).map(([name, role]) => [role, name]));

/**
 * Parses a signature policy in the language of Fabric's CLI and configtx (`OR('Org1MSP.member',
 * AND('Org2MSP.peer', 'Org3MSP.admin'))`, `OutOf(2, 'A.member', 'B.member', 'C.member')`) into the
 * SignaturePolicyEnvelope Fabric stores, byte for byte as Fabric's parser makes it: the envelope
 * goes into chaincode definitions and collection configs that every org must agree on, so the
 * numbering of principals is Fabric's (each occurrence listed, a gate's nested gates numbered
 * before its own principals) and `OutOf(t, ...)` takes any t from 0 to n+1, as Fabric does.
 * Written by hand: the grammar is a dozen lines and no npm package implements it.
 */
export function parseSignaturePolicy(text: string): SignaturePolicyEnvelope {
  const parser = new Parser(text);
  const root = parser.expression();
  parser.end();
  if (root.kind === 'principal') throw new PolicyError('BAD_POLICY', `invalid policy string '${text}': expected AND, OR or OutOf around the principals`);
  const principals: Principal[] = [];
  const rule = toRule(root, principals);
  const envelope = new SignaturePolicyEnvelope();
  envelope.setVersion(0);
  envelope.setRule(rule);
  envelope.setIdentitiesList(principals.map(rolePrincipal));
  return envelope;
}

/** The policy language text of an envelope whose principals are all roles (AND for n of n, OR for 1 of n). */
export function formatSignaturePolicy(envelope: SignaturePolicyEnvelope): string {
  const names = envelope.getIdentitiesList().map((principal) => {
    if (principal.getPrincipalClassification() !== MSPPrincipal.Classification.ROLE) return undefined;
    const role = MSPRole.deserializeBinary(principal.getPrincipal_asU8());
    const roleName = ROLE_NAMES.get(role.getRole());
    return roleName === undefined ? undefined : `'${role.getMspIdentifier()}.${roleName}'`;
  });
  const format = (rule: SignaturePolicy | undefined): string => {
    if (rule === undefined) throw new PolicyError('BAD_POLICY', 'the policy has an empty rule');
    const outOf = rule.getNOutOf();
    if (outOf === undefined) {
      const index = rule.getSignedBy();
      const name = names[index];
      if (name === undefined) throw new PolicyError('BAD_POLICY', `principal ${index} is not a role the policy language can name`);
      return name;
    }
    const rules = outOf.getRulesList().map(format);
    const n = outOf.getN();
    if (n === 1) return `OR(${rules.join(', ')})`;
    if (n === rules.length) return `AND(${rules.join(', ')})`;
    return `OutOf(${n}, ${rules.join(', ')})`;
  };
  return format(envelope.getRule());
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

function rolePrincipal(p: Principal): MSPPrincipal {
  const mspRole = new MSPRole();
  mspRole.setMspIdentifier(p.mspId);
  mspRole.setRole(ROLES[p.role] as MSPRoleType);
  const principal = new MSPPrincipal();
  principal.setPrincipalClassification(MSPPrincipal.Classification.ROLE);
  principal.setPrincipal(mspRole.serializeBinary());
  return principal;
}

/** Fabric evaluates a gate's arguments before the gate: nested gates take their numbers first. */
function toRule(node: Node & { kind: 'outOf' }, principals: Principal[]): SignaturePolicy {
  const rules = node.rules.map((child) => (child.kind === 'outOf' ? toRule(child, principals) : undefined));
  const outOf = new SignaturePolicy.NOutOf();
  outOf.setN(node.n);
  outOf.setRulesList(
    node.rules.map((child, i) => {
      const nested = rules[i];
      if (nested !== undefined) return nested;
      const signedBy = new SignaturePolicy();
      signedBy.setSignedBy(principals.push(child as Principal) - 1);
      return signedBy;
    }),
  );
  const rule = new SignaturePolicy();
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
    // Fabric allows 0 (always satisfied) and n+1 (never satisfied, for keys nobody may change).
    if (gate === 'outof' && n > rules.length + 1) throw this.error(`invalid t-out-of-n predicate, t ${n}, n ${rules.length}`);
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

  /** OutOf's threshold; Fabric also takes it quoted (`OutOf('1', ...)`). */
  private integer(): number {
    const quote = this.peek();
    if (quote === "'" || quote === '"') {
      this.pos++;
      const n = this.integer();
      this.expect(quote);
      return n;
    }
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
