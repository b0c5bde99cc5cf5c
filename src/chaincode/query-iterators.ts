import { ChaincodeError } from './chaincode-error.js';

/** A ledger iterator as the handler pages through it: each result already serialized for the shim. */
export interface QueryCursor {
  /** The next result as `queryresult.KV` or `KeyModification` bytes, or undefined once exhausted. */
  next(): Promise<Uint8Array | undefined>;
  close(): void;
  /** For a paginated range scan: where the next page starts ('' when nothing is left); closes it. */
  getBookmarkAndClose?(): Promise<string>;
}

/** A query the chaincode is reading, between its QueryResponses (Fabric keeps the same per query id). */
export interface PendingQuery {
  readonly cursor: QueryCursor;
  /** An explicit page (QueryMetadata with a page size or bookmark): one response, with a bookmark. */
  readonly paginated: boolean;
  /** Results returned at most over all responses: the page size, else the total query limit. */
  readonly limit: number;
  /** Read from the cursor, not sent yet. */
  pending: Uint8Array[];
  /** Results taken from the cursor so far. */
  returned: number;
}

/**
 * The open queries of one transaction, by query id. They hold LevelDB iterators, so every one is
 * closed when the chaincode closes it, reads it to the end, or the transaction ends.
 */
export class QueryIterators {
  private readonly queries = new Map<string, PendingQuery>();
  private ended = false;

  /** Keeps a new query; a transaction that has ended takes none (its iterator is closed at once). */
  open(id: string, cursor: QueryCursor, opts: { paginated: boolean; limit: number }): PendingQuery {
    if (this.ended) {
      cursor.close();
      throw new ChaincodeError('TX_ENDED', 'the transaction has already ended');
    }
    const query: PendingQuery = { cursor, paginated: opts.paginated, limit: opts.limit, pending: [], returned: 0 };
    this.queries.set(id, query);
    return query;
  }

  get(id: string): PendingQuery | undefined {
    return this.queries.get(id);
  }

  /** Closes the query's iterator and forgets it. */
  cleanup(id: string): void {
    const query = this.queries.get(id);
    if (query === undefined) return;
    this.queries.delete(id);
    query.cursor.close();
  }

  /** Ends a paginated query: the bookmark of the next page, and the iterator closed. */
  async cleanupWithBookmark(id: string): Promise<string> {
    const query = this.queries.get(id);
    if (query === undefined) return '';
    this.queries.delete(id);
    if (query.cursor.getBookmarkAndClose === undefined) {
      query.cursor.close();
      return '';
    }
    return query.cursor.getBookmarkAndClose();
  }

  /** The transaction has ended: closes every open query and takes no more. */
  closeAll(): void {
    this.ended = true;
    for (const query of this.queries.values()) query.cursor.close();
    this.queries.clear();
  }

  get size(): number {
    return this.queries.size;
  }
}
