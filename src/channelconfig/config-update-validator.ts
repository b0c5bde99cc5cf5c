import { errorMessage } from '../common/errors/weft-error.js';
import type { Logger } from '../common/logging/logging.js';
import { Payload, type Envelope } from '../common/protos/common.js';
import { Config, ConfigEnvelope, ConfigUpdate, ConfigUpdateEnvelope, type ConfigGroup } from '../common/protos/configtx.js';
import { ChannelHeader, HeaderType, SignatureHeader } from '../common/protos/proposal.js';
import type { Policy } from '../policies/policy.js';
import type { SignedData } from '../policies/signed-data.js';
import { configMapToChannelGroup, invalidConfigId, mapConfig, type ConfigElement, type ConfigMap } from './config-map.js';
import { ConfigUpdateError } from './config-update-error.js';

/** The policies of the current config, found by path as a config element's mod_policy names them (PolicyManager). */
export interface ModPolicies {
  getPolicy(path: string): Policy | undefined;
  manager(path: readonly string[]): ModPolicies | undefined;
}

export interface ConfigUpdateValidatorOptions {
  /** `common.configtx`: a warning when an update's signatures do not satisfy a mod_policy. */
  logger?: Logger;
}

const ROOT = 'Channel';

/**
 * Applies CONFIG_UPDATEs to a channel's current config (Fabric's configtx validator): the read set
 * must match the current versions, every element the write set changes must be at its current
 * version + 1 (0 when new) and its current mod_policy satisfied by the update's signatures, and
 * whatever the write set does not change stays as it is. The result is the next config, at the
 * next sequence.
 */
export class ConfigUpdateValidator {
  private readonly configMap: ConfigMap;

  constructor(
    readonly channelId: string,
    private readonly config: Config,
    private readonly policies: ModPolicies,
    private readonly opts: ConfigUpdateValidatorOptions = {},
  ) {
    this.configMap = mapConfig(config.getChannelGroup(), ROOT);
  }

  get sequence(): number {
    return this.config.getSequence();
  }

  /**
   * The ConfigEnvelope a CONFIG_UPDATE envelope makes: the new config and the update as its
   * last_update. Throws ConfigUpdateError in Fabric's words when the update is not allowed.
   */
  proposeConfigUpdate(envelope: Envelope): ConfigEnvelope {
    const updateEnvelope = withPrefix('error converting envelope to config update', () => configUpdateEnvelopeOf(envelope));
    const proposed = withPrefix('error authorizing update', () => this.authorizeUpdate(updateEnvelope));
    const channelGroup = configMapToChannelGroup(proposed, ROOT);
    const config = new Config();
    config.setSequence(this.sequence + 1);
    config.setChannelGroup(channelGroup);
    const result = new ConfigEnvelope();
    result.setConfig(config);
    result.setLastUpdate(envelope);
    return result;
  }

  /** The whole proposed config map, once the update is found consistent and authorized. */
  private authorizeUpdate(updateEnvelope: ConfigUpdateEnvelope): ConfigMap {
    const update = decode('ConfigUpdate', () => ConfigUpdate.deserializeBinary(updateEnvelope.getConfigUpdate_asU8()));
    if (update.getChannelId() !== this.channelId) {
      throw new ConfigUpdateError('WRONG_CHANNEL', `ConfigUpdate for channel '${update.getChannelId()}' but envelope for channel '${this.channelId}'`);
    }
    const readSet = withPrefix('error mapping ReadSet', () => mapConfig(update.getReadSet(), ROOT));
    withPrefix('error validating ReadSet', () => {
      this.verifyReadSet(readSet);
    });
    const writeSet = withPrefix('error mapping WriteSet', () => mapConfig(update.getWriteSet(), ROOT));
    const deltaSet = computeDeltaSet(readSet, writeSet);
    const signed = signedDataOf(updateEnvelope);
    withPrefix('error validating DeltaSet', () => {
      this.verifyDeltaSet(deltaSet, signed);
    });
    return new Map([...this.configMap, ...deltaSet]);
  }

  private verifyReadSet(readSet: ConfigMap): void {
    for (const [name, item] of sorted(readSet)) {
      const existing = this.configMap.get(name);
      if (existing === undefined) {
        throw new ConfigUpdateError('READ_SET_MISMATCH', `existing config does not contain element for ${name} but was in the read set`);
      }
      const wanted = item.element.getVersion();
      const current = existing.element.getVersion();
      if (wanted !== current) {
        throw new ConfigUpdateError(
          'READ_SET_MISMATCH',
          `proposed update requires that key ${name} be at version ${String(wanted)}, but it is currently at version ${String(current)}`,
        );
      }
    }
  }

  private verifyDeltaSet(deltaSet: ConfigMap, signed: readonly SignedData[]): void {
    if (deltaSet.size === 0) throw new ConfigUpdateError('EMPTY_UPDATE', 'delta set was empty -- update would have no effect');
    for (const [name, item] of sorted(deltaSet)) {
      const invalid = invalidModPolicy(item.element.getModPolicy());
      if (invalid !== undefined) throw new ConfigUpdateError('INVALID_KEY', `invalid mod_policy for element ${name}: ${invalid}`);
      const version = item.element.getVersion();
      const existing = this.configMap.get(name);
      if (existing === undefined) {
        // A new element is authorized by the change to its parent group's membership.
        if (version !== 0) {
          throw new ConfigUpdateError('VERSION_MISMATCH', `attempted to set key ${name} to version ${String(version)}, but key does not exist`);
        }
        continue;
      }
      const current = existing.element.getVersion();
      if (version !== current + 1) {
        throw new ConfigUpdateError('VERSION_MISMATCH', `attempt to set key ${name} to version ${String(version)}, but key is at version ${String(current)}`);
      }
      // The policy that guards an element is the one its current version names.
      const policy = this.modPolicyOf(existing);
      if (policy === undefined) {
        throw new ConfigUpdateError('POLICY_NOT_SATISFIED', `unexpected missing policy ${existing.element.getModPolicy()} for item ${name}`);
      }
      try {
        policy.evaluateSignedData(signed);
      } catch (err) {
        this.opts.logger?.warn('verifyDeltaSet', `policy not satisfied for channel configuration update: key ${name}, policy ${existing.element.getModPolicy()}`);
        throw new ConfigUpdateError('POLICY_NOT_SATISFIED', `policy for ${name} not satisfied: ${errorMessage(err)}`, { cause: err });
      }
    }
  }

  /**
   * An absolute mod_policy is found from the root; a relative one from the element's group (for a
   * group, from the group itself).
   */
  private modPolicyOf(item: ConfigElement): Policy | undefined {
    const modPolicy = item.element.getModPolicy();
    if (modPolicy.startsWith('/') || item.path.length === 0) return this.policies.getPolicy(modPolicy);
    const groupPath = item.kind === 'group' ? [...item.path.slice(1), item.key] : item.path.slice(1);
    return this.policies.manager(groupPath)?.getPolicy(modPolicy);
  }
}

/** The ConfigUpdateEnvelope of a CONFIG_UPDATE envelope. */
export function configUpdateEnvelopeOf(envelope: Envelope): ConfigUpdateEnvelope {
  const payload = decode('Payload', () => Payload.deserializeBinary(envelope.getPayload_asU8()));
  const header = payload.getHeader();
  if (header === undefined) throw new ConfigUpdateError('UPDATE_MALFORMED', 'envelope must have a Header');
  const channelHeader = decode('ChannelHeader', () => ChannelHeader.deserializeBinary(header.getChannelHeader_asU8()));
  if (channelHeader.getType() !== HeaderType.CONFIG_UPDATE) {
    throw new ConfigUpdateError('UPDATE_MALFORMED', `invalid type ${headerTypeName(channelHeader.getType())}, expected CONFIG_UPDATE`);
  }
  return decode('ConfigUpdateEnvelope', () => ConfigUpdateEnvelope.deserializeBinary(payload.getData_asU8()));
}

/** The elements of the write set whose versions differ from the read set's, or that the read set lacks. */
function computeDeltaSet(readSet: ConfigMap, writeSet: ConfigMap): Map<string, ConfigElement> {
  const delta = new Map<string, ConfigElement>();
  for (const [name, item] of writeSet) {
    if (readSet.get(name)?.element.getVersion() === item.element.getVersion()) continue;
    delta.set(name, item);
  }
  return delta;
}

/** Each signature over signature_header || config_update, by the creator its header names. */
function signedDataOf(updateEnvelope: ConfigUpdateEnvelope): SignedData[] {
  const update = updateEnvelope.getConfigUpdate_asU8();
  return updateEnvelope.getSignaturesList().map((signature, i) => {
    const headerBytes = signature.getSignatureHeader_asU8();
    const header = decode(`SignatureHeader of signature ${String(i)}`, () => SignatureHeader.deserializeBinary(headerBytes));
    return { data: Buffer.concat([headerBytes, update]), identity: header.getCreator_asU8(), signature: signature.getSignature_asU8() };
  });
}

function invalidModPolicy(modPolicy: string): string | undefined {
  if (modPolicy === '') return 'mod_policy not set';
  const elements = (modPolicy.startsWith('/') ? modPolicy.slice(1) : modPolicy).split('/');
  for (const [i, element] of elements.entries()) {
    const invalid = invalidConfigId(element);
    if (invalid !== undefined) return `path element at ${String(i)} is invalid: ${invalid}`;
  }
  return undefined;
}

function sorted<V>(map: ReadonlyMap<string, V>): [string, V][] {
  return [...map].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

function withPrefix<T>(prefix: string, fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    if (err instanceof ConfigUpdateError) throw new ConfigUpdateError(err.code, `${prefix}: ${err.message}`, { cause: err });
    throw err;
  }
}

function decode<T>(what: string, fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    throw new ConfigUpdateError('UPDATE_MALFORMED', `error unmarshalling ${what}: ${errorMessage(err)}`, { cause: err });
  }
}

const headerTypeNames = new Map<number, string>(Object.entries(HeaderType).map(([name, n]) => [n, name]));

function headerTypeName(type: number): string {
  return headerTypeNames.get(type) ?? String(type);
}

/** The Config a validator starts from, of a channel group and its sequence. */
export function configOf(channelGroup: ConfigGroup, sequence: number): Config {
  const config = new Config();
  config.setSequence(sequence);
  config.setChannelGroup(channelGroup);
  return config;
}
