import { randomBytes } from 'node:crypto';
import { ConfigUpdateError } from '../channelconfig/config-update-error.js';
import { configUpdateEnvelopeOf } from '../channelconfig/config-update-validator.js';
import { Envelope, Payload } from '../common/protos/common.js';
import { ConfigSignature, ConfigUpdateEnvelope, type ConfigUpdate } from '../common/protos/configtx.js';
import { Timestamp } from '../common/protos/peer.js';
import { ChannelHeader, Header, HeaderType, SignatureHeader } from '../common/protos/proposal.js';

/** Who signs a config update: a SigningIdentity. */
export interface ConfigUpdateSigner {
  serialize(): Uint8Array;
  sign(message: Uint8Array): Uint8Array;
}

/**
 * A CONFIG_UPDATE envelope holding `update` with no signatures yet, as configtxlator and
 * `configtxgen -outputCreateChannelTx` write one for `peer channel signconfigtx` and `update`.
 */
export function configUpdateEnvelope(update: ConfigUpdate): Envelope {
  const updateEnvelope = new ConfigUpdateEnvelope();
  updateEnvelope.setConfigUpdate(update.serializeBinary());
  return wrap(update.getChannelId(), updateEnvelope, undefined);
}

/**
 * `peer channel signconfigtx`: adds the signer's ConfigSignature (over its signature header ||
 * the config_update bytes) to a CONFIG_UPDATE envelope, and wraps it again in an envelope the
 * signer signs, ready for `peer channel update`. Each signer in turn signs the previous one's output.
 */
export function signConfigUpdateEnvelope(envelope: Envelope, signer: ConfigUpdateSigner): Envelope {
  // Decoding it first refuses an envelope that is not a CONFIG_UPDATE, naming what is wrong.
  const updateEnvelope = configUpdateEnvelopeOf(envelope);
  const channelId = channelIdOf(envelope);
  if (channelId === '') throw new ConfigUpdateError('UPDATE_MALFORMED', 'Invalid channel create transaction : empty channel id');
  const header = signatureHeader(signer);
  const signature = new ConfigSignature();
  signature.setSignatureHeader(header.serializeBinary());
  signature.setSignature(signer.sign(Buffer.concat([header.serializeBinary(), updateEnvelope.getConfigUpdate_asU8()])));
  updateEnvelope.addSignatures(signature);
  return wrap(channelId, updateEnvelope, signer);
}

/** The channel of an envelope already known to decode. */
function channelIdOf(envelope: Envelope): string {
  const header = Payload.deserializeBinary(envelope.getPayload_asU8()).getHeader();
  return header === undefined ? '' : ChannelHeader.deserializeBinary(header.getChannelHeader_asU8()).getChannelId();
}

function signatureHeader(signer: ConfigUpdateSigner): InstanceType<typeof SignatureHeader> {
  const header = new SignatureHeader();
  header.setCreator(signer.serialize());
  header.setNonce(randomBytes(24));
  return header;
}

/** protoutil.CreateSignedEnvelope(CONFIG_UPDATE, channel, signer, update, 0, 0). */
function wrap(channelId: string, updateEnvelope: ConfigUpdateEnvelope, signer: ConfigUpdateSigner | undefined): Envelope {
  const timestamp = new Timestamp();
  timestamp.setSeconds(Math.floor(Date.now() / 1000));
  timestamp.setNanos(0);
  const channelHeader = new ChannelHeader();
  channelHeader.setType(HeaderType.CONFIG_UPDATE);
  channelHeader.setVersion(0);
  channelHeader.setTimestamp(timestamp);
  channelHeader.setChannelId(channelId);
  channelHeader.setEpoch(0);
  const header = new Header();
  header.setChannelHeader(channelHeader.serializeBinary());
  header.setSignatureHeader((signer === undefined ? new SignatureHeader() : signatureHeader(signer)).serializeBinary());
  const payload = new Payload();
  payload.setHeader(header);
  payload.setData(updateEnvelope.serializeBinary());
  const payloadBytes = payload.serializeBinary();
  const envelope = new Envelope();
  envelope.setPayload(payloadBytes);
  if (signer !== undefined) envelope.setSignature(signer.sign(payloadBytes));
  return envelope;
}
