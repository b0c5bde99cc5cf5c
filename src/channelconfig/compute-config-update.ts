import { ConfigGroup, ConfigPolicy, ConfigUpdate, ConfigValue, type Config } from '../common/protos/configtx.js';
import { ConfigUpdateError } from './config-update-error.js';

/**
 * The ConfigUpdate that turns `original` into `updated` (configtxlator compute_update): the write
 * set holds each changed element at its version + 1 (new ones at 0), and the read set the versions
 * the change was computed against. A group whose membership or mod_policy changes is rewritten
 * whole, its unchanged members listed at their current versions; a group with changes further down
 * only leads to them.
 */
export function computeConfigUpdate(original: Config, updated: Config, channelId: string): ConfigUpdate {
  const originalGroup = original.getChannelGroup();
  if (originalGroup === undefined) throw new ConfigUpdateError('UPDATE_MALFORMED', 'no channel group included for original config');
  const updatedGroup = updated.getChannelGroup();
  if (updatedGroup === undefined) throw new ConfigUpdateError('UPDATE_MALFORMED', 'no channel group included for updated config');
  const { readSet, writeSet, changed } = groupUpdate(originalGroup, updatedGroup);
  if (!changed) throw new ConfigUpdateError('NO_DIFFERENCES', 'no differences detected between original and updated config');
  const update = new ConfigUpdate();
  update.setChannelId(channelId);
  update.setReadSet(readSet);
  update.setWriteSet(writeSet);
  return update;
}

interface GroupUpdate {
  readSet: ConfigGroup;
  writeSet: ConfigGroup;
  changed: boolean;
}

/** The members of one kind in a group's read set, write set, and those left as they were. */
interface MembersUpdate<T> {
  read: Map<string, T>;
  write: Map<string, T>;
  same: Map<string, T>;
  membersChanged: boolean;
}

interface Versioned {
  getVersion(): number;
  getModPolicy(): string;
}

interface Members<T> {
  get(key: string): T | undefined;
  entries(): Iterable<[string, T]>;
}

function groupUpdate(original: ConfigGroup, updated: ConfigGroup): GroupUpdate {
  const policies = membersUpdate(original.getPoliciesMap(), updated.getPoliciesMap(), samePolicy, (version, p) => policyAt(version, p));
  const values = membersUpdate(original.getValuesMap(), updated.getValuesMap(), sameValue, (version, v) => valueAt(version, v));
  const groups = groupsUpdate(original, updated);
  const version = original.getVersion();
  const rewritten = policies.membersChanged || values.membersChanged || groups.membersChanged || original.getModPolicy() !== updated.getModPolicy();
  if (!rewritten) {
    const changed = [policies, values, groups].some((m) => m.read.size > 0 || m.write.size > 0);
    if (!changed) return { readSet: group(version, '', {}), writeSet: group(version, '', {}), changed: false };
    return {
      readSet: group(version, '', { policies: policies.read, values: values.read, groups: groups.read }),
      writeSet: group(version, '', { policies: policies.write, values: values.write, groups: groups.write }),
      changed: true,
    };
  }
  // The group is rewritten: its new membership is what its write set lists, so the unchanged members are listed too.
  for (const m of [policies, values, groups] as MembersUpdate<unknown>[]) {
    for (const [key, same] of m.same) {
      m.read.set(key, same);
      m.write.set(key, same);
    }
  }
  return {
    readSet: group(version, '', { policies: policies.read, values: values.read, groups: groups.read }),
    writeSet: group(version + 1, updated.getModPolicy(), { policies: policies.write, values: values.write, groups: groups.write }),
    changed: true,
  };
}

function groupsUpdate(original: ConfigGroup, updated: ConfigGroup): MembersUpdate<ConfigGroup> {
  const result: MembersUpdate<ConfigGroup> = { read: new Map(), write: new Map(), same: new Map(), membersChanged: false };
  const updatedGroups = updated.getGroupsMap();
  for (const [key, before] of original.getGroupsMap().entries()) {
    const after = updatedGroups.get(key);
    if (after === undefined) {
      result.membersChanged = true;
      continue;
    }
    const child = groupUpdate(before, after);
    if (!child.changed) {
      result.same.set(key, child.readSet);
      continue;
    }
    result.read.set(key, child.readSet);
    result.write.set(key, child.writeSet);
  }
  const originalGroups = original.getGroupsMap();
  for (const [key, after] of updatedGroups.entries()) {
    if (originalGroups.has(key)) continue;
    result.membersChanged = true;
    const { writeSet } = groupUpdate(new ConfigGroup(), after);
    // A new group and everything in it start at version 0.
    writeSet.setVersion(0);
    writeSet.setModPolicy(after.getModPolicy());
    result.write.set(key, writeSet);
  }
  return result;
}

function membersUpdate<T extends Versioned>(
  original: Members<T>,
  updated: Members<T>,
  same: (a: T, b: T) => boolean,
  at: (version: number, from: T | undefined) => T,
): MembersUpdate<T> {
  const result: MembersUpdate<T> = { read: new Map(), write: new Map(), same: new Map(), membersChanged: false };
  for (const [key, before] of original.entries()) {
    const after = updated.get(key);
    if (after === undefined) {
      result.membersChanged = true;
    } else if (same(before, after)) {
      result.same.set(key, at(before.getVersion(), undefined));
    } else {
      result.write.set(key, at(before.getVersion() + 1, after));
    }
  }
  for (const [key, after] of updated.entries()) {
    if (original.get(key) !== undefined) continue;
    result.membersChanged = true;
    result.write.set(key, at(0, after));
  }
  return result;
}

function samePolicy(a: ConfigPolicy, b: ConfigPolicy): boolean {
  const pa = a.getPolicy();
  const pb = b.getPolicy();
  const equal = pa === undefined || pb === undefined ? pa === pb : Buffer.from(pa.serializeBinary()).equals(Buffer.from(pb.serializeBinary()));
  return a.getModPolicy() === b.getModPolicy() && equal;
}

function sameValue(a: ConfigValue, b: ConfigValue): boolean {
  return a.getModPolicy() === b.getModPolicy() && Buffer.from(a.getValue_asU8()).equals(Buffer.from(b.getValue_asU8()));
}

/** A policy at `version` with `from`'s content, or with the version alone (a reference to the current one). */
function policyAt(version: number, from: ConfigPolicy | undefined): ConfigPolicy {
  const policy = new ConfigPolicy();
  policy.setVersion(version);
  if (from !== undefined) {
    policy.setModPolicy(from.getModPolicy());
    const content = from.getPolicy();
    if (content !== undefined) policy.setPolicy(content.cloneMessage());
  }
  return policy;
}

function valueAt(version: number, from: ConfigValue | undefined): ConfigValue {
  const value = new ConfigValue();
  value.setVersion(version);
  if (from !== undefined) {
    value.setModPolicy(from.getModPolicy());
    value.setValue(from.getValue_asU8());
  }
  return value;
}

function group(
  version: number,
  modPolicy: string,
  members: { policies?: Map<string, ConfigPolicy>; values?: Map<string, ConfigValue>; groups?: Map<string, ConfigGroup> },
): ConfigGroup {
  const result = new ConfigGroup();
  result.setVersion(version);
  result.setModPolicy(modPolicy);
  for (const [key, policy] of members.policies ?? []) result.getPoliciesMap().set(key, policy);
  for (const [key, value] of members.values ?? []) result.getValuesMap().set(key, value);
  for (const [key, child] of members.groups ?? []) result.getGroupsMap().set(key, child);
  return result;
}
