import { byKey, compareKeys, isWellFormedKey } from './key-order.js';
import type {
  CollectionRwSet,
  KeyMetadataWrite,
  KeyRead,
  KeyWrite,
  NamespaceRwSet,
  RangeQuery,
  TxSimulationResults,
  TxSimulator,
  Version,
} from './ledger.js';
import { LedgerError } from './ledger-error.js';
import { QueryExecutorImpl } from './query-executor-impl.js';
import { toTxRwSetBytes } from './rwset-codec.js';

interface NamespaceSets {
  reads: Map<string, KeyRead>;
  rangeQueries: RangeQuery[];
  writes: Map<string, KeyWrite>;
  metadataWrites: Map<string, KeyMetadataWrite>;
  /** Made at the namespace's first private data call: most transactions have none. */
  collections: Map<string, CollectionSets> | undefined;
}

interface CollectionSets {
  reads: Map<string, KeyRead>;
  writes: Map<string, KeyWrite & { isPurge: boolean }>;
  metadataWrites: Map<string, KeyMetadataWrite>;
}

/**
 * A transaction simulator: reads go to committed state and are recorded with the version seen;
 * writes are kept aside. As in Fabric, a read after a write still sees committed state, and a
 * transaction may either write or run paginated queries, not both (a page of a scan cannot be
 * re-checked for phantoms at commit). Likewise a range scan of private data is allowed in a
 * read-only transaction only.
 */
export class TxSimulatorImpl extends QueryExecutorImpl implements TxSimulator {
  private readonly sets = new Map<string, NamespaceSets>();
  private writePerformed = false;
  private paginatedQueryPerformed = false;
  private privateDataQueryPerformed = false;

  get txId(): string {
    return this.opts.txId;
  }

  setState(namespace: string, key: string, value: Uint8Array): void {
    this.checkWrite(key, value);
    this.namespace(namespace).writes.set(key, { key, value, isDelete: false });
  }

  deleteState(namespace: string, key: string): void {
    this.checkWrite(key);
    this.namespace(namespace).writes.set(key, { key, value: undefined, isDelete: true });
  }

  setStateMetadata(namespace: string, key: string, metadata: Map<string, Uint8Array>): void {
    this.checkWrite(key);
    const entries = [...metadata].map(([name, value]) => ({ name, value })).sort((a, b) => compareKeys(a.name, b.name));
    this.namespace(namespace).metadataWrites.set(key, { key, entries });
  }

  deleteStateMetadata(namespace: string, key: string): void {
    this.setStateMetadata(namespace, key, new Map());
  }

  async setPrivateData(namespace: string, collection: string, key: string, value: Uint8Array): Promise<void> {
    await this.checkCollection(namespace, collection);
    this.checkWrite(key, value);
    this.collection(namespace, collection).writes.set(key, { key, value, isDelete: false, isPurge: false });
  }

  async deletePrivateData(namespace: string, collection: string, key: string): Promise<void> {
    await this.checkCollection(namespace, collection);
    this.checkWrite(key);
    this.collection(namespace, collection).writes.set(key, { key, value: undefined, isDelete: true, isPurge: false });
  }

  async purgePrivateData(namespace: string, collection: string, key: string): Promise<void> {
    await this.checkCollection(namespace, collection);
    this.checkWrite(key);
    this.collection(namespace, collection).writes.set(key, { key, value: undefined, isDelete: true, isPurge: true });
  }

  async setPrivateDataMetadata(namespace: string, collection: string, key: string, metadata: Map<string, Uint8Array>): Promise<void> {
    await this.checkCollection(namespace, collection);
    this.checkWrite(key);
    const entries = [...metadata].map(([name, value]) => ({ name, value })).sort((a, b) => compareKeys(a.name, b.name));
    this.collection(namespace, collection).metadataWrites.set(key, { key, entries });
  }

  getTxSimulationResults(): TxSimulationResults {
    // Ends the simulation first: open scans are closed, so their range records are final.
    this.done();
    const namespaces: NamespaceRwSet[] = [];
    for (const namespace of [...this.sets.keys()].sort(compareKeys)) {
      const sets = this.sets.get(namespace) as NamespaceSets;
      const ns: NamespaceRwSet = {
        namespace,
        reads: [...sets.reads.values()].sort(byKey),
        rangeQueries: sets.rangeQueries,
        writes: [...sets.writes.values()].sort(byKey),
        metadataWrites: [...sets.metadataWrites.values()].sort(byKey),
      };
      const collections = sets.collections;
      if (collections !== undefined) {
        ns.collections = [...collections.keys()].sort(compareKeys).map((collection): CollectionRwSet => {
          const c = collections.get(collection) as CollectionSets;
          return {
            collection,
            reads: [...c.reads.values()].sort(byKey),
            writes: [...c.writes.values()].sort(byKey),
            metadataWrites: [...c.metadataWrites.values()].sort(byKey),
          };
        });
      }
      namespaces.push(ns);
    }
    const { pub, pvt } = toTxRwSetBytes(namespaces);
    return { txId: this.txId, namespaces, pubSimulationBytes: pub, pvtSimulationBytes: pvt };
  }

  protected override recordRead(namespace: string, key: string, version: Version | undefined): void {
    const reads = this.namespace(namespace).reads;
    if (!reads.has(key)) reads.set(key, { key, version });
  }

  protected override recordPrivateRead(namespace: string, collection: string, key: string, version: Version | undefined): void {
    const reads = this.collection(namespace, collection).reads;
    if (!reads.has(key)) reads.set(key, { key, version });
  }

  protected override beforePrivateDataQuery(): void {
    if (this.writePerformed) {
      throw new LedgerError(
        'PVT_QUERY_AND_WRITES',
        `txid [${this.txId}]: Transaction has already performed write(s). Queries on private data are allowed in a read-only transaction only`,
      );
    }
    this.privateDataQueryPerformed = true;
  }

  protected override recordRangeQuery(namespace: string, startKey: string, endKey: string): RangeQuery {
    const record: RangeQuery = { startKey, endKey, itrExhausted: false, reads: [] };
    this.namespace(namespace).rangeQueries.push(record);
    return record;
  }

  protected override beforePaginatedQuery(): void {
    if (this.writePerformed) {
      throw new LedgerError(
        'PAGINATED_QUERY_AND_WRITES',
        `txid [${this.txId}]: Transaction has already performed write(s). Paginated queries are not allowed`,
      );
    }
    this.paginatedQueryPerformed = true;
  }

  private checkWrite(key: string, value?: Uint8Array): void {
    this.checkOpen();
    if (this.privateDataQueryPerformed) {
      throw new LedgerError(
        'PVT_QUERY_AND_WRITES',
        `txid [${this.txId}]: Transaction has already performed queries on private data. Writes are not allowed`,
      );
    }
    if (this.paginatedQueryPerformed) {
      throw new LedgerError(
        'PAGINATED_QUERY_AND_WRITES',
        `txid [${this.txId}]: Transaction has already performed a paginated query. Writes are not allowed`,
      );
    }
    if (!isWellFormedKey(key)) {
      throw new LedgerError('INVALID_KEY', `invalid key [${Buffer.from(key).toString('hex')}], must be a UTF-8 string`);
    }
    // The state database's own rules (CouchDB's: no key or top-level field starting with "_").
    this.opts.state.validateKeyValue?.(key, value);
    this.writePerformed = true;
  }

  private namespace(namespace: string): NamespaceSets {
    let sets = this.sets.get(namespace);
    if (sets === undefined) {
      sets = { reads: new Map(), rangeQueries: [], writes: new Map(), metadataWrites: new Map(), collections: undefined };
      this.sets.set(namespace, sets);
    }
    return sets;
  }

  private collection(namespace: string, collection: string): CollectionSets {
    const collections = (this.namespace(namespace).collections ??= new Map<string, CollectionSets>());
    let sets = collections.get(collection);
    if (sets === undefined) {
      sets = { reads: new Map(), writes: new Map(), metadataWrites: new Map() };
      collections.set(collection, sets);
    }
    return sets;
  }
}
