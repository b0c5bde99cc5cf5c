import { errorMessage } from '../common/errors/weft-error.js';
import type { Logger } from '../common/logging/logging.js';
import { Payload, type Block, type Envelope } from '../common/protos/common.js';
import { SeekInfo, SeekPosition, Status, type StatusValue } from '../common/protos/deliver.js';
import { ChannelHeader, HeaderType, SignatureHeader } from '../common/protos/proposal.js';
import type { ChainReader } from './chain-reader.js';
import { DeliverError } from './deliver-error.js';
import { deliverLabels, type DeliverMetrics } from './deliver-metrics.js';
import { certificateExpiry } from './identity-expiry.js';
import { SessionAccess, type DeliverAuthorizer, type DeliverKind } from './session-access.js';

export type { DeliverAuthorizer, DeliverKind } from './session-access.js';

/** The seek a block is sent for: the channel, and who signed the request. */
export interface SeekContext {
  channelId: string;
  envelope: Envelope;
  /** The SerializedIdentity that signed the seek. */
  creator: Uint8Array;
}

/** One Deliver stream, as the handler sees it whatever the transport and the response message. */
export interface DeliverStream {
  /** The signed SeekInfo envelopes; ends when the client closes its side. */
  requests: AsyncIterable<Envelope>;
  sendStatus(status: StatusValue): Promise<void>;
  /** Sends one block in the form this stream serves (full, filtered, with private data). */
  sendBlock(block: Block, seek: SeekContext): Promise<void>;
  /** Aborted when the client cancels or the stream breaks: waits for blocks end with it. */
  signal: AbortSignal;
  remoteAddress: string;
  kind: DeliverKind;
}

export interface DeliverHandlerOptions {
  /** The chain of a channel this node serves, or undefined (NOT_FOUND). */
  chains: (channelId: string) => ChainReader | undefined;
  /**
   * Throws when the seek's signer may not read the channel this way: it verifies the signature
   * and the creator (the peer checks the ACL of event/Block or event/FilteredBlock; the orderer
   * /Channel/Readers). The stream then ends with FORBIDDEN.
   */
  authorize: DeliverAuthorizer;
  /** The channel's config sequence; when it changes during a seek, the authorization runs again. */
  configSequence?: (channelId: string) => number;
  /** When a creator stops being valid; the certificate's notAfter by default. */
  expiresAt?: (creator: Uint8Array) => Date | undefined;
  /** How far a seek's timestamp may be from this node's clock (peer.authentication.timewindow, 15m). */
  timeWindowMs?: number;
  now?: () => number;
  metrics?: DeliverMetrics | undefined;
  /** `common.deliver` */
  logger: Logger;
}

/** Fabric's peer.authentication.timewindow default. */
export const DEFAULT_TIME_WINDOW_MS = 15 * 60 * 1000;
/** setTimeout's longest delay; a longer wait for an expiry is taken in steps. */
const MAX_TIMER_MS = 2 ** 31 - 1;

interface ParsedSeek {
  channelId: string;
  creator: Uint8Array;
  seekInfo: SeekInfo;
}

/**
 * Serves Deliver streams over chains of blocks (Fabric's common/deliver handler), for the peer's
 * Deliver service and the orderer's AtomicBroadcast.Deliver alike: each signed SeekInfo is checked
 * and authorized, its blocks are sent as they become available, and it ends with a status. After
 * SUCCESS the client may seek again on the same stream; any other status ends the stream.
 */
export class DeliverHandler {
  private readonly now: () => number;
  private readonly expiresAt: (creator: Uint8Array) => Date | undefined;
  private readonly logger: Logger;

  constructor(private readonly opts: DeliverHandlerOptions) {
    this.now = opts.now ?? Date.now;
    this.expiresAt = opts.expiresAt ?? certificateExpiry;
    this.logger = opts.logger;
  }

  /** Serves the stream until the client closes it, cancels it, or a seek ends without SUCCESS. */
  async handle(stream: DeliverStream): Promise<void> {
    const metrics = this.opts.metrics;
    metrics?.streamsOpened.add(1);
    try {
      this.logger.debug('Handle', `Starting new deliver loop for ${stream.remoteAddress}`);
      for await (const envelope of stream.requests) {
        const status = await this.deliverBlocks(stream, envelope);
        if (status === undefined) return;
        await stream.sendStatus(status);
        if (status !== Status.SUCCESS) return;
        this.logger.debug('Handle', `Waiting for new SeekInfo from ${stream.remoteAddress}`);
      }
      this.logger.debug('Handle', `Received EOF from ${stream.remoteAddress}, hangup`);
    } finally {
      metrics?.streamsClosed.add(1);
    }
  }

  /** The status the seek ends with; undefined when the client went away meanwhile. */
  private async deliverBlocks(stream: DeliverStream, envelope: Envelope): Promise<StatusValue | undefined> {
    try {
      await this.serveSeek(stream, envelope);
      return Status.SUCCESS;
    } catch (err) {
      if (stream.signal.aborted) {
        this.logger.debug('deliverBlocks', `Context canceled, aborting wait for next block from ${stream.remoteAddress}`);
        return undefined;
      }
      if (err instanceof DeliverError) return Status[err.code];
      throw err;
    }
  }

  private async serveSeek(stream: DeliverStream, envelope: Envelope): Promise<void> {
    const addr = stream.remoteAddress;
    const seek = this.parse(envelope, addr);
    const metrics = this.opts.metrics;
    if (metrics !== undefined) return this.measured(metrics, stream, seek, envelope);
    return this.serveParsed(stream, seek, envelope);
  }

  /** A seek counted as Fabric counts it: received, each block sent, completed with its outcome. */
  private async measured(metrics: DeliverMetrics, stream: DeliverStream, seek: ParsedSeek, envelope: Envelope): Promise<void> {
    const { filtered, dataType } = deliverLabels(stream.kind);
    const labels = [seek.channelId, filtered, dataType];
    metrics.requestsReceived.with(...labels).add(1);
    const sent = metrics.blocksSent.with(...labels);
    const counted: DeliverStream = {
      requests: stream.requests,
      signal: stream.signal,
      remoteAddress: stream.remoteAddress,
      kind: stream.kind,
      sendStatus: (status) => stream.sendStatus(status),
      sendBlock: async (block, context) => {
        await stream.sendBlock(block, context);
        sent.add(1);
      },
    };
    let success = false;
    try {
      await this.serveParsed(counted, seek, envelope);
      success = true;
    } finally {
      metrics.requestsCompleted.with(...labels, String(success)).add(1);
    }
  }

  private async serveParsed(stream: DeliverStream, seek: ParsedSeek, envelope: Envelope): Promise<void> {
    const addr = stream.remoteAddress;
    const { channelId, seekInfo } = seek;
    const chain = this.opts.chains(channelId);
    if (chain === undefined) {
      // Debug only, as in Fabric: clients poll for channels that are still being created.
      this.logger.debug('deliverBlocks', `Rejecting deliver for ${addr} because channel ${channelId} not found`);
      throw new DeliverError('NOT_FOUND', `channel ${channelId} not found`);
    }
    const access = new SessionAccess({
      channelId,
      envelope,
      kind: stream.kind,
      authorize: this.opts.authorize,
      configSequence: this.opts.configSequence,
      expiresAt: this.expiresAt(seek.creator),
      now: this.now,
    });
    this.warnOn(() => {
      access.evaluate();
    }, (err) => `[channel: ${channelId}] Client ${addr} is not authorized: ${err}`);
    const { start, stop } = this.range(seek, chain, addr);
    const failIfNotReady = seekInfo.getBehavior() === SeekInfo.SeekBehavior.FAIL_IF_NOT_READY;
    const context: SeekContext = { channelId, envelope, creator: seek.creator };
    for (let number = start; ; number++) {
      if (failIfNotReady && number >= chain.height()) {
        this.logger.warn('deliverBlocks', `[channel: ${channelId}] Block ${number} not found, block number greater than chain length bounds`);
        throw new DeliverError('NOT_FOUND', `block ${number} not found`);
      }
      await this.waitFor({ chain, number, access, signal: stream.signal, channelId });
      const block = await this.read(chain, number, channelId);
      this.warnOn(() => {
        access.evaluate();
      }, (err) => `[channel: ${channelId}] Client authorization revoked for deliver request from ${addr}: ${err}`);
      this.logger.debug('deliverBlocks', `[channel: ${channelId}] Delivering block [${number}] for ${addr}`);
      await stream.sendBlock(block, context);
      if (number >= stop) break;
    }
    this.logger.debug('deliverBlocks', `[channel: ${channelId}] Done delivering to ${addr}`);
  }

  /** The envelope's channel, signer and SeekInfo; BAD_REQUEST when any of them cannot be read. */
  private parse(envelope: Envelope, addr: string): ParsedSeek {
    let channelHeader: InstanceType<typeof ChannelHeader>;
    let payload: InstanceType<typeof Payload>;
    let creator: Uint8Array;
    try {
      payload = Payload.deserializeBinary(envelope.getPayload_asU8());
      const header = payload.getHeader();
      if (header === undefined) throw new DeliverError('BAD_REQUEST', 'envelope has no header');
      channelHeader = ChannelHeader.deserializeBinary(header.getChannelHeader_asU8());
      creator = SignatureHeader.deserializeBinary(header.getSignatureHeader_asU8()).getCreator_asU8();
      this.checkChannelHeader(channelHeader);
    } catch (err) {
      this.logger.warn('deliverBlocks', `error parsing envelope from ${addr}: ${errorMessage(err)}`);
      throw err instanceof DeliverError ? err : new DeliverError('BAD_REQUEST', errorMessage(err), { cause: err });
    }
    const channelId = channelHeader.getChannelId();
    let seekInfo: SeekInfo;
    try {
      seekInfo = SeekInfo.deserializeBinary(payload.getData_asU8());
    } catch (err) {
      this.logger.warn('deliverBlocks', `[channel: ${channelId}] Received a signed deliver request from ${addr} with malformed seekInfo payload: ${errorMessage(err)}`);
      throw new DeliverError('BAD_REQUEST', `malformed seekInfo payload: ${errorMessage(err)}`, { cause: err });
    }
    return { channelId, creator, seekInfo };
  }

  private checkChannelHeader(channelHeader: InstanceType<typeof ChannelHeader>): void {
    if (channelHeader.getType() !== HeaderType.DELIVER_SEEK_INFO) {
      throw new DeliverError('BAD_REQUEST', `header type ${channelHeader.getType()} is not DELIVER_SEEK_INFO`);
    }
    const timestamp = channelHeader.getTimestamp();
    if (timestamp === undefined) throw new DeliverError('BAD_REQUEST', 'channel header in envelope must contain timestamp');
    const envTime = timestamp.getSeconds() * 1000 + Math.floor(timestamp.getNanos() / 1e6);
    const window = this.opts.timeWindowMs ?? DEFAULT_TIME_WINDOW_MS;
    const serverTime = this.now();
    if (Math.abs(serverTime - envTime) > window) {
      throw new DeliverError(
        'BAD_REQUEST',
        `envelope timestamp ${new Date(envTime).toISOString()} is more than ${window}ms apart from current server time ${new Date(serverTime).toISOString()}`,
      );
    }
  }

  /** The first and the last block the seek asks for (Infinity: no end). */
  private range(seek: ParsedSeek, chain: ChainReader, addr: string): { start: number; stop: number } {
    const startPosition = seek.seekInfo.getStart();
    const stopPosition = seek.seekInfo.getStop();
    const where = `[channel: ${seek.channelId}]`;
    if (startPosition === undefined || stopPosition === undefined) {
      this.logger.warn('deliverBlocks', `${where} Received seekInfo message from ${addr} with missing start or stop`);
      throw new DeliverError('BAD_REQUEST', 'seekInfo has no start or no stop');
    }
    const height = chain.height();
    const start = startNumber(startPosition, height);
    if (start === undefined) {
      this.logger.warn('deliverBlocks', `${where} Received seekInfo message from ${addr} with no start position`);
      throw new DeliverError('BAD_REQUEST', 'seekInfo start has no position');
    }
    if (start > height) {
      this.logger.warn('deliverBlocks', `${where} Error reading from channel, cause was: NOT_FOUND (start block ${start} is past the height ${height})`);
      throw new DeliverError('NOT_FOUND', `block ${start} is past the height ${height}`);
    }
    const stop = stopNumber(startPosition, stopPosition, start, height);
    if (stop === undefined) {
      this.logger.warn('deliverBlocks', `${where} Received seekInfo message from ${addr} with no stop position`);
      throw new DeliverError('BAD_REQUEST', 'seekInfo stop has no position');
    }
    if (stop < start) {
      this.logger.warn('deliverBlocks', `${where} Received invalid seekInfo message from ${addr}: start number ${start} greater than stop number ${stop}`);
      throw new DeliverError('BAD_REQUEST', `start number ${start} greater than stop number ${stop}`);
    }
    return { start, stop };
  }

  /** Waits until block `number` exists; the creator's certificate expiring meanwhile ends the session. */
  private async waitFor(w: { chain: ChainReader; number: number; access: SessionAccess; signal: AbortSignal; channelId: string }): Promise<void> {
    const { chain, number, access, signal } = w;
    while (number >= chain.height()) {
      const expiry = access.expiresAt;
      if (expiry === undefined) {
        await chain.waitForBlock(number, signal);
        return;
      }
      const delay = Math.min(Math.max(0, expiry.getTime() - this.now()) + 1, MAX_TIMER_MS);
      if (await waitOrTimeout(chain, number, signal, delay)) return;
      this.warnOn(() => {
        access.evaluate();
      }, (err) => `[channel: ${w.channelId}] Client authorization revoked while waiting for block ${number}: ${err}`);
    }
  }

  private async read(chain: ChainReader, number: number, channelId: string): Promise<Block> {
    try {
      return await chain.getBlockByNumber(number);
    } catch (err) {
      this.logger.warn('deliverBlocks', `[channel: ${channelId}] Error reading from channel, cause was: ${errorMessage(err)}`);
      throw new DeliverError('SERVICE_UNAVAILABLE', `block ${number} cannot be read: ${errorMessage(err)}`, { cause: err });
    }
  }

  private warnOn(check: () => void, message: (reason: string) => string): void {
    try {
      check();
    } catch (err) {
      this.logger.warn('deliverBlocks', message(errorMessage(err)));
      throw err;
    }
  }
}

function startNumber(position: SeekPosition, height: number): number | undefined {
  switch (position.getTypeCase()) {
    case SeekPosition.TypeCase.OLDEST:
      return 0;
    case SeekPosition.TypeCase.NEWEST:
      return Math.max(0, height - 1);
    case SeekPosition.TypeCase.SPECIFIED:
      return position.getSpecified()?.getNumber() ?? 0;
    case SeekPosition.TypeCase.NEXT_COMMIT:
      return height;
    default:
      return undefined;
  }
}

/**
 * The last block of the seek. Oldest stops at the start; Newest at the chain's last block (at
 * the start when the seek starts at Newest too, so that one block is sent, as in Fabric, and not
 * before the start); NextCommit never stops.
 */
function stopNumber(startPosition: SeekPosition, position: SeekPosition, start: number, height: number): number | undefined {
  switch (position.getTypeCase()) {
    case SeekPosition.TypeCase.OLDEST:
      return start;
    case SeekPosition.TypeCase.NEWEST:
      return startPosition.getTypeCase() === SeekPosition.TypeCase.NEWEST ? start : Math.max(start, height - 1);
    case SeekPosition.TypeCase.SPECIFIED:
      return position.getSpecified()?.getNumber() ?? 0;
    case SeekPosition.TypeCase.NEXT_COMMIT:
      return Infinity;
    default:
      return undefined;
  }
}

/** Waits for the block at most `delayMs`: true when it came, false when the time ran out first. */
async function waitOrTimeout(chain: ChainReader, number: number, signal: AbortSignal, delayMs: number): Promise<boolean> {
  signal.throwIfAborted();
  const inner = new AbortController();
  const onAbort = (): void => {
    inner.abort(signal.reason);
  };
  signal.addEventListener('abort', onAbort, { once: true });
  // No reason made up front: a wait per block delivered would pay for an error's stack trace each time.
  const timer = setTimeout(() => {
    inner.abort();
  }, delayMs);
  try {
    await chain.waitForBlock(number, inner.signal);
    return true;
  } catch (err) {
    // Aborted while the stream's own signal is not: the timer fired, the session expired.
    if (inner.signal.aborted && !signal.aborted) return false;
    throw err;
  } finally {
    clearTimeout(timer);
    signal.removeEventListener('abort', onAbort);
  }
}
