import type { QueryResultKV, StateIterator, Version } from '../ledger.js';
import { decodeVersionedValue, valueStart } from '../ledger-records.js';
import type { StateDb, StateEntry, StateRangeCursor } from '../state-db.js';
import type { EntryIterator } from '../ledger-db.js';
import { isObject, type MangoQuery } from './mango-query.js';
import { RichQueryError } from './rich-query-error.js';
import { goJson } from '../go-json.js';
import { entryOf, type StateIndexStore, type StoredIndex } from './state-index-store.js';

type SelectorCore = typeof import('pouchdb-selector-core');
type Collate = typeof import('pouchdb-collate');

export interface RichQueryIteratorOptions {
  /** The namespace results are reported in (the chaincode's). */
  namespace: string;
  /** The namespace of state the query reads: the chaincode's, or one of its private collections. */
  stateNamespace: string;
  state: StateDb;
  query: MangoQuery;
  /**
   * The index the query is answered from, as the ledger keeps it: only the entries the selector
   * allows are read, results come in its order, and a match must have all its fields.
   */
  stored: { index: StoredIndex; store: StateIndexStore } | undefined;
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
/** Entries a scan reads from LevelDB per round trip: every value is read, so fewer, larger trips. */
const SCAN_BATCH = 4096;

/**
 * Answers a Mango query from the LevelDB state, matching each value as CouchDB would match the
 * document. Without an index every value of the namespace is read in key order and the matches
 * stream out so, as from CouchDB's `_all_docs`; with one, only the index entries the selector
 * allows are read, matches come in the index's order (its fields, then the key), and documents
 * lacking an indexed field are left out, as CouchDB's index leaves them out.
 */
export class RichQueryIterator implements StateIterator {
  private returned = 0;
  private skipped = 0;
  private closed = false;
  private last: Bookmark | undefined;
  /** The index entries being read, and those read but not yet looked at. */
  private entries: EntryIterator | undefined;
  private pending: Array<[string, Uint8Array]> = [];
  /** The stored values of the pending entries' state keys, read with them. */
  private docs: Array<Uint8Array | undefined> = [];
  private pendingAt = 0;
  private entriesDone = false;

  private constructor(
    private readonly opts: RichQueryIteratorOptions,
    private readonly cursor: StateRangeCursor<string> | undefined,
    private readonly projection: string[][] | undefined,
    private readonly indexFields: string[][],
  ) {}

  static open(opts: RichQueryIteratorOptions): RichQueryIterator {
    const after = decodeBookmark(opts.bookmark);
    const parse = opts.core.parseField;
    const projection = opts.query.fields?.filter((f) => f !== '_id').map((f) => parse(f));
    const indexFields = (opts.stored?.index.fields ?? []).map((f) => parse(f));
    if (opts.stored !== undefined) {
      const iterator = new RichQueryIterator(opts, undefined, projection, indexFields);
      iterator.entries = opts.stored.store.iterate(indexRange(opts, opts.stored.index, after));
      return iterator;
    }
    // An unindexed query resumes just after the bookmark's key: '\0' sorts first among what may follow a key.
    const cursor = opts.state.rangeText(opts.stateNamespace, after === undefined ? '' : `${after.k}\x00`);
    return new RichQueryIterator(opts, cursor, projection, indexFields);
  }

  get fetchedRecordsCount(): number {
    return this.returned;
  }

  async next(): Promise<QueryResultKV | undefined> {
    if (this.closed || this.returned >= this.opts.limit) return undefined;
    const match = this.entries !== undefined ? await this.nextIndexed() : await this.nextStreamed();
    if (match === undefined) {
      this.close();
      return undefined;
    }
    this.returned++;
    this.last = this.opts.stored !== undefined ? { k: match.key, v: match.position } : { k: match.key };
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
    this.pending = [];
    // Closing a LevelDB iterator cannot fail in a way the caller could act on.
    this.cursor?.close().catch(() => undefined);
    this.entries?.close().catch(() => undefined);
  }

  async *[Symbol.asyncIterator](): AsyncIterator<QueryResultKV> {
    try {
      for (let kv = await this.next(); kv !== undefined; kv = await this.next()) yield kv;
    } finally {
      this.close();
    }
  }

  private async nextStreamed(): Promise<Match | undefined> {
    const cursor = this.cursor as StateRangeCursor<string>;
    for (;;) {
      const entry = cursor.take() ?? (await cursor.nextAhead(SCAN_BATCH));
      if (entry === undefined) return undefined;
      const match = await this.matchText(entry);
      if (match === undefined) continue;
      if (this.skipped < this.opts.query.skip) {
        this.skipped++;
        continue;
      }
      return match;
    }
  }

  /**
   * The next match from the index's entries: their documents are read a batch at a time, and a
   * document is a match when it satisfies the selector and is still what its entry says (an entry
   * a purge left behind is passed over).
   */
  private async nextIndexed(): Promise<Match | undefined> {
    const stored = this.opts.stored as { index: StoredIndex };
    for (;;) {
      const entry = this.pending[this.pendingAt++];
      if (entry === undefined) {
        if (!(await this.readEntries())) return undefined;
        continue;
      }
      const key = Buffer.from(entry[1]).toString('utf8');
      const raw = this.docs[this.pendingAt - 1];
      if (raw === undefined) continue;
      const match = this.match([key, raw]);
      if (match === undefined || entryOf(stored.index, key, match.position, this.opts.collate) !== entry[0]) continue;
      if (this.skipped < this.opts.query.skip) {
        this.skipped++;
        continue;
      }
      return match;
    }
  }

  /** The next batch of entries and their documents; false at the end of the range. */
  private async readEntries(): Promise<boolean> {
    if (this.entriesDone || this.entries === undefined) return false;
    // The first batch is sized for the page: most indexed queries want a few results.
    const wanted = this.opts.limit - this.returned + this.opts.query.skip - this.skipped + 1;
    const size = this.pending.length === 0 ? Math.min(this.opts.batchSize, Math.max(16, wanted)) : this.opts.batchSize;
    this.pending = await this.entries.nextBatch(size);
    this.pendingAt = 0;
    if (this.pending.length === 0) {
      this.entriesDone = true;
      return false;
    }
    // Point reads are served synchronously from LevelDB's caches: cheaper, for a page, than one trip to its threads.
    this.docs = [];
    for (const [, stateKey] of this.pending) this.docs.push(await this.opts.state.getRaw(this.opts.stateNamespace, Buffer.from(stateKey).toString('utf8')));
    return true;
  }

  /**
   * As `match`, for an entry read as text: the selector is tried on the text's JSON, and only a
   * match is read again as bytes (for its exact value and version). Text that does not show its
   * value plainly (metadata, bytes that are not UTF-8) is read as bytes too.
   */
  private async matchText([key, text]: StateEntry<string>): Promise<Match | undefined> {
    const start = textValueStart(text);
    if (start >= 0 && !text.includes('\uFFFD', start)) {
      const doc = parseJsonText(text, start);
      const fields: Record<string, unknown> = doc ?? {};
      fields['_id'] = key;
      if (!this.opts.core.rowFilter(fields, this.opts.query.selector, this.opts.query.selectorFields)) return undefined;
    }
    const raw = await this.opts.state.getRaw(this.opts.stateNamespace, key);
    return raw === undefined ? undefined : this.match([key, raw]);
  }

  /** The entry as a result when its value, read as a CouchDB document, matches the query. */
  private match([key, raw]: StateEntry): Match | undefined {
    const { core, query } = this.opts;
    // Most values are read in place: only a match is decoded in full.
    let start = valueStart(raw);
    const stored = start < 0 ? decodeVersionedValue(raw) : undefined;
    if (stored !== undefined) {
      raw = stored.value;
      start = 0;
    }
    const doc = parseDocument(raw, start);
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
    const { value, version } = stored ?? decodeVersionedValue(raw);
    return { key, value: this.projection === undefined || doc === undefined ? value : this.project(fields), version, position };
  }

  /** Only the asked-for fields, written as Fabric's JSON encoder writes them. */
  private project(doc: Record<string, unknown>): Uint8Array {
    const out: Record<string, unknown> = {};
    for (const parsed of this.projection ?? []) {
      const v = this.opts.core.getFieldFromDoc(doc, parsed);
      if (v !== undefined) this.opts.core.setFieldInDoc(out, parsed, v);
    }
    return Buffer.from(goJson(out));
  }
}

/**
 * The entries of the index the query may match, from the selector's condition on the index's
 * first field ($eq, or a range), after the bookmark when resuming; reversed for a descending sort.
 */
function indexRange(opts: RichQueryIteratorOptions, index: StoredIndex, after: Bookmark | undefined): { gte: string; lt: string; reverse: boolean } {
  const { toIndexableString } = opts.collate;
  // Entries whose first value is v start with prefix + T(v), which ends in \0; none holds \0 elsewhere.
  const at = (v: unknown): string => index.prefix + toIndexableString(v);
  const past = (v: unknown): string => `${at(v).slice(0, -1)}\x01`;
  let gte = index.prefix;
  let lt = `${index.prefix}\uffff`;
  const condition = opts.query.selector[index.fields[0] as string];
  if (isObject(condition)) {
    if ('$eq' in condition) {
      gte = at(condition['$eq']);
      lt = past(condition['$eq']);
    } else {
      if ('$gt' in condition) gte = past(condition['$gt']);
      if ('$gte' in condition) gte = at(condition['$gte']);
      if ('$lt' in condition) lt = at(condition['$lt']);
      if ('$lte' in condition) lt = past(condition['$lte']);
    }
  }
  const reverse = opts.query.sort[0]?.direction === 'desc';
  if (after !== undefined) {
    let resume = index.prefix;
    for (const v of after.v ?? []) resume += toIndexableString(v);
    resume += after.k;
    if (reverse) lt = resume < lt ? resume : lt;
    else gte = `${resume}\x00` > gte ? `${resume}\x00` : gte;
  }
  return { gte, lt, reverse };
}

/**
 * Where the value starts in a stored entry read as text, when it has no metadata; else -1. The
 * two version varints end at the first two characters below U+0080: their other bytes are at or
 * above 0x80, which decode to characters at or above it (or U+FFFD).
 */
function textValueStart(text: string): number {
  let pos = 0;
  for (let ends = 0; ends < 2; pos++) {
    if (pos >= text.length) return -1;
    if (text.charCodeAt(pos) < 0x80) ends++;
  }
  return text.charCodeAt(pos) === 0 ? pos + 1 : -1;
}

function parseJsonText(text: string, start: number): Record<string, unknown> | undefined {
  let i = start;
  while (text[i] === ' ' || text[i] === '\n' || text[i] === '\r' || text[i] === '\t') i++;
  if (text[i] !== '{') return undefined;
  try {
    const doc: unknown = JSON.parse(start === 0 ? text : text.slice(start));
    return typeof doc === 'object' && doc !== null && !Array.isArray(doc) ? (doc as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** The value as a JSON object (from `start` in `bytes`); undefined when it is not one. */
export function parseDocument(bytes: Uint8Array, start = 0): Record<string, unknown> | undefined {
  let i = start;
  while (bytes[i] === 0x20 || bytes[i] === 0x0a || bytes[i] === 0x0d || bytes[i] === 0x09) i++;
  if (bytes[i] !== OPEN_BRACE) return undefined;
  try {
    const doc: unknown = JSON.parse(Buffer.isBuffer(bytes) ? bytes.toString('utf8', start) : decoder.decode(bytes.subarray(start)));
    return typeof doc === 'object' && doc !== null && !Array.isArray(doc) ? (doc as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
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
