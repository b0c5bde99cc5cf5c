import type { Logger } from '../../common/logging/logging.js';
import type { QueryResultKV, StateIterator, Version } from '../ledger.js';
import { RichQueryError } from '../rich-query/rich-query-error.js';
import { fromCouchDoc, VERSION_FIELD } from './couch-doc.js';
import { segment, type CouchDbClient } from './couchdb-client.js';
import { CouchDbError } from './couchdb-error.js';

export interface CouchQueryIteratorOptions {
  client: CouchDbClient;
  db: string;
  /** The namespace results are reported in (the chaincode's). */
  namespace: string;
  query: string;
  /** Results after which the iterator stops: the page size, else the total query limit. */
  limit: number;
  /** Documents asked of CouchDB per `_find` (`internalQueryLimit`). */
  batchSize: number;
  bookmark: string;
  record: ((key: string, version: Version) => void) | undefined;
  logger?: Logger | undefined;
}

interface FindResponse {
  docs?: Array<Record<string, unknown>>;
  bookmark?: string;
  warning?: string;
}

/**
 * A rich query answered by CouchDB's `_find`, as Fabric runs it: the chaincode's query with the
 * peer's `limit` (one batch of `internalQueryLimit`, or what is left of the page) and CouchDB's
 * bookmark to go on from the last batch; the chaincode's own `limit` is replaced. A page's
 * bookmark is CouchDB's, after the last document returned.
 */
export class CouchQueryIterator implements StateIterator {
  private returned = 0;
  private closed = false;
  private buffer: Array<Record<string, unknown>> = [];
  private at = 0;
  private exhausted = false;
  private bookmark: string;

  private constructor(
    private readonly opts: CouchQueryIteratorOptions,
    private readonly query: Record<string, unknown>,
  ) {
    this.bookmark = opts.bookmark;
  }

  static async open(opts: CouchQueryIteratorOptions): Promise<CouchQueryIterator> {
    let parsed: unknown;
    try {
      parsed = JSON.parse(opts.query);
    } catch (err) {
      throw new RichQueryError('bad_request', `invalid UTF-8 JSON: ${(err as Error).message}`);
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new RichQueryError('bad_request', 'the query must be a JSON object');
    const query = parsed as Record<string, unknown>;
    // A projection must keep what the peer needs of each document: its key and version.
    if (Array.isArray(query['fields']) && query['fields'].length > 0) {
      const fields = query['fields'] as unknown[];
      for (const needed of ['_id', VERSION_FIELD]) if (!fields.includes(needed)) fields.push(needed);
    }
    const iterator = new CouchQueryIterator(opts, query);
    await iterator.fetch();
    return iterator;
  }

  get fetchedRecordsCount(): number {
    return this.returned;
  }

  async next(): Promise<QueryResultKV | undefined> {
    if (this.closed || this.returned >= this.opts.limit) return undefined;
    if (this.at >= this.buffer.length) {
      if (this.exhausted) return undefined;
      await this.fetch();
      if (this.at >= this.buffer.length) return undefined;
    }
    const doc = this.buffer[this.at++] as Record<string, unknown>;
    const key = String(doc['_id']);
    const { value, version } = fromCouchDoc(doc);
    this.returned++;
    this.opts.record?.(key, version);
    return { namespace: this.opts.namespace, key, value };
  }

  /** CouchDB's bookmark after the last batch read: a page reads exactly its size, so it is the page's end. */
  async getBookmarkAndClose(): Promise<string> {
    this.close();
    return this.bookmark;
  }

  close(): void {
    this.closed = true;
    this.buffer = [];
  }

  async *[Symbol.asyncIterator](): AsyncIterator<QueryResultKV> {
    try {
      for (let kv = await this.next(); kv !== undefined; kv = await this.next()) yield kv;
    } finally {
      this.close();
    }
  }

  private async fetch(): Promise<void> {
    const limit = Math.min(this.opts.batchSize, this.opts.limit - this.returned);
    const body: Record<string, unknown> = { ...this.query, limit };
    if (this.bookmark !== '' && this.bookmark !== 'nil') {
      body['bookmark'] = this.bookmark;
      // CouchDB skips from the bookmark: the chaincode's skip was taken by the first batch.
      if (this.returned > 0) delete body['skip'];
    }
    let res;
    try {
      res = await this.opts.client.request<FindResponse>({ method: 'POST', path: `/${segment(this.opts.db)}/_find`, body, accept: [404] });
    } catch (err) {
      if (err instanceof CouchDbError && err.status >= 400 && err.status < 500) throw new RichQueryError(err.error, reasonOf(err.message), err.status);
      throw err;
    }
    // A namespace nothing was ever written to has no database yet: no results.
    const docs = res.status === 404 ? [] : (res.body.docs ?? []);
    await this.withAttachments(docs);
    this.buffer = docs;
    this.at = 0;
    if (res.body.bookmark !== undefined) this.bookmark = res.body.bookmark;
    if (res.body.warning !== undefined && res.body.warning !== '') {
      this.opts.logger?.warn('executeQuery', `The query [${this.opts.query}] caused the following warning: [${res.body.warning}]`);
    }
    if (docs.length < limit) this.exhausted = true;
  }

  /**
   * `_find` lists a document's attachments without their data: a value that is not JSON is read
   * again with it, as Fabric reads such a document again.
   */
  private async withAttachments(docs: Array<Record<string, unknown>>): Promise<void> {
    const stubs = docs.flatMap((doc, i) => (doc['_attachments'] !== undefined ? [i] : []));
    if (stubs.length === 0) return;
    const res = await this.opts.client.request<{ rows?: AllDocsRow[] }>({
      method: 'POST',
      path: `/${segment(this.opts.db)}/_all_docs`,
      query: { include_docs: true, attachments: true },
      body: { keys: stubs.map((i) => (docs[i] as Record<string, unknown>)['_id']) },
    });
    (res.body.rows ?? []).forEach((row, n) => {
      const at = stubs[n];
      if (at !== undefined && row.doc !== undefined && row.doc !== null) docs[at] = row.doc;
    });
  }
}

interface AllDocsRow {
  doc?: Record<string, unknown> | null;
}

function reasonOf(message: string): string {
  const at = message.indexOf('Reason:');
  return at < 0 ? message : message.slice(at + 'Reason:'.length);
}
