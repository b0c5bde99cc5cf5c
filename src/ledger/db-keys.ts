/**
 * The key layout of the ledger database, shared by every channel. Each record kind has a one-letter
 * prefix, then the channel id; `\0` separates parts because channel ids and chaincode names cannot
 * contain it. State keys themselves may (composite keys start with it), so they always come last.
 */
export class DbKeys {
  private readonly ch: string;

  constructor(channelId: string) {
    this.ch = `${channelId}\x00`;
  }

  /** The committed block height, hashes and block files end, written with every block. */
  savepoint(): string {
    return `p\x00${this.ch}`;
  }

  block(blockNum: number): string {
    return `n\x00${this.ch}${hex(blockNum, 16)}`;
  }

  blockHash(hash: Uint8Array): string {
    return `b\x00${this.ch}${Buffer.from(hash).toString('hex')}`;
  }

  txId(txId: string): string {
    return `x\x00${this.ch}${txId}`;
  }

  state(namespace: string, key: string): string {
    return `s\x00${this.ch}${namespace}\x00${key}`;
  }

  /** Bounds of all state keys of a namespace: [start, end). */
  stateRange(namespace: string): { start: string; end: string } {
    return { start: `s\x00${this.ch}${namespace}\x00`, end: `s\x00${this.ch}${namespace}\x01` };
  }

  /**
   * One history entry. The key's length goes before it so that the entries of key "a" are never
   * mistaken for those of key "a\0..." (composite keys make such keys common).
   */
  history(namespace: string, key: string, blockNum: number, txNum: number): string {
    return `${this.historyPrefix(namespace, key)}${hex(blockNum, 16)}${hex(txNum, 8)}`;
  }

  historyPrefix(namespace: string, key: string): string {
    return `h\x00${this.ch}${namespace}\x00${hex(key.length, 8)}${key}`;
  }

  /** A state index this channel keeps (a chaincode's CouchDB index): its fields. */
  stateIndex(namespace: string, indexId: string): string {
    return `i\x00${this.ch}${namespace}\x00${indexId}`;
  }

  /** Every state index of the channel. */
  stateIndexRange(): { gte: string; lt: string } {
    return { gte: `i\x00${this.ch}`, lt: `i\x00${this.ch.slice(0, -1)}\x01` };
  }

  /** Where a state index's entries start: each entry is this, the encoded field values, then the state key. */
  stateIndexEntries(namespace: string, indexId: string): string {
    return `j\x00${this.ch}${namespace}\x00${indexId}\x00`;
  }

  /** A transaction's private writes, waiting in the transient store for its block. */
  transient(txId: string): string {
    return `t\x00${this.ch}${txId}`;
  }

  transientRange(): { gte: string; lt: string } {
    return { gte: `t\x00${this.ch}`, lt: `t\x00${this.ch.slice(0, -1)}\x01` };
  }

  /** A private (or hashed) state key to purge at `blockNum`, its collection's blockToLive after its write. */
  expiry(blockNum: number, namespace: string, key: string): string {
    return `e\x00${this.ch}${hex(blockNum, 16)}${namespace}\x00${key}`;
  }

  /** Every expiry entry of the channel, the earliest due first. */
  expiryRange(): { gte: string; lt: string } {
    return { gte: `e\x00${this.ch}`, lt: `e\x00${this.ch.slice(0, -1)}\x01` };
  }

  parseExpiry(dbKey: string): { blockNum: number; namespace: string; key: string } {
    const rest = dbKey.slice(2 + this.ch.length);
    const sep = rest.indexOf('\x00', 16);
    return { blockNum: Number.parseInt(rest.slice(0, 16), 16), namespace: rest.slice(16, sep), key: rest.slice(sep + 1) };
  }
}

function hex(value: number, width: number): string {
  return value.toString(16).padStart(width, '0');
}
