import { ConfigError } from './config-error.js';
import { FABRIC_CORE_KEYS } from './fabric-core-keys.js';

type Tree = Record<string, unknown>;

// Sections whose entries are names the user chooses (chaincode.system.<scc>), or that Weft checks
// entry by entry itself (vm.docker.hostConfig): their entries are never "unknown".
const OPEN_SECTIONS = new Set(['chaincode.system', 'vm.docker.hostconfig', 'peer.handlers', 'ledger.state.couchdbconfig']);

/** An unknown key of a user's core.yaml, with the known key it most likely meant. */
export interface UnknownKey {
  key: string;
  suggestion: string | undefined;
}

/**
 * Checks the keys of a user's core.yaml against the defaults (Weft's keys) and Fabric's own keys.
 * A section the defaults hold as a mapping, given a single value or a list (`chaincode: 5`), is a
 * ConfigError naming the section: read on, it would surface as a confusing error about some key
 * inside it, or not at all. Returns the keys neither Weft nor Fabric knows, in file order.
 */
export function checkCoreYamlKeys(user: Tree, defaults: Tree): UnknownKey[] {
  const known = knownKeys(defaults);
  const unknown: UnknownKey[] = [];
  const walk = (node: Tree, defaultsNode: Tree | undefined, prefix: string): void => {
    for (const [name, value] of Object.entries(node)) {
      const key = `${prefix}${name}`;
      const lower = key.toLowerCase();
      const defaultValue = defaultsNode === undefined ? undefined : lookup(defaultsNode, name);
      if (isTree(defaultValue) && value !== null && !isTree(value)) {
        const inside = Object.keys(defaultValue).slice(0, 3).join(', ');
        throw new ConfigError('CONFIG_INVALID_VALUE', `invalid value for ${key}: ${JSON.stringify(value)} is not a mapping (of ${inside}, ...)`);
      }
      if (!known.has(lower)) {
        unknown.push({ key, suggestion: closest(lower, known) });
        continue;
      }
      if (isTree(value) && !OPEN_SECTIONS.has(lower)) walk(value, isTree(defaultValue) ? defaultValue : undefined, `${key}.`);
    }
  };
  walk(user, defaults, '');
  return unknown;
}

/** The one warning line for an unknown key, in Fabric's words where it has them. */
export function unknownKeyWarning({ key, suggestion }: UnknownKey): string {
  return `unknown key ${key} in core.yaml; ${suggestion === undefined ? 'it is ignored' : `did you mean ${suggestion}?`}`;
}

/** Every dotted key Weft's defaults or Fabric's core.yaml has, lower-cased, mapped to its spelling. */
function knownKeys(defaults: Tree): Map<string, string> {
  const out = new Map<string, string>();
  for (const key of FABRIC_CORE_KEYS) out.set(key.toLowerCase(), key);
  const walk = (node: Tree, prefix: string): void => {
    for (const [name, value] of Object.entries(node)) {
      const key = `${prefix}${name}`;
      // Weft's spelling wins: it is the one its documentation uses.
      out.set(key.toLowerCase(), key);
      if (isTree(value) && !OPEN_SECTIONS.has(key.toLowerCase())) walk(value, `${key}.`);
    }
  };
  walk(defaults, '');
  return out;
}

/**
 * The known key nearest to `key` by edit distance, when it is near enough to be a slip (a letter or
 * two, or a third of the key's last part) rather than another key altogether.
 */
function closest(key: string, known: Map<string, string>): string | undefined {
  const last = key.slice(key.lastIndexOf('.') + 1);
  const allowed = Math.max(2, Math.floor(last.length / 3));
  let best: { key: string; distance: number } | undefined;
  for (const [lower, spelling] of known) {
    const distance = editDistance(key, lower);
    if (distance <= allowed && (best === undefined || distance < best.distance)) best = { key: spelling, distance };
  }
  return best?.key;
}

/** Levenshtein distance: the fewest single-letter insertions, deletions and changes from a to b. */
function editDistance(a: string, b: string): number {
  if (Math.abs(a.length - b.length) > 8) return Number.POSITIVE_INFINITY;
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      current.push(Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, (previous[j - 1] ?? 0) + cost));
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}

/** The value of `name` in `node`, matched case-insensitively as viper matches keys. */
function lookup(node: Tree, name: string): unknown {
  const match = Object.keys(node).find((k) => k.toLowerCase() === name.toLowerCase());
  return match === undefined ? undefined : node[match];
}

function isTree(value: unknown): value is Tree {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
