import type { Logger } from '../common/logging/logging.js';
import { Policy as PolicyProto, type ConfigGroup } from '../common/protos/policies.js';
import { ImplicitMetaPolicy } from './implicit-meta-policy.js';
import type { Policy } from './policy.js';
import { PolicyError } from './policy-error.js';
import type { PolicyIdentityDeserializer } from './policy-identity.js';
import { SignaturePolicy } from './signature-policy.js';

const TYPES = PolicyProto.PolicyType;

/** The name of the root group of a channel config, and so the first element of every absolute path. */
const CHANNEL = 'Channel';

/**
 * The policies of a config tree (Fabric's policies.ManagerImpl), every one compiled once when the
 * manager is built. Each group's manager knows its own policies by name and its descendants' by
 * relative path (`Application/Writers`, `Application/Org1MSP/Admins`).
 */
export class PolicyManager {
  private constructor(
    /** The group's path without leading slash: `Channel`, `Channel/Application`. */
    readonly path: string,
    private readonly policies: ReadonlyMap<string, Policy>,
    private readonly managers: ReadonlyMap<string, PolicyManager>,
  ) {}

  /**
   * Compiles the policies of the 'Channel' group and its descendants. Throws PolicyError
   * ('BAD_POLICY', 'UNKNOWN_POLICY_TYPE') naming the policy and its path when one does not compile.
   */
  static fromChannelGroup(group: ConfigGroup, deserializer: PolicyIdentityDeserializer, opts: { logger?: Logger } = {}): PolicyManager {
    return PolicyManager.build(CHANNEL, group, deserializer, opts.logger);
  }

  /**
   * A policy by absolute path (`/Channel/Application/Writers`) or by path relative to this group
   * (`Application/Writers`, `Readers`); undefined when there is none.
   */
  getPolicy(path: string): Policy | undefined {
    if (path === '') return undefined;
    if (!path.startsWith('/')) return this.policies.get(path);
    const prefix = `/${this.path}/`;
    return path.startsWith(prefix) ? this.policies.get(path.slice(prefix.length)) : undefined;
  }

  /** The manager of a descendant group (`['Application', 'Org1MSP']`); this one for []. */
  manager(path: readonly string[]): PolicyManager | undefined {
    return path.reduce<PolicyManager | undefined>((manager, name) => manager?.managers.get(name), this);
  }

  private static build(path: string, group: ConfigGroup, deserializer: PolicyIdentityDeserializer, logger: Logger | undefined): PolicyManager {
    // Sorted, so that evaluation order and error messages do not depend on the map's order.
    const children = new Map<string, PolicyManager>();
    for (const [name, child] of sortedEntries(group.getGroupsMap())) {
      children.set(name, PolicyManager.build(`${path}/${name}`, child, deserializer, logger));
    }
    const policies = new Map<string, Policy>();
    for (const [name, configPolicy] of sortedEntries(group.getPoliciesMap())) {
      const policy = configPolicy.getPolicy();
      if (policy === undefined) throw new PolicyError('BAD_POLICY', `policy ${name} at path ${path} was nil`);
      policies.set(name, compile(name, path, policy, children, deserializer, logger));
    }
    for (const [childName, child] of children) {
      for (const [name, policy] of child.policies) policies.set(`${childName}/${name}`, policy);
    }
    return new PolicyManager(path, policies, children);
  }
}

function compile(
  name: string,
  path: string,
  policy: PolicyProto,
  children: ReadonlyMap<string, PolicyManager>,
  deserializer: PolicyIdentityDeserializer,
  logger: Logger | undefined,
): Policy {
  const type = policy.getType();
  const value = policy.getValue_asU8();
  try {
    switch (type) {
      case TYPES.SIGNATURE:
        return SignaturePolicy.fromBytes(value, deserializer, { logger });
      case TYPES.IMPLICIT_META:
        return ImplicitMetaPolicy.fromBytes(value, (sub) => [...children.values()].map((child) => child.getPolicy(sub)), deserializer, { logger });
      default:
        break;
    }
  } catch (err) {
    if (!(err instanceof PolicyError)) throw err;
    const kind = type === TYPES.IMPLICIT_META ? 'implicit policy' : 'policy';
    throw new PolicyError('BAD_POLICY', `${kind} ${name} at path ${path} did not compile: ${err.message}`, { cause: err });
  }
  throw new PolicyError('UNKNOWN_POLICY_TYPE', `policy ${name} at path ${path} has unknown policy type: ${type} (known: SIGNATURE(1), IMPLICIT_META(3))`);
}

function sortedEntries<V>(map: { forEach(callback: (value: V, key: string) => void): void }): [string, V][] {
  const entries: [string, V][] = [];
  map.forEach((value, key) => entries.push([key, value]));
  return entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}
