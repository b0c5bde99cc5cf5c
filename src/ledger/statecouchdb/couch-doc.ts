import jspb from 'google-protobuf';
import { kvrwset } from '../protos.js';
import type { VersionedValue } from '../ledger-records.js';
import type { Version } from '../ledger.js';
import { CouchDbError } from './couchdb-error.js';
import { goJson } from '../go-json.js';

/** A CouchDB document as the state database reads and writes it. */
export type CouchDoc = Record<string, unknown> & { _id: string; _rev?: string };

/** The version (and metadata) field of every state document. */
export const VERSION_FIELD = '~version';
/** The attachment holding a value that is not a JSON object. */
export const BINARY_ATTACHMENT = 'valueBytes';
const ID_FIELD = '_id';
const REV_FIELD = '_rev';
const DELETED_FIELD = '_deleted';
const ATTACHMENTS_FIELD = '_attachments';

/**
 * The document for a key's value: a JSON object's fields as the document's (CouchDB indexes and
 * queries them), any other value as an attachment; the version and metadata in `~version`.
 * `undefined` writes a deletion.
 */
export function toCouchDoc(key: string, value: VersionedValue | undefined, rev: string | undefined): CouchDoc {
  if (value === undefined) return { _id: key, _rev: rev, _deleted: true };
  const fields = jsonObjectOf(value.value);
  const doc: CouchDoc = { _id: key };
  if (rev !== undefined) doc._rev = rev;
  if (fields === undefined) {
    doc[ATTACHMENTS_FIELD] = {
      [BINARY_ATTACHMENT]: { content_type: 'application/octet-stream', data: Buffer.from(value.value).toString('base64') },
    };
  } else {
    for (const [name, v] of Object.entries(fields)) {
      if (name === VERSION_FIELD || name.startsWith('_')) {
        throw new CouchDbError('INVALID_VALUE', `field [${name}] is not valid for the CouchDB state database`);
      }
      doc[name] = v;
    }
  }
  doc[VERSION_FIELD] = encodeVersionField(value.version, value.metadata);
  return doc;
}

/** The value a state document holds, with its version and metadata. */
export function fromCouchDoc(doc: Record<string, unknown>): VersionedValue {
  const versionField = doc[VERSION_FIELD];
  if (typeof versionField !== 'string') {
    throw new CouchDbError('COUCHDB_REQUEST_FAILED', `document [${String(doc[ID_FIELD])}] has no ${VERSION_FIELD} field: it was not written by a Fabric peer`);
  }
  const { version, metadata } = decodeVersionField(versionField);
  const attachment = (doc[ATTACHMENTS_FIELD] as Record<string, { data?: string }> | undefined)?.[BINARY_ATTACHMENT];
  if (attachment?.data !== undefined) return { value: Buffer.from(attachment.data, 'base64'), version, metadata };
  const fields: Record<string, unknown> = {};
  for (const [name, v] of Object.entries(doc)) {
    if (name === ID_FIELD || name === REV_FIELD || name === VERSION_FIELD || name === DELETED_FIELD || name === ATTACHMENTS_FIELD) continue;
    fields[name] = v;
  }
  return { value: Buffer.from(goJson(fields)), version, metadata };
}

/** Fabric's checks of a key and value before a CouchDB state database takes them; the error names what is wrong. */
export function validateKeyValue(key: string, value: Uint8Array | undefined): void {
  // A JavaScript string fails as UTF-8 only with a lone surrogate half.
  if (/\p{Surrogate}/u.test(key)) {
    throw new CouchDbError('INVALID_VALUE', `invalid key [${Buffer.from(key).toString('hex')}], must be a UTF-8 string`);
  }
  if (key.startsWith('_')) throw new CouchDbError('INVALID_VALUE', `invalid key [${key}], cannot begin with "_"`);
  if (key === '') throw new CouchDbError('INVALID_VALUE', 'invalid key. Empty string is not supported as a key by couchdb');
  if (value === undefined) return;
  const fields = jsonObjectOf(value);
  for (const name of Object.keys(fields ?? {})) {
    if (name === VERSION_FIELD || name.startsWith('_')) throw new CouchDbError('INVALID_VALUE', `field [${name}] is not valid for the CouchDB state database`);
  }
}

/**
 * `~version`: base64 of the protobuf { bytes version_bytes = 1; bytes metadata = 2; }, the
 * version as Fabric's order-preserving varints (block number, then transaction number) and the
 * metadata as a KVMetadataWrite's entries.
 */
export function encodeVersionField(version: Version, metadata: Map<string, Uint8Array> | undefined): string {
  const writer = new jspb.BinaryWriter();
  writer.writeBytes(1, Buffer.concat([orderPreservingVarUint(version.blockNum), orderPreservingVarUint(version.txNum)]));
  if (metadata !== undefined && metadata.size > 0) {
    const write = new kvrwset.KVMetadataWrite();
    write.setEntriesList(
      [...metadata].map(([name, value]) => {
        const entry = new kvrwset.KVMetadataEntry();
        entry.setName(name);
        entry.setValue(value);
        return entry;
      }),
    );
    writer.writeBytes(2, write.serializeBinary());
  }
  return Buffer.from(writer.getResultBuffer()).toString('base64');
}

export function decodeVersionField(field: string): { version: Version; metadata: Map<string, Uint8Array> | undefined } {
  const reader = new jspb.BinaryReader(Buffer.from(field, 'base64'));
  let versionBytes: Uint8Array = new Uint8Array(0);
  let metadataBytes: Uint8Array | undefined;
  while (reader.nextField() && !reader.isEndGroup()) {
    if (reader.getFieldNumber() === 1) versionBytes = reader.readBytes();
    else if (reader.getFieldNumber() === 2) metadataBytes = reader.readBytes();
    else reader.skipField();
  }
  const block = readOrderPreservingVarUint(versionBytes, 0);
  const tx = readOrderPreservingVarUint(versionBytes, block.next);
  let metadata: Map<string, Uint8Array> | undefined;
  if (metadataBytes !== undefined && metadataBytes.length > 0) {
    metadata = new Map(kvrwset.KVMetadataWrite.deserializeBinary(metadataBytes).getEntriesList().map((e) => [e.getName(), e.getValue_asU8()]));
  }
  return { version: { blockNum: block.value, txNum: tx.value }, metadata };
}

/** Fabric's order-preserving varint: a length byte, then the number's big-endian bytes without leading zeros. */
function orderPreservingVarUint(n: number): Buffer {
  const bytes: number[] = [];
  for (let v = n; v > 0; v = Math.floor(v / 256)) bytes.unshift(v % 256);
  return Buffer.from([bytes.length, ...bytes]);
}

function readOrderPreservingVarUint(bytes: Uint8Array, at: number): { value: number; next: number } {
  const size = bytes[at] ?? 0;
  let value = 0;
  for (let i = 1; i <= size; i++) value = value * 256 + (bytes[at + i] ?? 0);
  return { value, next: at + 1 + size };
}

/** The value as a JSON object, when it is one. */
function jsonObjectOf(value: Uint8Array): Record<string, unknown> | undefined {
  let i = 0;
  while (value[i] === 0x20 || value[i] === 0x0a || value[i] === 0x0d || value[i] === 0x09) i++;
  if (value[i] !== 0x7b) return undefined;
  try {
    const parsed: unknown = JSON.parse(Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('utf8'));
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
