import type { CollectionAccess } from '../chaincode/handler.js';
import type { QueryExecutor } from '../ledger/index.js';
import type { StaticCollectionSource } from '../scc/lscc/collection-config.js';

export interface LsccCollectionAccessOptions {
  store: StaticCollectionSource;
  ledgers: { getLedger(channelId: string): { newQueryExecutor(): Promise<QueryExecutor> } | undefined };
}

/**
 * memberOnlyRead / memberOnlyWrite of each collection, from the configuration lscc committed:
 * a client of an organisation outside the collection's member policy is refused.
 */
export class LsccCollectionAccess implements CollectionAccess {
  constructor(private readonly opts: LsccCollectionAccessOptions) {}

  async permissions(channelId: string, namespace: string, collection: string, mspId: string): Promise<{ read: boolean; write: boolean }> {
    const ledger = this.opts.ledgers.getLedger(channelId);
    if (ledger === undefined) return { read: true, write: true };
    const qe = await ledger.newQueryExecutor();
    try {
      const found = (await this.opts.store.staticCollections(namespace, (ns, key) => qe.getState(ns, key)))?.get(collection);
      if (found === undefined) return { read: true, write: true };
      const member = found.memberOrgs.includes(mspId);
      return { read: member || !found.memberOnlyRead, write: member || !found.memberOnlyWrite };
    } finally {
      qe.done();
    }
  }
}
