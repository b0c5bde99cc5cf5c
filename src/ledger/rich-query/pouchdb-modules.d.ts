// The parts of PouchDB's Mango matcher and collation that the rich query engine uses; the packages
// ship no types of their own.
declare module 'pouchdb-selector-core' {
  export type Selector = Record<string, unknown>;
  /** Rewrites a selector into the normal form `rowFilter` expects (implicit $eq, merged $and). */
  export function massageSelector(selector: Selector): Selector;
  /** Whether a document matches every named field's condition of a massaged selector. */
  export function rowFilter(doc: unknown, selector: Selector, fields: string[]): boolean;
  export function parseField(field: string): string[];
  export function getFieldFromDoc(doc: unknown, parsedField: string[]): unknown;
  export function setFieldInDoc(doc: unknown, parsedField: string[], value: unknown): void;
}

declare module 'pouchdb-collate' {
  /** CouchDB's view collation: null < false < true < numbers < strings < arrays < objects. */
  export function collate(a: unknown, b: unknown): number;
  /** A string whose byte order is the collation order of the value; ends with U+0000. */
  export function toIndexableString(value: unknown): string;
}
