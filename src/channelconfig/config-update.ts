import { randomBytes } from 'node:crypto';
import { ChannelBundle } from '../channel/channel-bundle.js';
import { errorMessage } from '../common/errors/weft-error.js';
import type { Logger } from '../common/logging/logging.js';
import { Envelope, Payload, type Block } from '../common/protos/common.js';
import { ConfigEnvelope } from '../common/protos/configtx.js';
import { Timestamp } from '../common/protos/peer.js';
import { ChannelHeader, Header, HeaderType, SignatureHeader } from '../common/protos/proposal.js';
import type { ChannelConfig } from './channel-config.js';
import { ConfigUpdateError } from './config-update-error.js';
import { configOf, ConfigUpdateValidator } from './config-update-validator.js';

/** The orderer's identity, which signs the CONFIG envelopes it makes (a SigningIdentity). */
export interface OrdererSigner {
  serialize(): Uint8Array;
  sign(message: Uint8Array): Uint8Array;
}

export interface ProcessConfigUpdateOptions {
  /** `common.configtx`. */
  logger?: Logger;
  /** The CONFIG envelope's timestamp (whole seconds, as Fabric writes it); now by default. */
  now?: Date;
}

/** What a config update made: the CONFIG envelope to order, and the channel's bundle once it is committed. */
export interface ProcessedConfigUpdate {
  envelope: Envelope;
  configEnvelope: ConfigEnvelope;
  bundle: ChannelBundle;
}

/**
 * What the orderer makes of a CONFIG_UPDATE envelope for a channel (Fabric's
 * StandardChannel.ProcessConfigUpdateMsg after its filters): the CONFIG envelope, of type CONFIG and
 * holding ConfigEnvelope{config at the next sequence, last_update: the update}, signed by the
 * orderer, to be cut into a block of its own. `current` is the channel's last config block or its
 * bundle. Throws ConfigUpdateError in Fabric's words: `error applying config update to existing
 * channel 'ch': error authorizing update: ...`. The orderer checks the envelope's own signature
 * against /Channel/Writers before, as for any transaction.
 */
export function processConfigUpdate(current: Block | ChannelBundle, envelope: Envelope, ordererSigner: OrdererSigner, opts: ProcessConfigUpdateOptions = {}): Envelope {
  return applyConfigUpdate(current, envelope, ordererSigner, opts).envelope;
}

/**
 * A CONFIG envelope processed again (Fabric's ProcessConfigMsg): its last_update is applied to the
 * current config afresh, for a config message ordered after the config it was computed on changed.
 */
export function reprocessConfigEnvelope(current: Block | ChannelBundle, configEnvelope: Envelope, ordererSigner: OrdererSigner, opts: ProcessConfigUpdateOptions = {}): Envelope {
  let lastUpdate: Envelope | undefined;
  try {
    const payload = Payload.deserializeBinary(configEnvelope.getPayload_asU8());
    const header = payload.getHeader();
    const type = header === undefined ? undefined : ChannelHeader.deserializeBinary(header.getChannelHeader_asU8()).getType();
    if (type !== HeaderType.CONFIG) throw new ConfigUpdateError('UPDATE_MALFORMED', `invalid type ${String(type)}, expected CONFIG`);
    lastUpdate = ConfigEnvelope.deserializeBinary(payload.getData_asU8()).getLastUpdate();
  } catch (err) {
    if (err instanceof ConfigUpdateError) throw err;
    throw new ConfigUpdateError('UPDATE_MALFORMED', `error unmarshalling message for type CONFIG: ${errorMessage(err)}`, { cause: err });
  }
  if (lastUpdate === undefined) throw new ConfigUpdateError('UPDATE_MALFORMED', 'the CONFIG envelope holds no last_update to process again');
  return processConfigUpdate(current, lastUpdate, ordererSigner, opts);
}

/** processConfigUpdate, also giving the ConfigEnvelope and the new config's bundle. */
export function applyConfigUpdate(
  current: Block | ChannelBundle,
  envelope: Envelope,
  ordererSigner: OrdererSigner,
  opts: ProcessConfigUpdateOptions = {},
): ProcessedConfigUpdate {
  const bundle = current instanceof ChannelBundle ? current : ChannelBundle.fromBlock(current);
  const channelId = bundle.channelId;
  try {
    const validator = new ConfigUpdateValidator(channelId, configOf(bundle.config.channelGroup, bundle.config.sequence), bundle.policies, { logger: opts.logger });
    const configEnvelope = validator.proposeConfigUpdate(envelope);
    const config = configEnvelope.getConfig();
    if (config === undefined) throw new ConfigUpdateError('INVALID_RESULT', 'the config update produced no config');
    let next: ChannelBundle;
    try {
      next = ChannelBundle.fromConfig(config, channelId);
    } catch (err) {
      throw new ConfigUpdateError('INVALID_RESULT', `initializing channelconfig failed: ${errorMessage(err)}`, { cause: err });
    }
    checkSupported(next.config);
    checkUnchangedParts(bundle.config, next.config);
    return { envelope: signedConfigEnvelope(channelId, configEnvelope, ordererSigner, opts.now), configEnvelope, bundle: next };
  } catch (err) {
    if (err instanceof ConfigUpdateError) {
      throw new ConfigUpdateError(err.code, `error applying config update to existing channel '${channelId}': ${err.message}`, { cause: err });
    }
    throw err;
  }
}

/** The capabilities this orderer implements, as Fabric 2.5's (and V3_0 for channels, as Weft's MSPs do). */
const SUPPORTED = {
  Channel: ['V1_3', 'V1_4_2', 'V1_4_3', 'V2_0', 'V3_0'],
  Orderer: ['V1_1', 'V1_4_2', 'V2_0'],
} as const;

/** A config this orderer could not follow is refused (Fabric's checkResources). */
function checkSupported(next: ChannelConfig): void {
  if (next.orderer === undefined) throw new ConfigUpdateError('INVALID_RESULT', 'config update is not compatible: config does not contain orderer config');
  const required = [
    ['Orderer', 'orderer', next.capabilities.orderer],
    ['Channel', 'channel', next.capabilities.channel],
  ] as const;
  for (const [type, section, capabilities] of required) {
    const unsupported = capabilities.find((c) => !(SUPPORTED[type] as readonly string[]).includes(c));
    if (unsupported !== undefined) {
      throw new ConfigUpdateError(
        'INVALID_RESULT',
        `config update is not compatible: config requires unsupported ${section} capabilities: ${type} capability ${unsupported} is required but not supported`,
      );
    }
  }
}

/**
 * What a config update may not do (Fabric's Bundle.ValidateNew): drop a section, change an org's
 * MSP ID, or change the consensus type on a channel without the capability for its migration.
 */
function checkUnchangedParts(old: ChannelConfig, next: ChannelConfig): void {
  const migration = old.capabilities.channel.some((c) => c === 'V1_4_2' || c === 'V1_4_3' || c === 'V2_0' || c === 'V3_0');
  if (!migration && old.orderer !== undefined && next.orderer !== undefined && old.orderer.type !== next.orderer.type) {
    throw new ConfigUpdateError('INVALID_RESULT', `attempted to change consensus type from ${old.orderer.type} to ${next.orderer.type}`);
  }
  const groups = next.channelGroup.getGroupsMap();
  if (old.orderer !== undefined && !groups.has('Orderer')) {
    throw new ConfigUpdateError('INVALID_RESULT', 'current config has orderer section, but new config does not');
  }
  if (old.channelGroup.getGroupsMap().has('Application') && !groups.has('Application')) {
    throw new ConfigUpdateError('INVALID_RESULT', 'current config has application section, but new config does not');
  }
  const sections = [
    ['orderer', old.ordererOrgs, next.ordererOrgs],
    ['application', old.applicationOrgs, next.applicationOrgs],
  ] as const;
  for (const [section, oldOrgs, newOrgs] of sections) {
    for (const org of oldOrgs) {
      const now = newOrgs.find((o) => o.name === org.name);
      if (now !== undefined && now.mspId !== org.mspId) {
        throw new ConfigUpdateError('INVALID_RESULT', `${section} org ${org.name} attempted to change MSP ID from ${org.mspId} to ${now.mspId}`);
      }
    }
  }
}

/** A CONFIG envelope signed by the orderer, as protoutil.CreateSignedEnvelope makes it (version 0, epoch 0, no txid). */
function signedConfigEnvelope(channelId: string, configEnvelope: ConfigEnvelope, signer: OrdererSigner, now = new Date()): Envelope {
  const timestamp = new Timestamp();
  timestamp.setSeconds(Math.floor(now.getTime() / 1000));
  timestamp.setNanos(0);
  const channelHeader = new ChannelHeader();
  channelHeader.setType(HeaderType.CONFIG);
  channelHeader.setVersion(0);
  channelHeader.setTimestamp(timestamp);
  channelHeader.setChannelId(channelId);
  channelHeader.setEpoch(0);
  const signatureHeader = new SignatureHeader();
  signatureHeader.setCreator(signer.serialize());
  signatureHeader.setNonce(randomBytes(24));
  const header = new Header();
  header.setChannelHeader(channelHeader.serializeBinary());
  header.setSignatureHeader(signatureHeader.serializeBinary());
  const payload = new Payload();
  payload.setHeader(header);
  payload.setData(configEnvelope.serializeBinary());
  const payloadBytes = payload.serializeBinary();
  const envelope = new Envelope();
  envelope.setPayload(payloadBytes);
  envelope.setSignature(signer.sign(payloadBytes));
  return envelope;
}
