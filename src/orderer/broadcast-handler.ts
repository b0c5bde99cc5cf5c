import { X509Certificate } from 'node:crypto';
import type { ServerDuplexStream } from '@grpc/grpc-js';
import type { ChannelBundle } from '../channel/channel-bundle.js';
import { errorMessage } from '../common/errors/weft-error.js';
import type { Logger } from '../common/logging/logging.js';
import { BroadcastResponse } from '../common/protos/orderer.js';
import { SerializedIdentity } from '../common/protos/msp.js';
import { utf8, WireFields } from '../common/protos/proto-wire.js';
import { common, type Envelope } from '../ledger/protos.js';
import { BoundedCache } from '../msp/bounded-cache.js';
import type { SignedData } from '../policies/signed-data.js';
import { messageSize } from './block-cutter.js';
import { OrderingError } from './orderer-error.js';
import type { BroadcastMetrics } from './orderer-metrics.js';
import { secondsSince } from '../common/metrics/metrics-provider.js';

/** A channel as Broadcast uses it: its current config, and ordering into it. */
export interface BroadcastChain {
  readonly bundle: ChannelBundle;
  readonly sequence: number;
  checkReady(): void;
  order(envelope: Envelope): void;
  configure(configEnvelope: Envelope): void;
}

/**
 * Turns a CONFIG_UPDATE envelope into the CONFIG envelope to order (Fabric's ProposeConfigUpdate
 * then CreateSignedEnvelope, signed by the orderer). To refuse it, throw an OrderingError
 * (FORBIDDEN when the update's signatures do not satisfy its mod policies); any other error
 * answers BAD_REQUEST, as Fabric classifies it.
 */
export type ProcessConfigUpdate = (channelId: string, envelope: Envelope) => Promise<Envelope>;

export interface BroadcastHandlerOptions {
  chains: { get(channelId: string): BroadcastChain | undefined };
  /** Absent: CONFIG_UPDATE envelopes are refused with BAD_REQUEST. */
  processConfigUpdate?: ProcessConfigUpdate | undefined;
  /** `orderer.common.broadcast` */
  logger: Logger;
  /** The clock certificate expiry is checked against; now by default. */
  now?: () => Date;
  metrics?: BroadcastMetrics | undefined;
}

/** One Broadcast answer: Fabric's common.Status and its info text. */
export interface BroadcastResult {
  status: number;
  info: string;
}

const SUCCESS = 200;
/** common.Status names (SUCCESS, BAD_REQUEST, ...), the `status` label of Fabric's broadcast metrics. */
const STATUS_NAMES = new Map<number, string>(Object.entries(common.Status).map(([name, n]) => [n, name]));
const CHANNEL_WRITERS = '/Channel/Writers';
const CHANNEL_ORDERER_WRITERS = '/Channel/Orderer/Writers';
const MAINTENANCE = 1;
// Orderer capabilities under which Fabric checks a broadcaster's certificate expiry and enforces maintenance mode.
const EXPIRATION_CHECK_CAPABILITIES = ['V1_1', 'V1_4_2', 'V2_0', 'V3_0'];
const MIGRATION_CAPABILITIES = ['V1_4_2', 'V2_0', 'V3_0'];
// Times a config update is worked out again when the channel's config changed meanwhile.
const CONFIG_RETRIES = 3;
const EXPIRY_CACHE_SIZE = 1000;

/**
 * Fabric's Broadcast: each envelope is checked against its channel's config (readable, not
 * empty, not over AbsoluteMaxBytes, creator not expired, signed by a Writer), then handed to the
 * channel's chain; the answer (SUCCESS) comes once it is accepted for ordering, not once it is in a
 * block. A refusal answers with Fabric's status and ends the stream, as Fabric's handler does.
 */
export class BroadcastHandler {
  /** When each creator's certificate expires (null: no readable certificate), by serialized identity. */
  private readonly expiries = new BoundedCache<string, Date | null>(EXPIRY_CACHE_SIZE);

  constructor(private readonly opts: BroadcastHandlerOptions) {}

  /** Serves one Broadcast stream: one answer per envelope, in order. */
  handle(call: ServerDuplexStream<Envelope, BroadcastResponse>): void {
    const addr = call.getPeer();
    let queue = Promise.resolve();
    let done = false;
    call.on('data', (envelope: Envelope) => {
      queue = queue.then(async () => {
        if (done) return;
        const result = await this.processMessage(envelope, addr);
        const reply = new BroadcastResponse();
        reply.setStatus(result.status as Parameters<BroadcastResponse['setStatus']>[0]);
        reply.setInfo(result.info);
        call.write(reply);
        if (result.status !== SUCCESS) {
          done = true;
          call.end();
        }
      }).catch((err: unknown) => {
        // Writing to a stream the client has gone from: nothing more to answer.
        done = true;
        this.opts.logger.warn('Handle', `Error sending to ${addr}: ${errorMessage(err)}`);
      });
    });
    call.on('end', () => {
      void queue.then(() => {
        if (!done) {
          done = true;
          call.end();
        }
      });
    });
    call.on('error', (err) => {
      done = true;
      this.opts.logger.warn('Handle', `Error reading from ${addr}: ${errorMessage(err)}`);
    });
  }

  /** Checks one envelope and hands it to its channel; never throws. */
  async processMessage(envelope: Envelope, addr: string): Promise<BroadcastResult> {
    const metrics = this.opts.metrics;
    if (metrics === undefined) return this.process(envelope, addr);
    const start = performance.now();
    const seen = { channelId: 'unknown', type: 'unknown' };
    const result = await this.process(envelope, addr, seen);
    const labels = [seen.channelId, seen.type, STATUS_NAMES.get(result.status) ?? String(result.status)];
    metrics.validateDuration.with(...labels).observe(secondsSince(start));
    metrics.processedCount.with(...labels).add(1);
    return result;
  }

  /** processMessage's work; `seen` (with metrics) is given the channel and header type it found. */
  private async process(envelope: Envelope, addr: string, seen?: { channelId: string; type: string }): Promise<BroadcastResult> {
    let header: PayloadHeader;
    let chain: BroadcastChain;
    try {
      header = payloadHeaderOf(envelope);
      if (seen !== undefined) {
        // Fabric labels a refusal with the header's channel and type once it has read them.
        seen.channelId = header.channelId;
        seen.type = headerTypeName(header.type);
      }
      chain = this.chainFor(header);
    } catch (err) {
      const channelId = err instanceof ProcessorError ? err.channelId : 'unknown';
      this.opts.logger.warn('ProcessMessage', `[channel: ${channelId}] Could not get message processor for serving ${addr}: ${errorMessage(err)}`);
      return { status: 400, info: errorMessage(err) };
    }
    const { channelId } = header;
    const kind = header.type === common.HeaderType.CONFIG_UPDATE ? 'config' : 'normal';
    try {
      if (kind === 'config') await this.processConfigUpdate(chain, channelId, envelope, header.signatureHeader);
      else this.processNormal(chain, envelope, header.signatureHeader);
    } catch (err) {
      const status = err instanceof OrderingError ? err.status : 500;
      const why = status === 503 ? `with SERVICE_UNAVAILABLE: ${errorMessage(err)}` : `because of error: ${errorMessage(err)}`;
      this.opts.logger.warn('ProcessMessage', `[channel: ${channelId}] Rejecting broadcast of ${kind} message from ${addr} ${why}`);
      return { status, info: errorMessage(err) };
    }
    this.opts.logger.debug('ProcessMessage', `[channel: ${channelId}] Broadcast has successfully enqueued message of type ${headerTypeName(header.type)} from ${addr}`);
    return { status: SUCCESS, info: '' };
  }

  /** The chain of the envelope's channel, for a type Broadcast takes. */
  private chainFor(header: PayloadHeader): BroadcastChain {
    const { channelId } = header;
    const chain = this.opts.chains.get(channelId);
    // Fabric answers BAD_REQUEST here (the registrar's error is not one its classifier maps to NOT_FOUND).
    if (chain === undefined) throw new ProcessorError(channelId, `channel does not exist: ${channelId}`);
    const { type } = header;
    if (type === common.HeaderType.CONFIG || type === common.HeaderType.ORDERER_TRANSACTION) {
      throw new ProcessorError(channelId, 'message is of type that cannot be processed directly');
    }
    return chain;
  }

  private processNormal(chain: BroadcastChain, envelope: Envelope, signatureHeader: Uint8Array): void {
    const config = chain.bundle.config;
    if (config.orderer?.state === MAINTENANCE && hasAny(config.capabilities.orderer, MIGRATION_CAPABILITIES)) {
      throw new OrderingError('SERVICE_UNAVAILABLE', 'maintenance mode: normal transactions are rejected');
    }
    this.applyFilters(chain.bundle, envelope, signatureHeader);
    chain.checkReady();
    chain.order(envelope);
  }

  private async processConfigUpdate(chain: BroadcastChain, channelId: string, update: Envelope, signatureHeader: Uint8Array): Promise<void> {
    const process = this.opts.processConfigUpdate;
    if (process === undefined) {
      throw new OrderingError('BAD_REQUEST', `this orderer does not process config updates (header type ${headerTypeName(common.HeaderType.CONFIG_UPDATE)})`);
    }
    for (let attempt = 0; ; attempt++) {
      const sequence = chain.sequence;
      this.applyFilters(chain.bundle, update, signatureHeader);
      let config: Envelope;
      try {
        config = await process(channelId, update);
      } catch (err) {
        if (err instanceof OrderingError) throw err;
        throw new OrderingError('BAD_REQUEST', `error applying config update to existing channel '${channelId}': ${errorMessage(err)}`, { cause: err });
      }
      this.checkSize(chain.bundle, config);
      chain.checkReady();
      // Worked out against a config that has since been replaced: work it out again.
      if (chain.sequence !== sequence) {
        if (attempt < CONFIG_RETRIES) continue;
        throw new OrderingError('SERVICE_UNAVAILABLE', `the config of channel ${channelId} kept changing while the update was processed`);
      }
      chain.configure(config);
      return;
    }
  }

  /** Fabric's standard channel filters, in its order: empty, size, expiration, signature. `signatureHeader`: the payload's, as read from it. */
  private applyFilters(bundle: ChannelBundle, envelope: Envelope, signatureHeader: Uint8Array): void {
    const payload = envelope.getPayload_asU8();
    if (payload.length === 0) throw new OrderingError('BAD_REQUEST', 'Message was empty');
    this.checkSize(bundle, envelope);
    let creator: Uint8Array;
    try {
      creator = new WireFields(signatureHeader, SIGNATURE_HEADER_CREATOR).bytes(SIGNATURE_HEADER_CREATOR);
    } catch (err) {
      throw new OrderingError('BAD_REQUEST', `could not convert message to signedData: error unmarshalling SignatureHeader: ${errorMessage(err)}`, { cause: err });
    }
    const signed: SignedData[] = [{ data: payload, identity: creator, signature: envelope.getSignature_asU8() }];
    if (hasAny(bundle.config.capabilities.orderer, EXPIRATION_CHECK_CAPABILITIES)) {
      const expiry = this.expiryOf(signed[0]?.identity);
      if (expiry !== null && expiry.getTime() <= (this.opts.now?.() ?? new Date()).getTime()) {
        throw new OrderingError('BAD_REQUEST', 'broadcast client identity expired');
      }
    }
    const policyName = bundle.config.orderer?.state === MAINTENANCE ? CHANNEL_ORDERER_WRITERS : CHANNEL_WRITERS;
    const policy = bundle.policies.getPolicy(policyName);
    if (policy === undefined) throw new OrderingError('BAD_REQUEST', `could not find policy ${policyName}`);
    try {
      policy.evaluateSignedData(signed);
    } catch (err) {
      this.opts.logger.warn('Apply', `SigFilter evaluation failed: ${errorMessage(err)} (policyName ${policyName}, signingIdentity ${creatorOf(signed)})`);
      throw new OrderingError('FORBIDDEN', `${errorMessage(err)}: permission denied`, { cause: err });
    }
  }

  /** Parsing a certificate costs more than verifying a signature: each creator's is parsed once. */
  private expiryOf(identity: Uint8Array | undefined): Date | null {
    if (identity === undefined) return null;
    const key = Buffer.from(identity).toString('latin1');
    let expiry = this.expiries.get(key);
    if (expiry === undefined) {
      expiry = expiryOf(identity);
      this.expiries.set(key, expiry);
    }
    return expiry;
  }

  private checkSize(bundle: ChannelBundle, envelope: Envelope): void {
    const max = bundle.config.orderer?.batchSize.absoluteMaxBytes ?? 0;
    const size = messageSize(envelope);
    if (size > max) throw new OrderingError('BAD_REQUEST', `message payload is ${String(size)} bytes and exceeds maximum allowed ${String(max)} bytes`);
  }
}

/** A message Broadcast cannot route: Fabric answers BAD_REQUEST, logging that it found no processor. */
class ProcessorError extends OrderingError {
  constructor(
    readonly channelId: string,
    message: string,
  ) {
    super('BAD_REQUEST', message);
  }
}

/** What Broadcast reads of an envelope's payload header. */
interface PayloadHeader {
  type: number;
  channelId: string;
  /** The signature header's bytes, its creator read by the signature filter. */
  signatureHeader: Uint8Array;
}

// Field numbers of Fabric's common.proto.
const PAYLOAD_HEADER = 1;
const HEADER_CHANNEL_HEADER = 1;
const HEADER_SIGNATURE_HEADER = 2;
const CHANNEL_HEADER_TYPE = 1;
const CHANNEL_HEADER_CHANNEL_ID = 4;
const SIGNATURE_HEADER_CREATOR = 1;

/**
 * The payload's headers, read from the wire as views into the envelope (every broadcast message
 * passes here: building the Payload, Header and ChannelHeader messages cost more than reading the
 * four fields Broadcast needs). Refusals name the part that is missing or unreadable.
 */
function payloadHeaderOf(envelope: Envelope): PayloadHeader {
  const fail = (why: string, err?: unknown): never => {
    throw new ProcessorError('unknown', `could not determine channel ID: ${why}${err === undefined ? '' : `: ${errorMessage(err)}`}`);
  };
  let header: WireFields | undefined;
  try {
    const bytes = new WireFields(envelope.getPayload_asU8(), PAYLOAD_HEADER).maybeBytes(PAYLOAD_HEADER);
    header = bytes === undefined ? undefined : new WireFields(bytes, HEADER_SIGNATURE_HEADER);
  } catch (err) {
    return fail('error unmarshalling Payload', err);
  }
  if (header === undefined) return fail('header not set');
  const channelHeaderBytes = header.bytes(HEADER_CHANNEL_HEADER);
  if (channelHeaderBytes.length === 0) return fail('channel header not set');
  let channelHeader: WireFields;
  try {
    channelHeader = new WireFields(channelHeaderBytes, CHANNEL_HEADER_CHANNEL_ID);
  } catch (err) {
    return fail('error unmarshalling channel header', err);
  }
  return {
    type: channelHeader.number(CHANNEL_HEADER_TYPE),
    channelId: utf8(channelHeader.bytes(CHANNEL_HEADER_CHANNEL_ID)),
    signatureHeader: header.bytes(HEADER_SIGNATURE_HEADER),
  };
}

/** When the certificate of a serialized identity expires; null when it cannot be read (as Fabric, which then does not refuse). */
function expiryOf(identity: Uint8Array): Date | null {
  try {
    const id = SerializedIdentity.deserializeBinary(identity);
    return new Date(new X509Certificate(Buffer.from(id.getIdBytes_asU8())).validTo);
  } catch {
    return null;
  }
}

function creatorOf(signed: SignedData[]): string {
  try {
    const id = SerializedIdentity.deserializeBinary(signed[0]?.identity ?? new Uint8Array(0));
    const subject = new X509Certificate(Buffer.from(id.getIdBytes_asU8())).subject.replace(/\n/g, ',');
    return `(mspid=${id.getMspid()} subject=${subject})`;
  } catch {
    return '(unreadable)';
  }
}

function hasAny(capabilities: readonly string[], wanted: readonly string[]): boolean {
  return capabilities.some((c) => wanted.includes(c));
}

const HEADER_TYPE_NAMES = new Map<number, string>(Object.entries(common.HeaderType).map(([name, n]) => [n, name]));

function headerTypeName(type: number): string {
  return HEADER_TYPE_NAMES.get(type) ?? String(type);
}
