import { errorMessage, WeftError } from '../common/errors/weft-error.js';
import type { Logger } from '../common/logging/logging.js';
import { Payload, type Block, type BlockchainInfo, type Envelope } from '../common/protos/common.js';
import { ChannelHeader, Header, HeaderType } from '../common/protos/proposal.js';
import { validationCodeName } from '../common/protos/orderer.js';

export class OrdererError extends WeftError<'BAD_REQUEST' | 'FORBIDDEN' | 'NOT_FOUND' | 'COMMIT_FAILED'> {
  /** The Broadcast status Fabric answers this refusal with. */
  get status(): number {
    return STATUS[this.code];
  }
}

const STATUS: Record<OrdererError['code'], number> = { BAD_REQUEST: 400, FORBIDDEN: 403, NOT_FOUND: 404, COMMIT_FAILED: 500 };

/** A channel's ledger, as ordering needs it: where the chain ends, and committing the next block. */
export interface OrderedLedger {
  getBlockchainInfo(): Promise<BlockchainInfo>;
  commit(block: Block): Promise<number[]>;
}

export interface SoloOrdererOptions {
  ledgers: { getLedger(channelId: string): OrderedLedger | undefined };
  /** Builds the next block of a chain from envelopes. */
  newBlock(opts: { number: number; previousHash: Uint8Array; envelopes: Envelope[] }): Block;
  /**
   * Throws (an OrdererError FORBIDDEN) when the envelope's signer may not write to the channel:
   * its signature and the channel's /Channel/Writers policy, as Fabric's orderer checks them.
   */
  authorize(channelId: string, envelope: Envelope): void;
  /** Most envelopes in one block (Fabric's BatchSize.MaxMessageCount). */
  maxMessageCount?: number;
  logger: Logger;
}

/** What became of one broadcast transaction. */
export interface Ordered {
  blockNumber: number;
  /** Fabric's validation code name: VALID, MVCC_READ_CONFLICT, ... */
  validationCode: string;
}

interface Pending {
  envelope: Envelope;
  resolve(result: Ordered): void;
  reject(err: Error): void;
}

/**
 * The embedded ordering service of a one-machine network (Fabric's solo orderer): orders the
 * transactions broadcast to a channel into blocks, one block at a time per channel, and hands
 * each block to the channel's ledger. A broadcast settles once its block is committed.
 */
export class SoloOrderer {
  private readonly queues = new Map<string, Pending[]>();
  private readonly cutting = new Set<string>();

  constructor(private readonly opts: SoloOrdererOptions) {}

  broadcast(envelope: Envelope): Promise<Ordered> {
    let channelId: string;
    try {
      channelId = this.check(envelope);
    } catch (err) {
      return Promise.reject(err instanceof Error ? err : new Error(String(err)));
    }
    return new Promise<Ordered>((resolve, reject) => {
      let queue = this.queues.get(channelId);
      if (queue === undefined) {
        queue = [];
        this.queues.set(channelId, queue);
      }
      queue.push({ envelope, resolve, reject });
      if (!this.cutting.has(channelId)) void this.cut(channelId);
    });
  }

  /** The channel of an endorser transaction envelope; anything else is refused. */
  private check(envelope: Envelope): string {
    let header: ChannelHeader;
    try {
      const payload = Payload.deserializeBinary(envelope.getPayload_asU8());
      header = ChannelHeader.deserializeBinary(Header.deserializeBinary(payload.getHeader()?.serializeBinary() ?? new Uint8Array()).getChannelHeader_asU8());
    } catch (err) {
      throw new OrdererError('BAD_REQUEST', `the envelope cannot be read: ${errorMessage(err)}`);
    }
    if (header.getType() !== HeaderType.ENDORSER_TRANSACTION) {
      throw new OrdererError('BAD_REQUEST', `the embedded orderer orders endorser transactions only, not header type ${header.getType()}`);
    }
    const channelId = header.getChannelId();
    if (this.opts.ledgers.getLedger(channelId) === undefined) throw new OrdererError('NOT_FOUND', `channel ${channelId} not found`);
    this.opts.authorize(channelId, envelope);
    return channelId;
  }

  /** Cuts blocks from the channel's queue until it is empty; what arrives meanwhile goes in the next block. */
  private async cut(channelId: string): Promise<void> {
    this.cutting.add(channelId);
    const max = this.opts.maxMessageCount ?? 500;
    try {
      for (let queue = this.queues.get(channelId); queue !== undefined && queue.length > 0; queue = this.queues.get(channelId)) {
        const batch = queue.splice(0, max);
        try {
          const ledger = this.opts.ledgers.getLedger(channelId);
          if (ledger === undefined) throw new OrdererError('NOT_FOUND', `channel ${channelId} not found`);
          const info = await ledger.getBlockchainInfo();
          const number = info.getHeight();
          const block = this.opts.newBlock({ number, previousHash: info.getCurrentblockhash_asU8(), envelopes: batch.map((p) => p.envelope) });
          const codes = await ledger.commit(block);
          this.opts.logger.info('cut', `[channel: ${channelId}] Committed block [${number}] with ${batch.length} transaction(s)`);
          batch.forEach((p, i) => p.resolve({ blockNumber: number, validationCode: validationCodeName(codes[i] ?? 255) }));
        } catch (err) {
          const failure = err instanceof OrdererError ? err : new OrdererError('COMMIT_FAILED', `committing a block on channel ${channelId} failed: ${errorMessage(err)}`, { cause: err });
          this.opts.logger.error('cut', failure.message);
          for (const p of batch) p.reject(failure);
        }
      }
    } finally {
      this.cutting.delete(channelId);
    }
  }
}
