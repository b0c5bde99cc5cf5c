import { ConfigGroup, type ConfigPolicy, type ConfigValue } from '../common/protos/configtx.js';
import { ConfigUpdateError } from './config-update-error.js';

/** One element of a config tree, by kind, with where it sits. */
export type ConfigElement =
  | { readonly kind: 'group'; readonly element: ConfigGroup; readonly key: string; readonly path: readonly string[] }
  | { readonly kind: 'value'; readonly element: ConfigValue; readonly key: string; readonly path: readonly string[] }
  | { readonly kind: 'policy'; readonly element: ConfigPolicy; readonly key: string; readonly path: readonly string[] };

/** Every element of a config tree by its full name, `[Group]  /Channel/Application` (Fabric's spelling, two spaces and all). */
export type ConfigMap = ReadonlyMap<string, ConfigElement>;

const PREFIX = { group: '[Group]  ', value: '[Value]  ', policy: '[Policy] ' } as const;

/** The name a config element goes by in the config map and in Fabric's error messages. */
export function elementName(kind: ConfigElement['kind'], path: readonly string[], key: string): string {
  return `${PREFIX[kind]}/${[...path, key].join('/')}`;
}

const CONFIG_ID = /^[a-zA-Z0-9.-]+$/;
const MAX_ID_LENGTH = 249;

/** Why `id` cannot name a config element (Fabric's validateConfigID), or undefined when it can. */
export function invalidConfigId(id: string): string | undefined {
  if (id === '') return 'config ID illegal, cannot be empty';
  if (id.length > MAX_ID_LENGTH) return `config ID illegal, cannot be longer than ${String(MAX_ID_LENGTH)}`;
  if (id === '.' || id === '..') return `name '${id}' for config ID is not allowed`;
  if (!CONFIG_ID.test(id)) return `config ID '${id}' contains illegal characters`;
  return undefined;
}

/** The elements of a tree rooted at `root` (the 'Channel' group); an empty map for no tree. */
export function mapConfig(group: ConfigGroup | undefined, root = 'Channel'): Map<string, ConfigElement> {
  const result = new Map<string, ConfigElement>();
  if (group !== undefined) addGroup(result, [], root, group);
  return result;
}

function add(result: Map<string, ConfigElement>, item: ConfigElement): void {
  const name = elementName(item.kind, item.path, item.key);
  const invalid = invalidConfigId(item.key);
  if (invalid !== undefined) throw new ConfigUpdateError('INVALID_KEY', `illegal characters in key: ${name}: ${invalid}`);
  result.set(name, item);
}

function addGroup(result: Map<string, ConfigElement>, path: readonly string[], key: string, group: ConfigGroup): void {
  add(result, { kind: 'group', element: group, key, path });
  const here = [...path, key];
  for (const [childKey, child] of group.getGroupsMap().entries()) addGroup(result, here, childKey, child);
  for (const [valueKey, value] of group.getValuesMap().entries()) add(result, { kind: 'value', element: value, key: valueKey, path: here });
  for (const [policyKey, policy] of group.getPoliciesMap().entries()) add(result, { kind: 'policy', element: policy, key: policyKey, path: here });
}

/**
 * Builds the tree back from a config map: each group's members are the keys its own entry lists,
 * and each member is the map's entry of that name (so a group that was rewritten brings its new
 * membership, and members that were not rewritten keep their current content).
 */
export function configMapToChannelGroup(configMap: ConfigMap, root = 'Channel'): ConfigGroup {
  // Channels made by Fabric 1.0 left some mod_policy fields empty; once the Orderer capabilities
  // value exists (every channel since 1.1), Fabric reads an empty one as 'Admins', and so do we.
  const fillModPolicy = configMap.has(elementName('value', [root, 'Orderer'], 'Capabilities'));
  return rebuildGroup(configMap, [], root, fillModPolicy);
}

function rebuildGroup(configMap: ConfigMap, path: readonly string[], key: string, fillModPolicy: boolean): ConfigGroup {
  const source = member(configMap, 'group', path, key);
  const here = [...path, key];
  const group = new ConfigGroup();
  group.setVersion(source.getVersion());
  group.setModPolicy(withDefault(source.getModPolicy(), fillModPolicy));
  for (const childKey of source.getGroupsMap().keys()) {
    group.getGroupsMap().set(childKey, rebuildGroup(configMap, here, childKey, fillModPolicy));
  }
  for (const valueKey of source.getValuesMap().keys()) {
    const value = member(configMap, 'value', here, valueKey).cloneMessage();
    value.setModPolicy(withDefault(value.getModPolicy(), fillModPolicy));
    group.getValuesMap().set(valueKey, value);
  }
  for (const policyKey of source.getPoliciesMap().keys()) {
    const policy = member(configMap, 'policy', here, policyKey).cloneMessage();
    policy.setModPolicy(withDefault(policy.getModPolicy(), fillModPolicy));
    group.getPoliciesMap().set(policyKey, policy);
  }
  return group;
}

function withDefault(modPolicy: string, fill: boolean): string {
  return modPolicy === '' && fill ? 'Admins' : modPolicy;
}

interface ElementOf {
  group: ConfigGroup;
  value: ConfigValue;
  policy: ConfigPolicy;
}

function member<K extends keyof ElementOf>(configMap: ConfigMap, kind: K, path: readonly string[], key: string): ElementOf[K] {
  const name = elementName(kind, path, key);
  const found = configMap.get(name);
  if (found?.kind !== kind) throw new ConfigUpdateError('INVALID_RESULT', `could not turn configMap back to channelGroup: missing ${kind} at path: ${name}`);
  return found.element as ElementOf[K];
}
