import type { ChaincodeDefinition, ChaincodeDefinitionSource } from './definitions.js';

/**
 * Definitions read once per committed block: a definition changes only when a block commits, so
 * the committer's notice of each block (`invalidate`) is all the freshness a reader needs. For
 * the Gateway, which reads the invoked chaincode's endorsement policy on every transaction.
 */
export class CachedDefinitionSource implements ChaincodeDefinitionSource {
  private readonly cache = new Map<string, Map<string, Promise<ChaincodeDefinition | undefined>>>();

  constructor(private readonly source: ChaincodeDefinitionSource) {}

  definition(channelId: string, name: string): Promise<ChaincodeDefinition | undefined> {
    let channel = this.cache.get(channelId);
    if (channel === undefined) {
      channel = new Map();
      this.cache.set(channelId, channel);
    }
    let found = channel.get(name);
    if (found === undefined) {
      found = this.source.definition(channelId, name);
      channel.set(name, found);
      // A failed read is not kept: the next caller reads again.
      const entries = channel;
      found.catch(() => entries.delete(name));
    }
    return found;
  }

  /** A block was committed on the channel: what was read before may have changed. */
  invalidate(channelId: string): void {
    this.cache.delete(channelId);
  }
}
