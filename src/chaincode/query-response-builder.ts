import { QueryResponse, QueryResponseMetadata, QueryResultBytes } from '../common/protos/peer.js';
import type { PendingQuery, QueryIterators } from './query-iterators.js';

/** Results per QueryResponse when the chaincode did not ask for a page (Fabric's maxResultLimit). */
export const DEFAULT_MAX_RESULT_LIMIT = 100;

/**
 * Builds the next QueryResponse of a query, with Fabric's batching: without explicit pagination,
 * results go out in batches of `maxResultLimit`, and a batch is cut only once a further result has
 * been read, so `has_more` is never followed by an empty batch (fabric-shim's iterator reads the
 * first result of the next batch without checking). The last response closes the query; a
 * paginated one carries QueryResponseMetadata with the fetched count and the next bookmark.
 */
export async function buildQueryResponse(
  queries: QueryIterators,
  id: string,
  query: PendingQuery,
  maxResultLimit: number,
): Promise<QueryResponse> {
  for (;;) {
    if (query.returned >= query.limit) return lastResponse(queries, id, query);
    let result: Uint8Array | undefined;
    try {
      result = await query.cursor.next();
    } catch (err) {
      queries.cleanup(id);
      throw err;
    }
    if (result === undefined) return lastResponse(queries, id, query);
    if (!query.paginated && query.pending.length === maxResultLimit) {
      const batch = query.pending;
      query.pending = [result];
      query.returned++;
      return response(id, batch, true);
    }
    query.pending.push(result);
    query.returned++;
  }
}

async function lastResponse(queries: QueryIterators, id: string, query: PendingQuery): Promise<QueryResponse> {
  const batch = query.pending;
  query.pending = [];
  if (!query.paginated) {
    queries.cleanup(id);
    return response(id, batch, false);
  }
  const metadata = new QueryResponseMetadata();
  metadata.setFetchedRecordsCount(query.returned);
  metadata.setBookmark(await queries.cleanupWithBookmark(id));
  const res = response(id, batch, false);
  res.setMetadata(metadata.serializeBinary());
  return res;
}

function response(id: string, batch: Uint8Array[], hasMore: boolean): QueryResponse {
  const res = new QueryResponse();
  res.setResultsList(
    batch.map((bytes) => {
      const r = new QueryResultBytes();
      r.setResultbytes(bytes);
      return r;
    }),
  );
  res.setHasMore(hasMore);
  res.setId(id);
  return res;
}
