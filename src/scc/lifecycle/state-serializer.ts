import { createHash } from 'node:crypto';
import { LifecycleStateMetadata, StateData } from '../../common/protos/lifecycle.js';
import { SccError } from '../scc-error.js';

/** One field of a structure `_lifecycle` keeps in state: a number, a string, or bytes (a marshalled protobuf). */
export type FieldValue = { int64: number } | { string: string } | { bytes: Uint8Array };

/**
 * A structure as `_lifecycle` stores it: a type name and its fields in order. The layout is
 * Fabric's, key for key and byte for byte, so that Weft and Fabric peers read each other's state
 * and agree on the hashes of each organisation's approvals.
 */
export interface Structure {
  datatype: string;
  fields: ReadonlyArray<readonly [name: string, value: FieldValue]>;
}

export interface ReadableState {
  getState(key: string): Promise<Uint8Array | undefined>;
}

export interface WritableState extends ReadableState {
  putState(key: string, value: Uint8Array): Promise<void>;
  deleteState(key: string): Promise<void>;
}

/** State only seen through its hashes: another organisation's implicit collection. */
export interface HashedState {
  getStateHash(key: string): Promise<Uint8Array | undefined>;
}

/** `<namespace>/metadata/<name>`: the structure's type and field names. */
export function metadataKey(namespace: string, name: string): string {
  return `${namespace}/metadata/${name}`;
}

/** `<namespace>/fields/<name>/<field>`: one field's value. */
export function fieldKey(namespace: string, name: string, field: string): string {
  return `${namespace}/fields/${name}/${field}`;
}

function encodeMetadata(datatype: string, fields: readonly string[]): Uint8Array {
  const metadata = new LifecycleStateMetadata();
  metadata.setDatatype(datatype);
  metadata.setFieldsList([...fields]);
  return metadata.serializeBinary();
}

function encodeField(value: FieldValue): Uint8Array {
  const data = new StateData();
  if ('int64' in value) data.setInt64(value.int64);
  else if ('string' in value) data.setString(value.string);
  else data.setBytes(value.bytes);
  return data.serializeBinary();
}

function sha256(bytes: Uint8Array): Buffer {
  return createHash('sha256').update(bytes).digest();
}

function same(a: Uint8Array | undefined, b: Uint8Array | undefined): boolean {
  return a !== undefined && b !== undefined && Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(b);
}

/** Reads the structure's metadata; undefined when nothing is stored under the name. */
export async function readMetadata(namespace: string, name: string, state: ReadableState): Promise<LifecycleStateMetadata | undefined> {
  const bytes = await state.getState(metadataKey(namespace, name));
  if (bytes === undefined || bytes.length === 0) return undefined;
  try {
    return LifecycleStateMetadata.deserializeBinary(bytes);
  } catch (err) {
    throw new SccError('BAD_STATE', `could not unmarshal metadata for namespace ${namespace}/${name}`, { cause: err });
  }
}

/** One field as stored; a field never written reads as an empty StateData, as Fabric reads it. */
export async function readField(namespace: string, name: string, field: string, state: ReadableState): Promise<StateData> {
  const key = fieldKey(namespace, name, field);
  const bytes = (await state.getState(key)) ?? new Uint8Array();
  try {
    return StateData.deserializeBinary(bytes);
  } catch (err) {
    throw new SccError('BAD_STATE', `could not unmarshal state for key ${key}`, { cause: err });
  }
}

export async function readInt64(namespace: string, name: string, field: string, state: ReadableState): Promise<number> {
  const data = await readField(namespace, name, field, state);
  const kind = data.getTypeCase();
  if (kind === StateData.TypeCase.TYPE_NOT_SET) return 0;
  if (kind !== StateData.TypeCase.INT64) throw new SccError('BAD_STATE', `expected key ${fieldKey(namespace, name, field)} to encode a value of type Int64`);
  return data.getInt64();
}

export async function readString(namespace: string, name: string, field: string, state: ReadableState): Promise<string> {
  const data = await readField(namespace, name, field, state);
  const kind = data.getTypeCase();
  if (kind === StateData.TypeCase.TYPE_NOT_SET) return '';
  if (kind !== StateData.TypeCase.STRING) throw new SccError('BAD_STATE', `expected key ${fieldKey(namespace, name, field)} to encode a value of type String`);
  return data.getString();
}

export async function readBytes(namespace: string, name: string, field: string, state: ReadableState): Promise<Uint8Array> {
  const data = await readField(namespace, name, field, state);
  const kind = data.getTypeCase();
  if (kind === StateData.TypeCase.TYPE_NOT_SET) return new Uint8Array();
  if (kind !== StateData.TypeCase.BYTES) throw new SccError('BAD_STATE', `expected key ${fieldKey(namespace, name, field)} to encode a value of type []byte`);
  return data.getBytes_asU8();
}

/**
 * Stores a structure: each field whose bytes changed, the metadata when the type or field list
 * changed, and deletes fields the previous structure had and this one has not, as Fabric does
 * (writing unchanged keys again would make needless write-set entries).
 */
export async function serialize(namespace: string, name: string, structure: Structure, state: WritableState): Promise<void> {
  const previous = await readMetadata(namespace, name, state);
  const existing = new Map<string, Uint8Array | undefined>();
  for (const field of previous?.getFieldsList() ?? []) {
    const key = fieldKey(namespace, name, field);
    existing.set(key, await state.getState(key));
  }
  for (const [field, value] of structure.fields) {
    const key = fieldKey(namespace, name, field);
    const bytes = encodeField(value);
    if (!existing.has(key) || !same(existing.get(key), bytes)) await state.putState(key, bytes);
    existing.delete(key);
  }
  const names = structure.fields.map(([field]) => field);
  if (existing.size > 0 || previous?.getDatatype() !== structure.datatype || previous.getFieldsList().length !== names.length) {
    await state.putState(metadataKey(namespace, name), encodeMetadata(structure.datatype, names));
  }
  for (const key of existing.keys()) await state.deleteState(key);
}

/**
 * Whether the structure is stored under the name exactly as given, judged from hashes alone:
 * how one organisation sees another's approval in that organisation's implicit collection.
 */
export async function isSerialized(namespace: string, name: string, structure: Structure, state: HashedState): Promise<boolean> {
  const names = structure.fields.map(([field]) => field);
  const metadataHash = await state.getStateHash(metadataKey(namespace, name));
  if (!same(metadataHash, sha256(encodeMetadata(structure.datatype, names)))) return false;
  for (const [field, value] of structure.fields) {
    const hash = await state.getStateHash(fieldKey(namespace, name, field));
    if (!same(hash, sha256(encodeField(value)))) return false;
  }
  return true;
}
