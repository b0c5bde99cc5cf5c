import type { NodeSpec, OrgSpec } from './crypto-config.js';
import { CryptogenError } from './cryptogen-error.js';

/** A node with its names worked out: its folder and certificate common name, and its TLS SANs. */
export interface RenderedNode {
  commonName: string;
  /** The common name, the host name, then the spec's own SANS, in cryptogen's order. */
  sans: readonly string[];
}

/** An organization with its templates expanded, ready to be generated. */
export interface RenderedOrg {
  domain: string;
  nodeOUs: boolean;
  /** The CA's spec; its common name rendered (default ca.<domain>). */
  ca: NodeSpec & { commonName: string };
  nodes: readonly RenderedNode[];
  userCount: number;
}

const DEFAULT_HOSTNAME = '{{.Prefix}}{{.Index}}';
const DEFAULT_COMMON_NAME = '{{.Hostname}}.{{.Domain}}';

/**
 * Expands an organization as cryptogen does: the Template's nodes (prefix "peer" or "orderer")
 * come after the Specs, every common name defaults to hostname.domain, and each node's SANs are its
 * common name and host name followed by its own (templated) entries.
 */
export function renderOrg(org: OrgSpec, prefix: 'peer' | 'orderer', path: string): RenderedOrg {
  const specs: NodeSpec[] = [...(org.specs ?? [])];
  const template = org.template;
  if (template !== undefined) {
    for (let i = 0; i < template.count; i++) {
      const data = { Prefix: prefix, Index: String(i + (template.start ?? 0)), Domain: org.domain };
      const hostname = renderTemplate(template.hostname ?? DEFAULT_HOSTNAME, data, `${path}.Template.Hostname`);
      specs.push({ hostname, sans: template.sans ?? [] });
    }
  }
  const nodes = specs.map((spec, i) => renderNode(org.domain, spec, `${path}.Specs[${i}]`));
  const caSpec: NodeSpec = { ...org.ca, hostname: org.ca?.hostname ?? 'ca' };
  const ca = { ...caSpec, commonName: renderNode(org.domain, caSpec, `${path}.CA`).commonName };
  return { domain: org.domain, nodeOUs: org.enableNodeOUs ?? false, ca, nodes, userCount: org.users?.count ?? 0 };
}

function renderNode(domain: string, spec: NodeSpec, path: string): RenderedNode {
  const hostname = spec.hostname ?? '';
  const commonName = renderTemplate(spec.commonName ?? DEFAULT_COMMON_NAME, { Hostname: hostname, Domain: domain }, `${path}.CommonName`);
  const data = { Hostname: hostname, Domain: domain, CommonName: commonName };
  const extra = (spec.sans ?? []).map((san, i) => renderTemplate(san, data, `${path}.SANS[${i}]`));
  return { commonName, sans: [commonName, hostname, ...extra] };
}

const ACTION = /\{\{(-?)\s*([^}]*?)\s*(-?)\}\}/g;

/**
 * The part of Go's text/template cryptogen's files use: `{{.Field}}` (spaces and trim markers
 * allowed). Any other action, or a field the context lacks, is an error naming the key.
 */
export function renderTemplate(input: string, data: Readonly<Record<string, string>>, path: string): string {
  const out = input.replace(ACTION, (_whole, _l: string, expr: string) => {
    const field = /^\.([A-Za-z_][A-Za-z0-9_]*)$/.exec(expr)?.[1];
    if (field === undefined) {
      throw new CryptogenError('TEMPLATE_INVALID', `${path}: cannot render "${input}": only {{.Field}} is supported, not {{${expr}}}`);
    }
    const value = data[field];
    if (value === undefined) {
      throw new CryptogenError('TEMPLATE_INVALID', `${path}: cannot render "${input}": no field ${field} here (known: ${Object.keys(data).join(', ')})`);
    }
    return value;
  });
  if (input.replace(ACTION, '').includes('{{')) throw new CryptogenError('TEMPLATE_INVALID', `${path}: cannot render "${input}": unclosed {{`);
  return out;
}
