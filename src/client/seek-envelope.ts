import { createHash, randomBytes, X509Certificate } from 'node:crypto';
import timestampPb from 'google-protobuf/google/protobuf/timestamp_pb.js';
import { Envelope, Payload } from '../common/protos/common.js';
import { SeekInfo, SeekNewest, SeekNextCommit, SeekOldest, SeekPosition, SeekSpecified } from '../common/protos/deliver.js';
import { ChannelHeader, Header, HeaderType, SignatureHeader } from '../common/protos/proposal.js';

/** A block a seek starts or stops at: the first, the last, the next one committed, or a number. */
export type SeekPoint = 'oldest' | 'newest' | 'next-commit' | number;

/** The signer of a seek: the creator it names, and the signature over it (a SigningIdentity). */
export interface SeekSigner {
  serialize(): Uint8Array;
  sign(message: Uint8Array): Uint8Array;
}

export interface SeekRequest {
  channelId: string;
  start: SeekPoint;
  /** The last block wanted (inclusive); 'never' (the default) keeps the stream open for new blocks. */
  stop?: SeekPoint | 'never';
  /** Ends the seek with NOT_FOUND at the first block not yet on the chain, instead of waiting for it. */
  failIfNotReady?: boolean;
}

/**
 * The largest block number a seek can carry: google-protobuf cannot write uint64s past 2^53, so
 * "never stop" is this number rather than Fabric's MaxUint64; servers read both as no end.
 */
export const NEVER = Number.MAX_SAFE_INTEGER;

const { Timestamp } = timestampPb;

/**
 * A signed DELIVER_SEEK_INFO envelope, as Fabric's clients make one: the SeekInfo as payload
 * data, the signer's identity and a nonce in the signature header, and, when the client
 * authenticates with a TLS certificate, that certificate's hash bound into the channel header.
 */
export function createSeekEnvelope(req: SeekRequest, signer: SeekSigner, tlsCertPem?: Buffer): Envelope {
  const seekInfo = new SeekInfo();
  seekInfo.setStart(seekPosition(req.start));
  seekInfo.setStop(seekPosition(req.stop ?? 'never'));
  seekInfo.setBehavior(req.failIfNotReady === true ? SeekInfo.SeekBehavior.FAIL_IF_NOT_READY : SeekInfo.SeekBehavior.BLOCK_UNTIL_READY);

  const channelHeader = new ChannelHeader();
  channelHeader.setType(HeaderType.DELIVER_SEEK_INFO);
  channelHeader.setChannelId(req.channelId);
  const now = Date.now();
  const timestamp = new Timestamp();
  timestamp.setSeconds(Math.floor(now / 1000));
  timestamp.setNanos((now % 1000) * 1e6);
  channelHeader.setTimestamp(timestamp);
  if (tlsCertPem !== undefined) channelHeader.setTlsCertHash(createHash('sha256').update(new X509Certificate(tlsCertPem).raw).digest());
  const signatureHeader = new SignatureHeader();
  signatureHeader.setCreator(signer.serialize());
  signatureHeader.setNonce(randomBytes(24));
  const header = new Header();
  header.setChannelHeader(channelHeader.serializeBinary());
  header.setSignatureHeader(signatureHeader.serializeBinary());

  const payload = new Payload();
  payload.setHeader(header);
  payload.setData(seekInfo.serializeBinary());
  const payloadBytes = payload.serializeBinary();
  const envelope = new Envelope();
  envelope.setPayload(payloadBytes);
  envelope.setSignature(signer.sign(payloadBytes));
  return envelope;
}

function seekPosition(point: SeekPoint | 'never'): SeekPosition {
  const position = new SeekPosition();
  if (point === 'oldest') position.setOldest(new SeekOldest());
  else if (point === 'newest') position.setNewest(new SeekNewest());
  else if (point === 'next-commit') position.setNextCommit(new SeekNextCommit());
  else {
    const specified = new SeekSpecified();
    specified.setNumber(point === 'never' ? NEVER : point);
    position.setSpecified(specified);
  }
  return position;
}
