import type { QueryResultKV, StateIterator, Version } from '../ledger.js';
import { decodeVersionedValue } from '../ledger-records.js';
import type { StateDb, StateEntry, StateRangeCursor } from '../state-db.js';
import type { IndexDefinition } from './index-definition.js';
import type { MangoQuery } from './mango-query.js';
import { RichQueryError } from './rich-query-error.js';

type SelectorCore = typeof import('pouchdb-selector-core');
type Collate = typeof import('pouchdb-collate');

export interface RichQueryIteratorOptions {
  /** The namespace results are reported in (the chaincode's). */
  namespace: string;
  /** The namespace of state the query reads: the chaincode's, or one of its private collections. */
  stateNamespace: string;
  state: StateDb;
  query: MangoQuery;
  /** The index the query is answered from: its fields order the results, and a match must have them all. */
  index: IndexDefinition | undefined;
  core: SelectorCore;
  collate: Collate;
  /** Results after which the iterator stops: the page size, else the total query limit. */
  limit: number;
  /** Entries read from the database per round trip. */
  batchSize: number;
  /** Where a previous page stopped ('' to start at the beginning). */
  bookmark: string;
  /** Set for a simulator: each returned key is a read, checked for MVCC conflicts at commit. */
  record: ((key: string, version: Version) => void) | undefined;
}

/** A match waiting to be returned. */
interface Match {
  key: string;
  value: Uint8Array;
  version: Version;
  /** The index fields' values: the match's place in the index. */
  position: unknown[];
}

/** Where a page stopped: the last key returned and, for an indexed query, its index values. */
interface Bookmark {
  k: string;
  v?: unknown[];
}

const OPEN_BRACE = 0x7b;
const decoder = new TextDecoder();

/**
 * Answers a Mango query from the LevelDB state: every value of the namespace is read in key order
 * and matched as CouchDB would match the document. Without an index the matches stream out in key
 * order, as from CouchDB's `_all_docs`; with one they come in the index's order (its fields, then
 * the key), and documents lacking an indexed field are left out, as CouchDB's index leaves them out.
 */
export class RichQueryIterator implements StateIterator {
  private returned = 0;
  private skipped = 0;
  private closed = false;
  private last: Bookmark | undefined;
  /** The matches of an indexed query, ordered; undefined while streaming. */
  private sorted: Match[] | undefined;
  private sortedAt = 0;

  private constructor(
    private readonly opts: RichQueryIteratorOptions,
    private readonly cursor: StateRangeCursor,
    private readonly after: Bookmark | undefined,
    private readonly projection: string[][] | undefined,
    private readonly indexFields: string[][],
  ) {}

  static async open(opts: RichQueryIteratorOptions): Promise<RichQueryIterator> {
    const after = decodeBookmark(opts.bookmark);
    const indexed = opts.index !== undefined;
    // An unindexed query resumes just after the bookmark's key: '\0' sorts first among what may follow a key.
    const start = after !== undefined && !indexed ? `${after.k}\x00` : '';
    const cursor = opts.state.range(opts.stateNamespace, start, '');
    const parse = opts.core.parseField;
    const projection = opts.query.fields?.filter((f) => f !== '_id').map((f) => parse(f));
    const indexFields = (opts.index?.fields ?? []).map((f) => parse(f));
    const iterator = new RichQueryIterator(opts, cursor, after, projection, indexFields);
    if (indexed) await iterator.collectSorted();
    return iterator;
  }

  get fetchedRecordsCount(): number {
    return this.returned;
  }

  async next(): Promise<QueryResultKV | undefined> {
    if (this.closed || this.returned >= this.opts.limit) return undefined;
    const match = this.sorted !== undefined ? this.sorted[this.sortedAt++] : await this.nextStreamed();
    if (match === undefined) {
      this.close();
      return undefined;
    }
    this.returned++;
    this.last = this.sorted !== undefined ? { k: match.key, v: match.position } : { k: match.key };
    this.opts.record?.(match.key, match.version);
    return { namespace: this.opts.namespace, key: match.key, value: match.value };
  }

  /**
   * The bookmark of the next page: where this page stopped. A page that returned nothing hands
   * back the bookmark it was given (CouchDB's "nil" when there was none), so asking again past the
   * end stays at the end.
   */
  async getBookmarkAndClose(): Promise<string> {
    this.close();
    if (this.last !== undefined) return Buffer.from(JSON.stringify(this.last)).toString('base64url');
    return this.opts.bookmark === '' ? 'nil' : this.opts.bookmark;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.sorted = undefined;
    // Closing a LevelDB iterator cannot fail in a way the caller could act on.
    this.cursor.close().catch(() => undefined);
  }

  async *[Symbol.asyncIterator](): AsyncIterator<QueryResultKV> {
    try {
      for (let kv = await this.next(); kv !== undefined; kv = await this.next()) yield kv;
    } finally {
      this.close();
    }
  }

  private async nextStreamed(): Promise<Match | undefined> {
    for (;;) {
      const entry = this.cursor.take() ?? (await this.cursor.next(this.opts.batchSize));
      if (entry === undefined) return undefined;
      const match = this.match(entry);
      if (match === undefined) continue;
      if (this.skipped < this.opts.query.skip) {
        this.skipped++;
        continue;
      }
      return match;
    }
  }

  /** Reads every match, orders it by the index, and drops what the bookmark and `skip` pass over. */
  private async collectSorted(): Promise<void> {
    const matches: Match[] = [];
    for (let entry = await this.cursor.next(this.opts.batchSize); entry !== undefined; entry = this.cursor.take() ?? (await this.cursor.next(this.opts.batchSize))) {
      const match = this.match(entry);
      if (match !== undefined) matches.push(match);
    }
    const { collate } = this.opts.collate;
    const compare = (a: { k: string; v?: unknown[] }, b: { k: string; v?: unknown[] }): number =>
      collate(a.v ?? [], b.v ?? []) || (a.k < b.k ? -1 : a.k > b.k ? 1 : 0);
    const descending = this.opts.query.sort[0]?.direction === 'desc';
    const sign = descending ? -1 : 1;
    matches.sort((a, b) => sign * compare({ k: a.key, v: a.position }, { k: b.key, v: b.position }));
    let from = 0;
    const after = this.after;
    if (after !== undefined) {
      while (from < matches.length && sign * compare({ k: (matches[from] as Match).key, v: (matches[from] as Match).position }, after) <= 0) from++;
    }
    this.sorted = matches.slice(from + this.opts.query.skip);
  }

  /** The entry as a result when its value, read as a CouchDB document, matches the query. */
  private match([key, raw]: StateEntry): Match | undefined {
    const { core, query } = this.opts;
    const stored = decodeVersionedValue(raw);
    const doc = parseDocument(stored.value);
    // A value that is not a JSON object is, to CouchDB, a document with an id and an attachment.
    const fields: Record<string, unknown> = doc ?? {};
    fields['_id'] = key;
    if (!core.rowFilter(fields, query.selector, query.selectorFields)) return undefined;
    const position: unknown[] = [];
    for (const parsed of this.indexFields) {
      const v = core.getFieldFromDoc(fields, parsed);
      if (v === undefined) return undefined;
      position.push(v);
    }
    const value = this.projection === undefined || doc === undefined ? stored.value : this.project(fields);
    return { key, value, version: stored.version, position };
  }

  /** Only the asked-for fields, keys in order as Fabric's JSON encoder writes them. */
  private project(doc: Record<string, unknown>): Uint8Array {
    const out: Record<string, unknown> = {};
    for (const parsed of this.projection ?? []) {
      const v = this.opts.core.getFieldFromDoc(doc, parsed);
      if (v !== undefined) this.opts.core.setFieldInDoc(out, parsed, v);
    }
    return Buffer.from(JSON.stringify(sortKeys(out)));
  }
}

function parseDocument(value: Uint8Array): Record<string, unknown> | undefined {
  let i = 0;
  while (value[i] === 0x20 || value[i] === 0x0a || value[i] === 0x0d || value[i] === 0x09) i++;
  if (value[i] !== OPEN_BRACE) return undefined;
  try {
    const doc: unknown = JSON.parse(decoder.decode(value));
    return typeof doc === 'object' && doc !== null && !Array.isArray(doc) ? (doc as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (typeof value !== 'object' || value === null) return value;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value).sort()) out[key] = sortKeys((value as Record<string, unknown>)[key]);
  return out;
}

function decodeBookmark(bookmark: string): Bookmark | undefined {
  if (bookmark === '' || bookmark === 'nil') return undefined;
  try {
    const parsed: unknown = JSON.parse(Buffer.from(bookmark, 'base64url').toString('utf8'));
    if (typeof parsed === 'object' && parsed !== null && typeof (parsed as Bookmark).k === 'string') {
      const v = (parsed as Bookmark).v;
      if (v === undefined || Array.isArray(v)) return parsed as Bookmark;
    }
  } catch {
    // Reported below, as any other bookmark this database did not make.
  }
  throw new RichQueryError('invalid_bookmark', `Invalid bookmark value: ${JSON.stringify(bookmark)}`);
}
