import type { BlockFileStore } from './block-file-store.js';
import type { DbKeys } from './db-keys.js';
import type { HistoryQueryExecutor, KeyModificationRecord, ResultsIterator } from './ledger.js';
import type { EntryIterator, LedgerDb } from './ledger-db.js';
import { LedgerError } from './ledger-error.js';
import { decodeLocation } from './ledger-records.js';
import { fromTxReadWriteSetBytes } from './rwset-codec.js';
import { parseTransaction } from './tx-envelope.js';

export interface HistoryQueryExecutorOptions {
  channelId: string;
  db: LedgerDb;
  keys: DbKeys;
  blocks: BlockFileStore;
}

/**
 * Key history as Fabric 2.x keeps it: the history index holds, per key, one entry per committing
 * transaction (ordered by block and tx number) pointing at the transaction in the block files; the
 * value, txid and timestamp are read from the transaction itself.
 */
export class HistoryQueryExecutorImpl implements HistoryQueryExecutor {
  constructor(private readonly opts: HistoryQueryExecutorOptions) {}

  async getHistoryForKey(namespace: string, key: string): Promise<ResultsIterator<KeyModificationRecord>> {
    const prefix = this.opts.keys.historyPrefix(namespace, key);
    // The entries' suffix is hex digits, all below '\x7f'.
    const it = this.opts.db.iterate({ gte: prefix, lt: `${prefix}\x7f`, reverse: true });
    return new HistoryIterator(it, namespace, key, this.opts);
  }
}

class HistoryIterator implements ResultsIterator<KeyModificationRecord> {
  private buffer: Array<[string, Uint8Array]> = [];
  private index = 0;
  private closed = false;

  constructor(
    private readonly it: EntryIterator,
    private readonly namespace: string,
    private readonly key: string,
    private readonly opts: HistoryQueryExecutorOptions,
  ) {}

  async next(): Promise<KeyModificationRecord | undefined> {
    if (this.closed) return undefined;
    if (this.index >= this.buffer.length) {
      this.buffer = await this.it.nextBatch(100);
      this.index = 0;
      if (this.buffer.length === 0) {
        this.close();
        return undefined;
      }
    }
    const [, raw] = this.buffer[this.index++] as [string, Uint8Array];
    const location = decodeLocation(raw);
    const envelope = await this.opts.blocks.read(location.fileNum, location.offset, location.length);
    return this.modification(envelope);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.it.close().catch(() => undefined);
  }

  async *[Symbol.asyncIterator](): AsyncIterator<KeyModificationRecord> {
    try {
      for (let m = await this.next(); m !== undefined; m = await this.next()) yield m;
    } finally {
      this.close();
    }
  }

  private modification(envelope: Uint8Array): KeyModificationRecord {
    const tx = parseTransaction(envelope, this.opts.channelId);
    const ns = tx.rwsetBytes === undefined ? undefined : fromTxReadWriteSetBytes(tx.rwsetBytes).find((n) => n.namespace === this.namespace);
    const write = ns?.writes.find((w) => w.key === this.key);
    if (write === undefined) {
      throw new LedgerError(
        'STORE_CORRUPTED',
        `history index of channel [${this.opts.channelId}] points at transaction [${tx.txId}] which does not write key [${this.key}]`,
      );
    }
    return { txId: tx.txId, value: write.value ?? new Uint8Array(0), timestamp: tx.timestamp, isDelete: write.isDelete };
  }
}
