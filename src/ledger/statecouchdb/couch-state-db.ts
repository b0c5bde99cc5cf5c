import type { Logger } from '../../common/logging/logging.js';
import type { StateIterator } from '../ledger.js';
import type { BatchOp, EntryIterator } from '../ledger-db.js';
import { LedgerError } from '../ledger-error.js';
import { encodeVersionedValue, type VersionedValue } from '../ledger-records.js';
import type { IndexDefinition } from '../rich-query/index-definition.js';
import { StateRangeCursor } from '../state-db.js';
import type { StateUpdates } from '../state-updates.js';
import type { RichQueryRequest, VersionedDb } from '../versioned-db.js';
import { fromCouchDoc, toCouchDoc, validateKeyValue, type CouchDoc } from './couch-doc.js';
import { metadataDbName, namespaceDbName } from './couch-db-names.js';
import { CouchQueryIterator } from './couch-query-iterator.js';
import { segment, type CouchDbClient } from './couchdb-client.js';
import { CouchDbError } from './couchdb-error.js';

export interface CouchStateDbOptions {
  client: CouchDbClient;
  channelId: string;
  /** Documents read per round trip (`internalQueryLimit`, Fabric: 1000). */
  internalQueryLimit: number;
  /** Documents written per `_bulk_docs` request (`maxBatchUpdateSize`, Fabric: 1000). */
  maxBatchUpdateSize: number;
  logger?: Logger | undefined;
}

/** `_all_docs` and `_bulk_docs` rows, as far as they are read here. */
interface AllDocsRow {
  key: string;
  id?: string;
  error?: string;
  value?: { rev: string; deleted?: boolean };
  doc?: Record<string, unknown> | null;
}
interface BulkDocsResult {
  id: string;
  rev?: string;
  error?: string;
  reason?: string;
}

const SAVEPOINT_ID = 'statedb_savepoint';
const CHANNEL_METADATA_ID = 'channel_metadata';
/** Attempts at a document `_bulk_docs` refused with a conflict (another writer changed its revision). */
const CONFLICT_RETRIES = 3;

/**
 * A channel's world state in CouchDB, as a Fabric peer keeps it: one database per namespace
 * (`<channel>_<chaincode>`, private collections in `...$$p<collection>` and `...$$h<collection>`),
 * one document per key (`~version` beside the value's fields, or the value as an attachment), and
 * the savepoint in the channel's `<channel>_` database. Rich queries are CouchDB's own `_find`.
 */
export class CouchStateDb implements VersionedDb {
  readonly external = true;
  /** Databases known to exist. */
  private readonly existing = new Set<string>();
  /** The namespace databases this run wrote to, listed in `channel_metadata`. */
  private readonly listed = new Map<string, string>();
  private listing: Promise<void> = Promise.resolve();
  /** Indexes created (or being created), by database and design document/name. */
  private readonly indexes = new Map<string, Promise<void>>();

  /** The savepoint document's current revision, which its next write must name. */
  private savepointRev: string | undefined;

  private constructor(private readonly opts: CouchStateDbOptions) {}

  /**
   * Opens the channel's state in CouchDB. Its savepoint may be one block ahead of the ledger (the
   * process died between the two writes; the block is applied again), never behind it.
   */
  static async open(opts: CouchStateDbOptions, height: number): Promise<CouchStateDb> {
    const metadataDb = metadataDbName(opts.channelId);
    const state = new CouchStateDb(opts);
    await state.ensureDb(metadataDb);
    const found = await opts.client.request<{ _rev?: string; BlockNum?: number; TxNum?: number }>({
      method: 'GET',
      path: `/${segment(metadataDb)}/${SAVEPOINT_ID}`,
      accept: [404],
    });
    const saved = found.status === 404 ? 0 : (found.body.BlockNum ?? -1) + 1;
    state.savepointRev = found.status === 404 ? undefined : found.body._rev;
    if (saved < height) {
      throw new LedgerError(
        'STORE_CORRUPTED',
        `the CouchDB state database at ${opts.client.url} holds channel [${opts.channelId}] up to block ${saved - 1}, but its ledger holds ${height} blocks: point the peer at the CouchDB it used, or start from an empty peer.fileSystemPath`,
      );
    }
    // More than the one block a crash can leave ahead: the state of another ledger of that name.
    if (saved > height + 1) {
      throw new LedgerError(
        'STORE_CORRUPTED',
        `the CouchDB state database at ${opts.client.url} holds channel [${opts.channelId}] up to block ${saved - 1}, ahead of its ledger, which holds ${height} blocks: it is the state of another peer or an earlier ledger; drop that channel's databases or use another CouchDB`,
      );
    }
    return state;
  }

  async get(namespace: string, key: string): Promise<VersionedValue | undefined> {
    const db = namespaceDbName(this.opts.channelId, namespace);
    const res = await this.opts.client.request<Record<string, unknown>>({
      method: 'GET',
      path: `/${segment(db)}/${segment(docId(namespace, key))}`,
      query: { attachments: true },
      accept: [404],
    });
    return res.status === 404 ? undefined : fromCouchDoc(res.body);
  }

  async getMany(entries: ReadonlyArray<{ namespace: string; key: string }>): Promise<Array<VersionedValue | undefined>> {
    const out = new Array<VersionedValue | undefined>(entries.length);
    const byNamespace = new Map<string, number[]>();
    entries.forEach((e, i) => {
      const at = byNamespace.get(e.namespace);
      if (at === undefined) byNamespace.set(e.namespace, [i]);
      else at.push(i);
    });
    await Promise.all(
      [...byNamespace].map(async ([namespace, at]) => {
        const rows = await this.docs(namespaceDbName(this.opts.channelId, namespace), at.map((i) => docId(namespace, (entries[i] as { key: string }).key)), true);
        rows.forEach((row, n) => {
          out[at[n] as number] = row?.doc === undefined || row.doc === null ? undefined : fromCouchDoc(row.doc);
        });
      }),
    );
    return out;
  }

  validateKeyValue(key: string, value: Uint8Array | undefined): void {
    validateKeyValue(key, value);
  }

  range(namespace: string, startKey: string, endKey: string, includeEnd = false): StateRangeCursor {
    const db = namespaceDbName(this.opts.channelId, namespace);
    return new StateRangeCursor(new CouchRangeEntries(this.opts.client, db, startKey, endKey, includeEnd), 0);
  }

  async executeQuery(request: RichQueryRequest): Promise<StateIterator> {
    const db = namespaceDbName(this.opts.channelId, request.stateNamespace);
    await this.ensureIndexes(db, request.indexes);
    return CouchQueryIterator.open({
      client: this.opts.client,
      db,
      namespace: request.namespace,
      query: request.query,
      limit: request.limit,
      batchSize: this.opts.internalQueryLimit,
      bookmark: request.bookmark,
      record: request.record,
      logger: this.opts.logger,
    });
  }

  /**
   * Writes a block's updates, each namespace's in `_bulk_docs` batches, then the savepoint. A
   * document's current revision is read first: CouchDB takes an update only against it.
   */
  async commitUpdates(updates: StateUpdates, height: number): Promise<BatchOp[]> {
    await Promise.all([...updates.namespaces()].map((namespace) => this.commitNamespace(namespace, updates)));
    // Fabric's savepoint height: the block, and the highest transaction number that wrote in it.
    let txNum = 0;
    for (const [, , update] of updates.entries()) txNum = Math.max(txNum, update.version.txNum);
    await this.writeSavepoint(height, txNum);
    return [];
  }

  private async commitNamespace(namespace: string, updates: StateUpdates): Promise<void> {
    const db = await this.namespaceDb(namespace);
    const entries = [...updates.of(namespace)];
    for (let at = 0; at < entries.length; at += this.opts.maxBatchUpdateSize) {
      let batch = entries.slice(at, at + this.opts.maxBatchUpdateSize);
      for (let attempt = 0; batch.length > 0; attempt++) {
        const rows = await this.docs(db, batch.map(([key]) => docId(namespace, key)), false);
        const docs: CouchDoc[] = [];
        batch.forEach(([key, update], i) => {
          const current = rows[i]?.value;
          const rev = current === undefined || current.deleted === true ? undefined : current.rev;
          // Deleting a key CouchDB does not hold is nothing to write.
          if (update.value === undefined && rev === undefined) return;
          docs.push(toCouchDoc(docId(namespace, key), update.value === undefined ? undefined : { value: update.value, version: update.version, metadata: update.metadata }, current?.rev));
        });
        if (docs.length === 0) break;
        const res = await this.opts.client.request<BulkDocsResult[]>({ method: 'POST', path: `/${segment(db)}/_bulk_docs`, body: { docs } });
        const failed = new Set(res.body.filter((r) => r.error !== undefined).map((r) => r.id));
        if (failed.size === 0) break;
        const first = res.body.find((r) => r.error !== undefined) as BulkDocsResult;
        if (attempt + 1 >= CONFLICT_RETRIES || first.error !== 'conflict') {
          throw new CouchDbError(
            'COUCHDB_REQUEST_FAILED',
            `error saving document [${first.id}] in CouchDB database [${db}]: ${first.error ?? ''}: ${first.reason ?? ''}`,
            409,
            first.error ?? '',
          );
        }
        batch = batch.filter(([key]) => failed.has(docId(namespace, key)));
      }
    }
  }

  private async writeSavepoint(height: number, txNum: number): Promise<void> {
    const db = metadataDbName(this.opts.channelId);
    const doc: CouchDoc = { _id: SAVEPOINT_ID, BlockNum: height - 1, TxNum: txNum };
    for (let attempt = 0; ; attempt++) {
      if (this.savepointRev !== undefined) doc._rev = this.savepointRev;
      const res = await this.opts.client.request<{ rev?: string }>({ method: 'PUT', path: `/${segment(db)}/${SAVEPOINT_ID}`, body: doc, accept: [409] });
      if (res.status !== 409) {
        this.savepointRev = res.body.rev;
        return;
      }
      // Written by an earlier run whose revision this one did not see: read it and write again.
      if (attempt >= 1) throw new CouchDbError('COUCHDB_REQUEST_FAILED', `cannot write the savepoint of channel [${this.opts.channelId}] to CouchDB database [${db}]: conflict`, 409, 'conflict');
      const current = await this.opts.client.request<{ _rev?: string }>({ method: 'GET', path: `/${segment(db)}/${SAVEPOINT_ID}`, accept: [404] });
      this.savepointRev = current.status === 404 ? undefined : current.body._rev;
    }
  }

  /** `_all_docs` rows for the keys, in their order; with `includeDocs`, each document with its attachments. */
  private async docs(db: string, keys: string[], includeDocs: boolean): Promise<Array<AllDocsRow | undefined>> {
    if (keys.length === 0) return [];
    const res = await this.opts.client.request<{ rows?: AllDocsRow[]; error?: string }>({
      method: 'POST',
      path: `/${segment(db)}/_all_docs`,
      query: includeDocs ? { include_docs: true, attachments: true } : undefined,
      body: { keys },
      accept: [404],
    });
    // A database not yet created holds no key.
    if (res.status === 404) return keys.map(() => undefined);
    return (res.body.rows ?? []).map((row) => (row.error !== undefined ? undefined : row));
  }

  /**
   * The namespace's database, created at its first write and listed in the channel's
   * `channel_metadata` document, as Fabric lists every database a channel uses.
   */
  private async namespaceDb(namespace: string): Promise<string> {
    const db = namespaceDbName(this.opts.channelId, namespace);
    if (this.listed.has(namespace)) return db;
    await this.ensureDb(db);
    this.listed.set(namespace, db);
    // One write of the document at a time; a failed one does not stop the next.
    const writing = this.listing.then(() => this.writeChannelMetadata());
    this.listing = writing.catch(() => undefined);
    await writing;
    return db;
  }

  private async writeChannelMetadata(): Promise<void> {
    const db = metadataDbName(this.opts.channelId);
    const path = `/${segment(db)}/${CHANNEL_METADATA_ID}`;
    const current = await this.opts.client.request<{ _rev?: string; NamespaceDBsInfo?: Record<string, { Namespace: string; DBName: string }> }>({ method: 'GET', path, accept: [404] });
    const info = current.status === 404 ? {} : (current.body.NamespaceDBsInfo ?? {});
    for (const [namespace, name] of this.listed) info[namespace] = { Namespace: namespace, DBName: name };
    const doc: CouchDoc = { _id: CHANNEL_METADATA_ID, ChannelName: this.opts.channelId, NamespaceDBsInfo: info };
    if (current.status !== 404 && current.body._rev !== undefined) doc._rev = current.body._rev;
    await this.opts.client.request({ method: 'PUT', path, body: doc });
  }

  private async ensureDb(db: string): Promise<void> {
    if (this.existing.has(db)) return;
    // 412: created meanwhile (by this peer's other channel work, or another run).
    await this.opts.client.request({ method: 'PUT', path: `/${segment(db)}`, accept: [412] });
    this.existing.add(db);
  }

  async createIndexes(namespace: string, indexes: readonly IndexDefinition[]): Promise<void> {
    await this.ensureIndexes(namespaceDbName(this.opts.channelId, namespace), indexes);
  }

  /** Creates the package's indexes in the database, once (a query that finds them missing creates them too). */
  private async ensureIndexes(db: string, indexes: readonly IndexDefinition[]): Promise<void> {
    await Promise.all(
      indexes.map((index) => {
        const id = `${db}\x00${index.ddoc}\x00${index.name}\x00${index.fields.join('\x00')}`;
        let created = this.indexes.get(id);
        if (created === undefined) {
          created = this.createIndex(db, index);
          this.indexes.set(id, created);
          created.catch(() => this.indexes.delete(id));
        }
        return created;
      }),
    );
  }

  private async createIndex(db: string, index: IndexDefinition): Promise<void> {
    await this.ensureDb(db);
    const res = await this.opts.client.request<{ result?: string }>({
      method: 'POST',
      path: `/${segment(db)}/_index`,
      // As the package declares it, as Fabric sends it.
      body: index.definition ?? { index: { fields: index.fields }, ddoc: index.ddoc, name: index.name, type: 'json' },
    });
    const verb = res.body.result === 'exists' ? 'Updated' : 'Created';
    this.opts.logger?.info('createIndex', `${verb} CouchDB index [${index.name}] in state database [${db}] using design document [_design/${index.ddoc}]`);
  }
}

/**
 * A key range of one database from `_all_docs`, as LevelDB entries: each batch asks for one row
 * more than it returns, whose key starts the next batch. Design documents (ids starting with `_`,
 * which no state key may) are passed over.
 */
class CouchRangeEntries implements EntryIterator {
  private next: string | undefined;

  constructor(
    private readonly client: CouchDbClient,
    private readonly db: string,
    start: string,
    private readonly end: string,
    private readonly includeEnd: boolean,
  ) {
    this.next = start;
  }

  async nextBatch(size: number): Promise<Array<[string, Uint8Array]>> {
    if (this.next === undefined) return [];
    const query: Record<string, string | number | boolean> = { include_docs: true, attachments: true, limit: size + 1, startkey: JSON.stringify(this.next) };
    if (this.end !== '') {
      query['endkey'] = JSON.stringify(this.end);
      query['inclusive_end'] = this.includeEnd;
    }
    const res = await this.client.request<{ rows?: AllDocsRow[] }>({ method: 'GET', path: `/${segment(this.db)}/_all_docs`, query, accept: [404] });
    const rows = res.status === 404 ? [] : (res.body.rows ?? []);
    this.next = rows.length > size ? (rows[size] as AllDocsRow).key : undefined;
    const out: Array<[string, Uint8Array]> = [];
    for (const row of rows.slice(0, size)) {
      if (row.key.startsWith('_') || row.doc === undefined || row.doc === null) continue;
      out.push([row.key, encodeVersionedValue(fromCouchDoc(row.doc))]);
    }
    // A batch of nothing but design documents must not read as the range's end.
    if (out.length === 0 && this.next !== undefined) return this.nextBatch(size);
    return out;
  }

  async close(): Promise<void> {
    this.next = undefined;
  }
}

/**
 * The document id of a state key. In a collection's hashes database (`$$h`) the key is a hash,
 * which Weft keeps as hex and Fabric's CouchDB documents carry in base64; elsewhere, the key itself.
 */
function docId(namespace: string, key: string): string {
  return namespace.includes('$$h') ? Buffer.from(key, 'hex').toString('base64') : key;
}
