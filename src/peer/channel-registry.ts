import type { PeerLedger } from '../ledger/ledger.js';

/** The channels this peer is on, each with its ledger. */
export class ChannelRegistry {
  private readonly ledgers = new Map<string, PeerLedger>();

  add(ledger: PeerLedger): void {
    this.ledgers.set(ledger.channelId, ledger);
  }

  has(channelId: string): boolean {
    return this.ledgers.has(channelId);
  }

  getLedger(channelId: string): PeerLedger | undefined {
    return this.ledgers.get(channelId);
  }

  channelIds(): string[] {
    return [...this.ledgers.keys()].sort();
  }

  all(): PeerLedger[] {
    return [...this.ledgers.values()];
  }
}
