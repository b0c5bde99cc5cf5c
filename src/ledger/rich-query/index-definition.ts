import type { MangoQuery, SortField } from './mango-query.js';
import { isObject } from './mango-query.js';
import { RichQueryError } from './rich-query-error.js';

/**
 * A CouchDB JSON index, as a chaincode package declares one under
 * `META-INF/statedb/couchdb/indexes/` (or `.../collections/<name>/indexes/` for a collection):
 * `{"index":{"fields":["docType","owner"]},"ddoc":"indexOwnerDoc","name":"indexOwner","type":"json"}`.
 */
export interface IndexDefinition {
  /** The design document, without `_design/`. */
  ddoc: string;
  name: string;
  /** The indexed fields, in order (dotted paths for nested ones). */
  fields: string[];
  /** The definition as the file holds it, which a CouchDB server is sent as it is. */
  definition?: Record<string, unknown>;
}

/** Reads an index file; the error names the file and what is wrong with it. */
export function parseIndexDefinition(text: string, file: string): IndexDefinition {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new RichQueryError('invalid_index', `index file ${file} is not JSON: ${(err as Error).message}`);
  }
  if (!isObject(json) || !isObject(json['index']) || !Array.isArray(json['index']['fields']) || json['index']['fields'].length === 0) {
    throw new RichQueryError('invalid_index', `index file ${file} has no "index": {"fields": [...]} definition`);
  }
  if (json['type'] !== undefined && json['type'] !== 'json') {
    throw new RichQueryError('invalid_index', `index file ${file} is of type ${JSON.stringify(json['type'])}; only "json" indexes are supported`);
  }
  const fields = json['index']['fields'].map((f: unknown): string => {
    if (typeof f === 'string') return f;
    if (isObject(f)) {
      const [entry, extra] = Object.entries(f);
      if (entry !== undefined && extra === undefined && (entry[1] === 'asc' || entry[1] === 'desc')) return entry[0];
    }
    throw new RichQueryError('invalid_index', `index file ${file} has an invalid field ${JSON.stringify(f)}`);
  });
  const name = typeof json['name'] === 'string' ? json['name'] : file.replace(/^.*\//, '').replace(/\.json$/, '');
  const ddoc = typeof json['ddoc'] === 'string' ? json['ddoc'].replace(/^_design\//, '') : name;
  return { ddoc, name, fields, definition: json };
}

/**
 * The index CouchDB would answer the query from, as its query planner chooses: one whose every
 * field the selector requires (or the sort names), and whose order gives the sort. `use_index`
 * wins when that index is usable. Undefined when none is: then a sort cannot be answered.
 */
export function chooseIndex(query: MangoQuery, indexes: readonly IndexDefinition[]): IndexDefinition | undefined {
  const usable = indexes.filter((index) => isUsable(index, query));
  const wanted = query.useIndex;
  if (wanted !== undefined) {
    const named = usable.find((i) => i.ddoc === wanted.ddoc && (wanted.name === undefined || i.name === wanted.name));
    if (named !== undefined) return named;
  }
  let best: IndexDefinition | undefined;
  let bestScore = -1;
  for (const index of usable) {
    // The longer the run of leading fields the selector pins, the fewer documents the index visits.
    let leading = 0;
    while (leading < index.fields.length && query.requiredFields.has(index.fields[leading] as string)) leading++;
    const score = leading * 1000 - index.fields.length;
    if (score > bestScore) {
      best = index;
      bestScore = score;
    }
  }
  return best;
}

function isUsable(index: IndexDefinition, query: MangoQuery): boolean {
  const sortFields = new Set(query.sort.map((s) => s.field));
  for (const field of index.fields) {
    if (!sortFields.has(field) && !query.requiredFields.has(field)) return false;
  }
  return query.sort.length === 0 || givesSort(index.fields, query.sort, query);
}

/** The index's order is the sort's once the leading fields the selector fixes to one value are set aside. */
function givesSort(fields: string[], sort: SortField[], query: MangoQuery): boolean {
  for (let start = 0; start <= fields.length - sort.length; start++) {
    if (sort.every((s, i) => fields[start + i] === s.field)) return true;
    const fixed = query.selector[fields[start] as string];
    if (!isObject(fixed) || !('$eq' in fixed)) return false;
  }
  return false;
}

export function noIndexForSort(): RichQueryError {
  return new RichQueryError('no_usable_index', 'No index exists for this sort, try indexing by the sort fields.');
}
