/** What the live page shows, as GET /status returns it. */
export interface LiveStatus {
  peer: { id: string; mspId: string; version: string };
  channels: Array<{ id: string; height: number }>;
  chaincodes: Array<{ name: string; containerType: string; state: string; sent: number; received: number }>;
  transactions: RecentTransaction[];
  /** Whether chaincode conversations are recorded (chaincode.trace): the page links to them then. */
  tracing: boolean;
}

export interface RecentTransaction {
  channel: string;
  block: number;
  txid: string;
  /** The validation code's name (VALID, MVCC_READ_CONFLICT, ...). */
  code: string;
  /** When the peer committed it, ms since the epoch. */
  committedAt: number;
}

/** The latest committed transactions of all channels, newest first, in a bounded list. */
export class RecentTransactions {
  private readonly latest: RecentTransaction[] = [];

  constructor(private readonly size = 50) {}

  add(tx: RecentTransaction): void {
    this.latest.unshift(tx);
    if (this.latest.length > this.size) this.latest.length = this.size;
  }

  list(): RecentTransaction[] {
    return [...this.latest];
  }
}
