import { createHash, randomBytes } from 'node:crypto';
import { Block, BlockData, BlockHeader, BlockMetadata, Envelope, LastConfig, Metadata, Payload } from '../common/protos/common.js';
import { Config, ConfigEnvelope, OrdererBlockMetadata, type ConfigGroup } from '../common/protos/configtx.js';
import { Timestamp } from '../common/protos/peer.js';
import { ChannelHeader, Header, HeaderType, SignatureHeader } from '../common/protos/proposal.js';
import { ChannelConfigError } from './channel-config-error.js';
import { encodeChannelGroup, type ChannelGroupSources } from './channel-group-encoder.js';
import type { ConfigtxProfile } from './configtx.js';

/** Fabric's genesis factory writes channel header version 1 and epoch 0. */
const GENESIS_HEADER_VERSION = 1;
/** BlockMetadataIndex has five slots in Fabric 2.x: SIGNATURES, LAST_CONFIG, TRANSACTIONS_FILTER, ORDERER, COMMIT_HASH. */
const METADATA_SLOTS = 5;

export interface GenesisBlockOptions {
  /** The header's timestamp (whole seconds, as Fabric writes it); now by default. */
  now?: Date;
  /** The signature header's nonce (24 random bytes by default); the txid is derived from it. */
  nonce?: Uint8Array;
}

/**
 * Block 0 of a channel, as configtxgen's genesis factory makes it: one unsigned CONFIG envelope
 * whose payload holds ConfigEnvelope{Config{sequence 0, channel group}} with no last update; a
 * channel header of type CONFIG, version 1, the channel id, a timestamp in whole seconds, epoch 0
 * and the txid of the nonce and an empty creator; the header's data hash; five metadata slots with
 * SIGNATURES holding OrdererBlockMetadata{last_config 0}, LAST_CONFIG holding LastConfig{0}, the
 * rest empty.
 */
export function genesisBlock(channelGroup: ConfigGroup, channelId: string, opts: GenesisBlockOptions = {}): Block {
  if (channelId === '') throw new ChannelConfigError('PROFILE_INVALID', 'a genesis block needs a channel ID');
  const nonce = opts.nonce ?? randomBytes(24);
  const timestamp = new Timestamp();
  timestamp.setSeconds(Math.floor((opts.now ?? new Date()).getTime() / 1000));
  timestamp.setNanos(0);

  const channelHeader = new ChannelHeader();
  channelHeader.setType(HeaderType.CONFIG);
  channelHeader.setVersion(GENESIS_HEADER_VERSION);
  channelHeader.setTimestamp(timestamp);
  channelHeader.setChannelId(channelId);
  channelHeader.setEpoch(0);
  // Fabric's txid: hex SHA-256 of nonce || creator, and the creator is empty here.
  channelHeader.setTxId(createHash('sha256').update(nonce).digest('hex'));
  const signatureHeader = new SignatureHeader();
  signatureHeader.setNonce(nonce);
  const header = new Header();
  header.setChannelHeader(channelHeader.serializeBinary());
  header.setSignatureHeader(signatureHeader.serializeBinary());

  const config = new Config();
  config.setSequence(0);
  config.setChannelGroup(channelGroup);
  const configEnvelope = new ConfigEnvelope();
  configEnvelope.setConfig(config);
  const payload = new Payload();
  payload.setHeader(header);
  payload.setData(configEnvelope.serializeBinary());
  const envelope = new Envelope();
  envelope.setPayload(payload.serializeBinary());
  const envelopeBytes = envelope.serializeBinary();

  const blockHeader = new BlockHeader();
  blockHeader.setNumber(0);
  blockHeader.setDataHash(createHash('sha256').update(envelopeBytes).digest());
  const data = new BlockData();
  data.setDataList([envelopeBytes]);
  const block = new Block();
  block.setHeader(blockHeader);
  block.setData(data);
  block.setMetadata(genesisMetadata());
  return block;
}

/** configtxgen -outputBlock: the profile's channel group, then its genesis block for the channel. */
export async function genesisBlockOfProfile(
  profile: ConfigtxProfile,
  channelId: string,
  opts: GenesisBlockOptions & ChannelGroupSources = {},
): Promise<Block> {
  if (profile.orderer === undefined) {
    throw new ChannelConfigError('PROFILE_INVALID', 'refusing to generate block which is missing orderer section');
  }
  if (profile.consortiums === undefined && profile.application === undefined) {
    throw new ChannelConfigError('PROFILE_INVALID', 'refusing to generate application channel block which is missing application section');
  }
  return genesisBlock(await encodeChannelGroup(profile, opts), channelId, opts);
}

function genesisMetadata(): InstanceType<typeof BlockMetadata> {
  const lastConfig = new LastConfig();
  lastConfig.setIndex(0);
  const ordererMetadata = new OrdererBlockMetadata();
  ordererMetadata.setLastConfig(lastConfig);
  const signatures = new Metadata();
  signatures.setValue(ordererMetadata.serializeBinary());
  const legacyLastConfig = new Metadata();
  legacyLastConfig.setValue(lastConfig.serializeBinary());
  const slots: Uint8Array[] = [signatures.serializeBinary(), legacyLastConfig.serializeBinary()];
  while (slots.length < METADATA_SLOTS) slots.push(new Uint8Array(0));
  const metadata = new BlockMetadata();
  metadata.setMetadataList(slots);
  return metadata;
}
