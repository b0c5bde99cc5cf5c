import type { Envelope } from '../ledger/protos.js';

/** The channel's BatchSize (its config's /Channel/Orderer/BatchSize), read afresh for each message. */
export interface BatchSizeSource {
  batchSize(): { maxMessageCount: number; preferredMaxBytes: number };
}

/** What ordering one message produced: batches to cut into blocks now, and whether a batch is still open. */
export interface Ordered {
  batches: Envelope[][];
  pending: boolean;
}

/** A message's size as the block cutter and the size filter count it: payload plus signature. */
export function messageSize(envelope: Envelope): number {
  return envelope.getPayload_asU8().length + envelope.getSignature_asU8().length;
}

/**
 * Groups ordered messages into batches as Fabric's blockcutter does: a batch is cut when it reaches
 * MaxMessageCount, or before a message that would take it past PreferredMaxBytes; a message larger
 * than PreferredMaxBytes goes alone in its own batch. The batch timeout is the caller's (it owns
 * the timer): it calls cut() when the timer fires.
 */
export class BlockCutter {
  private pendingBatch: Envelope[] = [];
  private pendingBytes = 0;

  constructor(private readonly source: BatchSizeSource) {}

  ordered(envelope: Envelope): Ordered {
    const { maxMessageCount, preferredMaxBytes } = this.source.batchSize();
    const size = messageSize(envelope);
    const batches: Envelope[][] = [];
    if (size > preferredMaxBytes) {
      if (this.pendingBatch.length > 0) batches.push(this.cut());
      batches.push([envelope]);
      return { batches, pending: false };
    }
    if (this.pendingBytes + size > preferredMaxBytes) batches.push(this.cut());
    this.pendingBatch.push(envelope);
    this.pendingBytes += size;
    if (this.pendingBatch.length >= maxMessageCount) {
      batches.push(this.cut());
      return { batches, pending: false };
    }
    return { batches, pending: true };
  }

  /** The open batch (possibly empty), closed. */
  cut(): Envelope[] {
    const batch = this.pendingBatch;
    this.pendingBatch = [];
    this.pendingBytes = 0;
    return batch;
  }

  get pendingCount(): number {
    return this.pendingBatch.length;
  }
}
