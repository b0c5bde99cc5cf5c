import { readFile } from 'node:fs/promises';
import { errorMessage } from '../../common/errors/weft-error.js';
import { CryptogenError } from './cryptogen-error.js';

/**
 * One node (or the CA) of an organization, as cryptogen's `Specs` entries and `CA` describe it.
 * `commonName` and `sans` may use the templates {{.Hostname}}, {{.Domain}}, {{.CommonName}}.
 */
export interface NodeSpec {
  hostname?: string;
  /** Defaults to "{{.Hostname}}.{{.Domain}}". */
  commonName?: string;
  country?: string;
  province?: string;
  locality?: string;
  organizationalUnit?: string;
  streetAddress?: string;
  postalCode?: string;
  /** Extra subject alternative names of the TLS certificate, beyond the common name and host name. */
  sans?: readonly string[];
}

/** `Count` nodes named from `hostname` ({{.Prefix}}{{.Index}}: peer0, peer1, ...). */
export interface NodeTemplate {
  count: number;
  start?: number;
  hostname?: string;
  sans?: readonly string[];
}

export interface OrgSpec {
  /** Descriptive only, as in cryptogen. */
  name: string;
  /** The organization's folder name, and the domain its node names end in. */
  domain: string;
  enableNodeOUs?: boolean;
  ca?: NodeSpec;
  template?: NodeTemplate;
  specs?: readonly NodeSpec[];
  /** Users besides Admin (User1, User2, ...). */
  users?: { count: number };
}

/** cryptogen's crypto-config.yaml. */
export interface CryptoConfig {
  ordererOrgs: readonly OrgSpec[];
  peerOrgs: readonly OrgSpec[];
}

/**
 * The network a Weft peer makes for itself on first start: fabric-samples' test-network
 * (crypto-config-org1.yaml and crypto-config-orderer.yaml), NodeOUs on, with 127.0.0.1 as an IP SAN
 * beside localhost so that local clients can dial the address as well as the name.
 */
export function defaultCryptoConfig(): CryptoConfig {
  return {
    ordererOrgs: [{ name: 'Orderer', domain: 'example.com', enableNodeOUs: true, specs: [{ hostname: 'orderer', sans: ['127.0.0.1', 'localhost'] }] }],
    peerOrgs: [
      {
        name: 'Org1',
        domain: 'org1.example.com',
        enableNodeOUs: true,
        template: { count: 1, sans: ['127.0.0.1', 'localhost'] },
        users: { count: 1 },
      },
    ],
  };
}

/** Reads a crypto-config.yaml file; errors name the file and the key at fault. */
export async function readCryptoConfig(file: string): Promise<CryptoConfig> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new CryptogenError('CONFIG_UNREADABLE', `cannot read the crypto configuration ${file}: ${errorMessage(err)}`, { cause: err });
  }
  return parseCryptoConfig(text, file);
}

/**
 * Parses crypto-config.yaml text. Keys are cryptogen's (OrdererOrgs, PeerOrgs, Name, Domain,
 * EnableNodeOUs, CA, Template, Specs, Users, Hostname, CommonName, SANS, Count, Start...); unknown
 * keys are ignored as cryptogen ignores them. `source` names the text in error messages.
 */
export async function parseCryptoConfig(text: string, source = 'crypto-config.yaml'): Promise<CryptoConfig> {
  const { parse } = await import('yaml');
  let doc: unknown;
  try {
    // Every scalar read as its text, as Go's YAML decoder gives a string field whatever it looks like.
    doc = parse(text, { schema: 'failsafe' });
  } catch (err) {
    throw new CryptogenError('CONFIG_UNREADABLE', `${source} is not valid YAML: ${errorMessage(err)}`, { cause: err });
  }
  const reader = new ConfigReader(source);
  if (isAbsent(doc)) return { ordererOrgs: [], peerOrgs: [] };
  const top = reader.map(doc, '');
  return {
    ordererOrgs: reader.list(top, 'OrdererOrgs', '').map((org, i) => reader.org(org, `OrdererOrgs[${i}]`)),
    peerOrgs: reader.list(top, 'PeerOrgs', '').map((org, i) => reader.org(org, `PeerOrgs[${i}]`)),
  };
}

type YamlMap = Record<string, unknown>;

const isAbsent = (value: unknown): boolean => value === undefined || value === null || value === '';

// YAML 1.1 booleans, as cryptogen's decoder reads them.
const TRUE = new Set(['y', 'Y', 'yes', 'Yes', 'YES', 'true', 'True', 'TRUE', 'on', 'On', 'ON']);
const FALSE = new Set(['n', 'N', 'no', 'No', 'NO', 'false', 'False', 'FALSE', 'off', 'Off', 'OFF']);

/** Typed reads out of the parsed document, each failure naming the file and the key path. */
class ConfigReader {
  constructor(private readonly source: string) {}

  org(value: unknown, path: string): OrgSpec {
    const m = this.map(value, path);
    const domain = this.string(m, 'Domain', path);
    if (domain === undefined) throw this.invalid(`${path}.Domain`, 'is missing: every organization needs a Domain');
    const specs = this.list(m, 'Specs', path).map((s, i) => {
      const spec = this.nodeSpec(s, `${path}.Specs[${i}]`);
      if (spec.hostname === undefined) throw this.invalid(`${path}.Specs[${i}].Hostname`, 'is missing');
      return spec;
    });
    const org: OrgSpec = { name: this.string(m, 'Name', path) ?? '', domain, enableNodeOUs: this.bool(m, 'EnableNodeOUs', path) ?? false, specs };
    if (!isAbsent(m.CA)) org.ca = this.nodeSpec(m.CA, `${path}.CA`);
    if (!isAbsent(m.Template)) {
      const t = this.map(m.Template, `${path}.Template`);
      const template: NodeTemplate = { count: this.int(t, 'Count', `${path}.Template`, 0) ?? 0, sans: this.strings(t, 'SANS', `${path}.Template`) };
      const start = this.int(t, 'Start', `${path}.Template`, 0);
      const hostname = this.string(t, 'Hostname', `${path}.Template`);
      if (start !== undefined) template.start = start;
      if (hostname !== undefined) template.hostname = hostname;
      org.template = template;
    }
    if (!isAbsent(m.Users)) org.users = { count: this.int(this.map(m.Users, `${path}.Users`), 'Count', `${path}.Users`, 0) ?? 0 };
    return org;
  }

  nodeSpec(value: unknown, path: string): NodeSpec {
    const m = this.map(value, path);
    const spec: NodeSpec = {};
    const fields = [
      ['hostname', 'Hostname'],
      ['commonName', 'CommonName'],
      ['country', 'Country'],
      ['province', 'Province'],
      ['locality', 'Locality'],
      ['organizationalUnit', 'OrganizationalUnit'],
      ['streetAddress', 'StreetAddress'],
      ['postalCode', 'PostalCode'],
    ] as const;
    for (const [field, key] of fields) {
      const v = this.string(m, key, path);
      if (v !== undefined) spec[field] = v;
    }
    const sans = this.strings(m, 'SANS', path);
    if (sans.length > 0) spec.sans = sans;
    return spec;
  }

  map(value: unknown, path: string): YamlMap {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      throw this.invalid(path === '' ? 'the document' : path, 'must be a mapping');
    }
    return value as YamlMap;
  }

  list(m: YamlMap, key: string, path: string): unknown[] {
    const v = m[key];
    if (isAbsent(v)) return [];
    if (!Array.isArray(v)) throw this.invalid(join(path, key), 'must be a list');
    return v;
  }

  string(m: YamlMap, key: string, path: string): string | undefined {
    const v = m[key];
    if (isAbsent(v)) return undefined;
    if (typeof v !== 'string') throw this.invalid(join(path, key), 'must be a string');
    return v;
  }

  strings(m: YamlMap, key: string, path: string): string[] {
    return this.list(m, key, path).map((v, i) => {
      if (typeof v !== 'string') throw this.invalid(`${join(path, key)}[${i}]`, 'must be a string');
      return v;
    });
  }

  int(m: YamlMap, key: string, path: string, min: number): number | undefined {
    const v = this.string(m, key, path);
    if (v === undefined) return undefined;
    const n = /^[-+]?[0-9]+$/.test(v) ? Number.parseInt(v, 10) : Number.NaN;
    if (!Number.isSafeInteger(n) || n < min) throw this.invalid(join(path, key), `must be an integer of at least ${min}, not "${v}"`);
    return n;
  }

  bool(m: YamlMap, key: string, path: string): boolean | undefined {
    const v = this.string(m, key, path);
    if (v === undefined) return undefined;
    if (TRUE.has(v)) return true;
    if (FALSE.has(v)) return false;
    throw this.invalid(join(path, key), `must be true or false, not "${v}"`);
  }

  private invalid(path: string, what: string): CryptogenError {
    return new CryptogenError('CONFIG_INVALID', `${this.source}: ${path} ${what}`);
  }
}

const join = (path: string, key: string): string => (path === '' ? key : `${path}.${key}`);
