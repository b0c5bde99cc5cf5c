import { ChannelConfigError } from './channel-config-error.js';

/**
 * A YAML mapping read as configtxgen reads configtx.yaml: keys of a struct match whatever their
 * case (Fabric's decoder folds case), a key the schema does not know is an error (it decodes with
 * ErrorUnused), and scalars are weakly typed ("10" is a number, "true" a boolean). Every error
 * names the key path, e.g. `Profiles.OneOrgApp.Orderer.BatchSize.MaxMessageCount`.
 */
export class YamlFields {
  private readonly byLowerKey = new Map<string, string>();
  private readonly used = new Set<string>();

  private constructor(
    private readonly map: Record<string, unknown>,
    readonly where: string,
  ) {
    for (const key of Object.keys(map)) this.byLowerKey.set(key.toLowerCase(), key);
  }

  /** The mapping at `where`; null (an empty YAML value) reads as an empty mapping. */
  static of(value: unknown, where: string): YamlFields {
    if (value === null || value === undefined) return new YamlFields({}, where);
    if (!isMapping(value)) throw invalid(where, 'must be a mapping');
    return new YamlFields(value, where);
  }

  /** The raw value of a field (undefined when absent or empty). */
  get(name: string): unknown {
    const key = this.byLowerKey.get(name.toLowerCase());
    if (key === undefined) return undefined;
    this.used.add(key);
    return this.map[key] ?? undefined;
  }

  path(name: string): string {
    return this.where === '' ? name : `${this.where}.${name}`;
  }

  has(name: string): boolean {
    return this.get(name) !== undefined;
  }

  string(name: string): string {
    return asString(this.get(name), this.path(name));
  }

  uint32(name: string): number {
    return asUint32(this.get(name), this.path(name));
  }

  int(name: string): number {
    const value = this.get(name);
    if (value === undefined) return 0;
    const n = typeof value === 'string' && /^-?\d+$/.test(value.trim()) ? Number(value) : value;
    if (typeof n !== 'number' || !Number.isSafeInteger(n)) throw invalid(this.path(name), `'${JSON.stringify(value)}' is not an integer`);
    return n;
  }

  strings(name: string): string[] {
    const value = this.get(name);
    if (value === undefined) return [];
    const where = this.path(name);
    if (!Array.isArray(value)) return [asString(value, where)];
    return value.map((v, i) => asString(v, `${where}[${String(i)}]`));
  }

  /** A YAML mapping of booleans (Capabilities: {V2_0: true}); undefined when absent. */
  booleans(name: string): Record<string, boolean> | undefined {
    const value = this.get(name);
    if (value === undefined) return undefined;
    return readBooleans(value, this.path(name));
  }

  /** A YAML mapping with free keys (Policies, ACLs, Profiles), in document order; undefined when absent. */
  entries(name: string): Array<[string, unknown]> | undefined {
    const value = this.get(name);
    if (value === undefined) return undefined;
    if (!isMapping(value)) throw invalid(this.path(name), 'must be a mapping');
    return Object.entries(value);
  }

  /** A list of mappings, each read by `read`. */
  list<T>(name: string, read: (fields: YamlFields) => T): T[] {
    const value = this.get(name);
    if (value === undefined) return [];
    const where = this.path(name);
    if (!Array.isArray(value)) throw invalid(where, 'must be a list');
    return value.map((item, i) => {
      const fields = YamlFields.of(item, `${where}[${String(i)}]`);
      const result = read(fields);
      fields.done();
      return result;
    });
  }

  /** Throws when the mapping holds a key the schema does not know. */
  done(): void {
    for (const key of Object.keys(this.map)) {
      if (!this.used.has(key)) throw invalid(this.path(key), 'is not a configtx.yaml key here');
    }
  }
}

export function invalid(where: string, what: string): ChannelConfigError {
  return new ChannelConfigError('CONFIGTX_INVALID', `configtx.yaml ${where} ${what}`);
}

/** A YAML mapping of names to booleans (a Capabilities section). */
export function readBooleans(value: unknown, where: string): Record<string, boolean> {
  if (value === null || value === undefined) return {};
  if (!isMapping(value)) throw invalid(where, 'must be a mapping of names to true/false');
  const out: Record<string, boolean> = {};
  for (const [key, v] of Object.entries(value)) out[key] = asBoolean(v, `${where}.${key}`);
  return out;
}

export function isMapping(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function asString(value: unknown, where: string): string {
  if (value === undefined || value === null) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  throw invalid(where, 'must be a string');
}

function asBoolean(value: unknown, where: string): boolean {
  if (typeof value === 'boolean') return value;
  if (value === 'true' || value === 'TRUE' || value === 'True' || value === '1' || value === 1) return true;
  if (value === 'false' || value === 'FALSE' || value === 'False' || value === '0' || value === 0) return false;
  throw invalid(where, `'${String(value)}' is not true or false`);
}

// Sizes such as "99 MB" or "512 KB" are read as Fabric's byte-size hook reads them (k, m, g with an
// optional b, any case, powers of 1024), for every unsigned 32-bit field.
function asUint32(value: unknown, where: string): number {
  if (value === undefined || value === null || value === '') return 0;
  let n: number;
  if (typeof value === 'number') n = value;
  else if (typeof value === 'string') {
    const size = /^([0-9]+)\s*([kmg])b?$/i.exec(value);
    const digits = size?.[1];
    const unit = size?.[2];
    if (digits !== undefined && unit !== undefined) {
      n = Number(digits) * 1024 ** (['k', 'm', 'g'].indexOf(unit.toLowerCase()) + 1);
    } else if (/^\s*\d+\s*$/.test(value)) n = Number(value);
    else throw invalid(where, `'${value}' is not a number or a size (e.g. 10, 99 MB, 512 KB)`);
  } else throw invalid(where, 'must be a number');
  if (!Number.isInteger(n) || n < 0) throw invalid(where, `'${String(value)}' is not an unsigned integer`);
  if (n > 0xffffffff) throw invalid(where, `value '${String(value)}' overflows uint32`);
  return n;
}
