import { createHash } from 'node:crypto';

// CouchDB refuses database names longer than 238 characters; Fabric keeps each part of a long
// name to 50 and adds a hash of the whole.
const MAX_DB_NAME_LENGTH = 238;
const PART_LENGTH = 50;

/** The database holding a channel's savepoint and metadata: `<channel>_`. */
export function metadataDbName(channelId: string): string {
  const name = channelId.length <= MAX_DB_NAME_LENGTH ? channelId : `${channelId.slice(0, PART_LENGTH)}(${sha256Hex(channelId)})`;
  return couchName(`${name}_`);
}

/**
 * The database of one namespace of a channel, named as Fabric names it: `<channel>_<namespace>`,
 * private data in `<channel>_<chaincode>$$p<collection>` and its hashes in `...$$h<collection>`.
 * CouchDB allows only lower-case letters, so each capital becomes `$` and its lower case.
 */
export function namespaceDbName(channelId: string, namespace: string): string {
  const escaped = escapeUpperCase(namespace);
  const name = `${channelId}_${escaped}`;
  if (name.length <= MAX_DB_NAME_LENGTH) return couchName(name);
  const [chaincode = '', collection] = escaped.split('$$');
  const parts = collection === undefined ? chaincode.slice(0, PART_LENGTH) : `${chaincode.slice(0, PART_LENGTH)}$$${collection.slice(0, PART_LENGTH)}`;
  return couchName(`${channelId.slice(0, PART_LENGTH)}_${parts}(${sha256Hex(`${channelId}_${namespace}`)})`);
}

/** Dots are allowed in channel names but read by some CouchDB tools as paths: Fabric turns them into `$`. */
function couchName(name: string): string {
  return name.replaceAll('.', '$');
}

function sha256Hex(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

function escapeUpperCase(name: string): string {
  return name.replace(/[A-Z]/g, (c) => `$${c.toLowerCase()}`);
}
