import type { ChannelBundle } from '../channel/channel-bundle.js';
import type { PeerLedger } from '../ledger/ledger.js';

/** The channels this peer is on, each with its ledger and the bundle of its newest config. */
export class ChannelRegistry {
  private readonly ledgers = new Map<string, PeerLedger>();
  private readonly bundles = new Map<string, ChannelBundle>();
  private readonly listeners: Array<() => void> = [];

  add(ledger: PeerLedger, bundle: ChannelBundle): void {
    this.ledgers.set(ledger.channelId, ledger);
    this.bundles.set(ledger.channelId, bundle);
    for (const listener of this.listeners) listener();
  }

  /** A config block was committed on the channel: its bundle is now this one. */
  updateBundle(channelId: string, bundle: ChannelBundle): void {
    if (!this.ledgers.has(channelId)) return;
    this.bundles.set(channelId, bundle);
    for (const listener of this.listeners) listener();
  }

  /** Calls `listener` after each channel is added or its config changes (a channel's organisations can change who the peer trusts). */
  onAdd(listener: () => void): void {
    this.listeners.push(listener);
  }

  allBundles(): ChannelBundle[] {
    return [...this.bundles.values()];
  }

  getBundle(channelId: string): ChannelBundle | undefined {
    return this.bundles.get(channelId);
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
