import type { Selector } from 'pouchdb-selector-core';
import { RichQueryError } from './rich-query-error.js';

/** One sort field and its direction. */
export interface SortField {
  field: string;
  direction: 'asc' | 'desc';
}

/** A CouchDB Mango query as the state database runs it: checked once, then matched against each document. */
export interface MangoQuery {
  /** The selector in PouchDB's normal form (implicit $eq made explicit, $and merged). */
  selector: Selector;
  /** The selector's top-level fields and combinators, each of which a document must satisfy. */
  selectorFields: string[];
  /** Fields the selector needs present in every match: an index on them holds every match. */
  requiredFields: ReadonlySet<string>;
  /** The fields to return; undefined returns the whole value. */
  fields: string[] | undefined;
  sort: SortField[];
  skip: number;
  /** `use_index`: a design document, and optionally the index in it. */
  useIndex: { ddoc: string; name: string | undefined } | undefined;
}

/** Operators whose argument is a value compared with the field's. */
const VALUE_OPERATORS = new Set(['$eq', '$ne', '$gt', '$gte', '$lt', '$lte']);
const ARRAY_OPERATORS = new Set(['$in', '$nin', '$all']);
const SELECTOR_OPERATORS = new Set(['$elemMatch', '$allMatch', '$not']);
const COMBINATION_OPERATORS = new Set(['$and', '$or', '$nor']);
const TYPES = new Set(['null', 'boolean', 'number', 'string', 'array', 'object']);
const QUERY_KEYS = new Set(['selector', 'fields', 'sort', 'limit', 'skip', 'bookmark', 'use_index', 'execution_stats', 'r', 'conflicts', 'update', 'stable', 'stale']);

type SelectorCore = typeof import('pouchdb-selector-core');

/**
 * Parses and checks a query as CouchDB does before it runs one: the same error names and reasons
 * (`invalid_operator`, `bad_arg`, ...), so a chaincode meets the same refusals whichever state
 * database answers it. `limit` is accepted and ignored: the peer sets its own, as Fabric does.
 */
export function parseMangoQuery(text: string, core: SelectorCore): MangoQuery {
  let query: unknown;
  try {
    query = JSON.parse(text);
  } catch (err) {
    throw new RichQueryError('bad_request', `invalid UTF-8 JSON: ${(err as Error).message}`);
  }
  if (!isObject(query)) throw new RichQueryError('bad_request', 'the query must be a JSON object');
  for (const key of Object.keys(query)) {
    if (!QUERY_KEYS.has(key)) throw new RichQueryError('invalid_key', `Invalid key ${key} for this request.`);
  }
  const selector = query['selector'];
  if (selector === undefined) throw new RichQueryError('missing_required_key', 'Missing required key: selector');
  if (!isObject(selector)) throw new RichQueryError('invalid_selector_json', 'Selector must be a JSON object');
  checkSelector(selector);
  const massaged = core.massageSelector(selector);
  guardMissingFields(massaged);
  return {
    selector: massaged,
    selectorFields: Object.keys(massaged),
    requiredFields: requiredFieldsOf(massaged),
    fields: parseFields(query['fields']),
    sort: parseSort(query['sort']),
    skip: parseCount(query['skip'], 'skip'),
    useIndex: parseUseIndex(query['use_index']),
  };
}

function checkSelector(selector: Record<string, unknown>): void {
  for (const [key, value] of Object.entries(selector)) {
    if (key.startsWith('$')) checkOperator(key, value);
    else if (isObject(value)) checkCondition(value);
  }
}

/** A field's condition: operators, or (an object without them) nested fields. */
function checkCondition(condition: Record<string, unknown>): void {
  for (const [key, value] of Object.entries(condition)) {
    if (key.startsWith('$')) checkOperator(key, value);
    else if (isObject(value)) checkCondition(value);
  }
}

function checkOperator(op: string, arg: unknown): void {
  if (op === '$text') throw new RichQueryError('no_usable_index', 'There is no full text index defined for this query.');
  if (COMBINATION_OPERATORS.has(op)) {
    if (!Array.isArray(arg)) throw badArg(op, 'must be an array of selectors');
    for (const item of arg) {
      if (!isObject(item)) throw badArg(op, 'must be an array of selectors');
      checkSelector(item);
    }
    return;
  }
  if (SELECTOR_OPERATORS.has(op)) {
    if (!isObject(arg)) throw badArg(op, 'must be a selector object');
    checkSelector(arg);
    return;
  }
  if (VALUE_OPERATORS.has(op)) return;
  if (ARRAY_OPERATORS.has(op)) {
    if (!Array.isArray(arg)) throw badArg(op, 'must be an array');
    return;
  }
  checkFieldOperator(op, arg);
}

/** The operators on one field whose argument has a shape of its own. */
function checkFieldOperator(op: string, arg: unknown): void {
  switch (op) {
    case '$exists':
      if (typeof arg !== 'boolean') throw badArg(op, 'must be a boolean');
      return;
    case '$type':
      if (typeof arg !== 'string' || !TYPES.has(arg)) throw badArg(op, `must be one of ${[...TYPES].join(', ')}`);
      return;
    case '$size':
      if (!Number.isInteger(arg) || (arg as number) < 0) throw badArg(op, 'must be a non-negative integer');
      return;
    case '$mod':
      if (!Array.isArray(arg) || arg.length !== 2 || !arg.every((n) => Number.isInteger(n)) || arg[0] === 0) {
        throw badArg(op, 'must be [Divisor, Remainder], integers with a non-zero divisor');
      }
      return;
    case '$regex':
      if (typeof arg !== 'string') throw badArg(op, 'must be a string');
      try {
        new RegExp(arg);
      } catch {
        throw badArg(op, `${JSON.stringify(arg)} is not a valid regular expression`);
      }
      return;
    default:
      throw new RichQueryError('invalid_operator', `Invalid operator: ${op}`);
  }
}

function badArg(op: string, why: string): RichQueryError {
  return new RichQueryError('bad_arg', `Bad argument for operator ${op}: ${why}`);
}

/**
 * CouchDB matches no document that lacks a field its selector compares ($ne and $nin included);
 * PouchDB's matcher lets such a document through $ne. Adding `$exists: true` beside those
 * operators gives CouchDB's answer.
 */
function guardMissingFields(selector: Record<string, unknown>): void {
  for (const [key, value] of Object.entries(selector)) {
    if (COMBINATION_OPERATORS.has(key) && Array.isArray(value)) {
      for (const item of value) if (isObject(item)) guardMissingFields(item);
    } else if (key === '$not' && isObject(value)) {
      guardMissingFields(value);
    } else if (!key.startsWith('$') && isObject(value) && ('$ne' in value || '$nin' in value) && !('$exists' in value)) {
      value['$exists'] = true;
    }
  }
}

/** The top-level fields every match has: those with a condition that a missing field fails. */
function requiredFieldsOf(selector: Record<string, unknown>): Set<string> {
  const required = new Set<string>(['_id']);
  for (const [field, condition] of Object.entries(selector)) {
    if (field.startsWith('$') || !isObject(condition)) continue;
    if (condition['$exists'] === false) continue;
    required.add(field);
  }
  return required;
}

function parseFields(fields: unknown): string[] | undefined {
  if (fields === undefined) return undefined;
  if (!Array.isArray(fields)) throw new RichQueryError('bad_request', 'fields definition must be an array');
  for (const f of fields) if (typeof f !== 'string') throw new RichQueryError('invalid_field', 'fields must be an array of strings');
  return fields.length === 0 ? undefined : (fields as string[]);
}

function parseSort(sort: unknown): SortField[] {
  if (sort === undefined) return [];
  if (!Array.isArray(sort)) throw new RichQueryError('invalid_sort_json', 'Sort must be an array of sort specs.');
  const parsed = sort.map((item): SortField => {
    if (typeof item === 'string') return { field: item, direction: 'asc' };
    if (isObject(item)) {
      const entries = Object.entries(item);
      const [entry] = entries;
      if (entries.length === 1 && entry !== undefined && (entry[1] === 'asc' || entry[1] === 'desc')) return { field: entry[0], direction: entry[1] };
    }
    throw new RichQueryError('invalid_sort_json', `Invalid sort field: ${JSON.stringify(item)}`);
  });
  if (new Set(parsed.map((s) => s.direction)).size > 1) {
    throw new RichQueryError('unsupported_mixed_sort', 'Sorts currently only support a single direction for all fields.');
  }
  return parsed;
}

function parseCount(value: unknown, name: string): number {
  if (value === undefined) return 0;
  if (!Number.isInteger(value) || (value as number) < 0) throw new RichQueryError('invalid_value', `${name} must be a non-negative integer`);
  return value as number;
}

function parseUseIndex(value: unknown): MangoQuery['useIndex'] {
  if (value === undefined) return undefined;
  const parts = typeof value === 'string' ? [value] : value;
  const [ddoc, name, extra] = Array.isArray(parts) ? (parts as unknown[]) : [];
  if (typeof ddoc !== 'string' || (name !== undefined && typeof name !== 'string') || extra !== undefined) {
    throw new RichQueryError('invalid_use_index', 'use_index must be a design document name or [design document, index name]');
  }
  return { ddoc: ddoc.replace(/^_design\//, ''), name };
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
