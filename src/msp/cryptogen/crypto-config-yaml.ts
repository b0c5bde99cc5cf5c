import type { CryptoConfig, NodeSpec, OrgSpec } from './crypto-config.js';

/** A crypto configuration as crypto-config.yaml text, in cryptogen's keys (what `showtemplate` prints). */
export function cryptoConfigYaml(config: CryptoConfig): string {
  const section = (key: string, orgs: readonly OrgSpec[]): string => (orgs.length === 0 ? '' : `${key}:\n${orgs.map(orgYaml).join('')}`);
  return `${section('OrdererOrgs', config.ordererOrgs)}${section('PeerOrgs', config.peerOrgs)}`;
}

function orgYaml(org: OrgSpec): string {
  let out = `  - Name: ${scalar(org.name)}\n    Domain: ${scalar(org.domain)}\n    EnableNodeOUs: ${org.enableNodeOUs === true ? 'true' : 'false'}\n`;
  if (org.ca !== undefined) out += `    CA:\n${specFields(org.ca, '      ')}`;
  if (org.specs !== undefined && org.specs.length > 0) {
    out += `    Specs:\n${org.specs.map((s) => specFields(s, '        ').replace(/^ {8}/, '      - ')).join('')}`;
  }
  const t = org.template;
  if (t !== undefined) {
    out += `    Template:\n      Count: ${t.count}\n`;
    if (t.start !== undefined) out += `      Start: ${t.start}\n`;
    if (t.hostname !== undefined) out += `      Hostname: ${scalar(t.hostname)}\n`;
    if (t.sans !== undefined && t.sans.length > 0) out += `      SANS:\n${t.sans.map((s) => `        - ${scalar(s)}\n`).join('')}`;
  }
  if (org.users !== undefined) out += `    Users:\n      Count: ${org.users.count}\n`;
  return out;
}

function specFields(spec: NodeSpec, indent: string): string {
  const keys = [
    ['Hostname', spec.hostname],
    ['CommonName', spec.commonName],
    ['Country', spec.country],
    ['Province', spec.province],
    ['Locality', spec.locality],
    ['OrganizationalUnit', spec.organizationalUnit],
    ['StreetAddress', spec.streetAddress],
    ['PostalCode', spec.postalCode],
  ] as const;
  let out = keys.flatMap(([k, v]) => (v === undefined ? [] : [`${indent}${k}: ${scalar(v)}\n`])).join('');
  if (spec.sans !== undefined && spec.sans.length > 0) out += `${indent}SANS:\n${spec.sans.map((s) => `${indent}  - ${scalar(s)}\n`).join('')}`;
  return out;
}

// Plain when YAML reads it back as the same string; quoted otherwise (templates' braces, colons...).
const scalar = (s: string): string => (/^[A-Za-z0-9_][A-Za-z0-9_.@/-]*$/.test(s) ? s : JSON.stringify(s));
