import type { CollectionRwSet, KeyMetadataWrite, KeyRead, KeyWrite, NamespaceRwSet, Version } from './ledger.js';
import { sha256 } from './private-data-keys.js';
import { forEachField, repeatedBytesField, utf8 } from '../common/protos/proto-wire.js';
import { WireWriter } from '../common/protos/wire-writer.js';

/** The serialized `rwset.TxReadWriteSet` (data model KV) of sorted namespace sets. */
export function toTxReadWriteSetBytes(namespaces: readonly NamespaceRwSet[]): Uint8Array {
  return toTxRwSetBytes(namespaces).pub;
}

/**
 * Serializes the public results, where each collection appears as hashes of its keys and values
 * (and of its private write set), and the private results holding the collections' writes in
 * the clear: undefined when no collection was written. Written field by field, in field-number
 * order with proto3's defaults left out, as the generated code and Go's marshaller write them:
 * this runs for every endorsement, and building the messages as objects first cost several times
 * the writing.
 */
export function toTxRwSetBytes(namespaces: readonly NamespaceRwSet[]): { pub: Uint8Array; pvt: Uint8Array | undefined } {
  const w = new WireWriter(512);
  const pvtNamespaces: Array<{ namespace: string; collections: Array<{ collection: string; rwset: Uint8Array }> }> = [];
  // data_model (field 1) is KV, proto3's default: not written.
  for (const n of namespaces) {
    w.message(2, () => {
      if (n.namespace !== '') w.string(1, n.namespace);
      w.embedded(2, () => writeKvRwSet(w, n));
      const pvtCollections: Array<{ collection: string; rwset: Uint8Array }> = [];
      for (const c of n.collections ?? []) {
        let pvtRwSet: Uint8Array | undefined;
        if (c.writes.length > 0 || c.metadataWrites.length > 0) {
          const pvt = new WireWriter();
          writeKvRwSet(pvt, { reads: [], rangeQueries: [], writes: c.writes, metadataWrites: c.metadataWrites });
          pvtRwSet = pvt.finish();
          pvtCollections.push({ collection: c.collection, rwset: pvtRwSet });
        }
        w.message(3, () => writeCollectionHashes(w, c, pvtRwSet));
      }
      if (pvtCollections.length > 0) pvtNamespaces.push({ namespace: n.namespace, collections: pvtCollections });
    });
  }
  return { pub: w.finish(), pvt: pvtNamespaces.length === 0 ? undefined : txPvtRwSetBytes(pvtNamespaces) };
}

/** A `kvrwset.KVRWSet`: reads 1, range queries 2, writes 3, metadata writes 4. */
function writeKvRwSet(w: WireWriter, ns: Pick<NamespaceRwSet, 'reads' | 'rangeQueries' | 'writes' | 'metadataWrites'>): void {
  for (const r of ns.reads) w.message(1, () => writeKvRead(w, r));
  for (const rq of ns.rangeQueries) {
    w.message(2, () => {
      if (rq.startKey !== '') w.string(1, rq.startKey);
      if (rq.endKey !== '') w.string(2, rq.endKey);
      if (rq.itrExhausted) w.varint(3, 1);
      // raw_reads (a oneof member): written even when it holds no read.
      w.message(4, () => {
        for (const r of rq.reads) w.message(1, () => writeKvRead(w, r));
      });
    });
  }
  for (const write of ns.writes) {
    w.message(3, () => {
      if (write.key !== '') w.string(1, write.key);
      if (write.isDelete) w.varint(2, 1);
      if (write.value !== undefined && write.value.length > 0) w.bytes(3, write.value);
    });
  }
  for (const m of ns.metadataWrites) {
    w.message(4, () => {
      if (m.key !== '') w.string(1, m.key);
      writeMetadataEntries(w, m.entries);
    });
  }
}

/** A `rwset.CollectionHashedReadWriteSet`: name 1, the `kvrwset.HashedRWSet` 2, the private set's hash 3. */
function writeCollectionHashes(w: WireWriter, c: CollectionRwSet, pvtRwSet: Uint8Array | undefined): void {
  if (c.collection !== '') w.string(1, c.collection);
  w.embedded(2, () => {
    for (const r of c.reads) {
      w.message(1, () => {
        w.bytes(1, sha256(r.key));
        const version = r.version;
        if (version !== undefined) w.message(2, () => writeVersion(w, version));
      });
    }
    for (const write of c.writes) {
      w.message(2, () => {
        w.bytes(1, sha256(write.key));
        if (write.isDelete) w.varint(2, 1);
        if (!write.isDelete && write.value !== undefined) w.bytes(3, sha256(write.value));
        if (write.isPurge) w.varint(4, 1);
      });
    }
    for (const m of c.metadataWrites) {
      w.message(3, () => {
        w.bytes(1, sha256(m.key));
        writeMetadataEntries(w, m.entries);
      });
    }
  });
  if (pvtRwSet !== undefined) w.bytes(3, sha256(pvtRwSet));
}

/** A `rwset.TxPvtReadWriteSet` of the collections' private write sets. */
function txPvtRwSetBytes(namespaces: ReadonlyArray<{ namespace: string; collections: ReadonlyArray<{ collection: string; rwset: Uint8Array }> }>): Uint8Array {
  const w = new WireWriter();
  for (const ns of namespaces) {
    w.message(2, () => {
      if (ns.namespace !== '') w.string(1, ns.namespace);
      for (const c of ns.collections) {
        w.message(2, () => {
          if (c.collection !== '') w.string(1, c.collection);
          if (c.rwset.length > 0) w.bytes(2, c.rwset);
        });
      }
    });
  }
  return w.finish();
}

/** A `kvrwset.KVRead`: key 1, version 2 (left out for a key that did not exist). */
function writeKvRead(w: WireWriter, r: KeyRead): void {
  if (r.key !== '') w.string(1, r.key);
  const version = r.version;
  if (version !== undefined) w.message(2, () => writeVersion(w, version));
}

/** A `kvrwset.Version`: block number 1, transaction number 2. */
function writeVersion(w: WireWriter, v: Version): void {
  if (v.blockNum !== 0) w.varint(1, v.blockNum);
  if (v.txNum !== 0) w.varint(2, v.txNum);
}

/** Repeated `kvrwset.KVMetadataEntry` (name 1, value 2) as field 2 of a metadata write. */
function writeMetadataEntries(w: WireWriter, entries: ReadonlyArray<{ name: string; value: Uint8Array }>): void {
  for (const e of entries) {
    w.message(2, () => {
      if (e.name !== '') w.string(1, e.name);
      if (e.value.length > 0) w.bytes(2, e.value);
    });
  }
}

/** A collection's part of the public results: hashes only. */
export interface CollectionHashes {
  collection: string;
  reads: Array<{ keyHash: Uint8Array; version: Version | undefined }>;
  writes: Array<{ keyHash: Uint8Array; valueHash: Uint8Array | undefined; isDelete: boolean; isPurge: boolean }>;
  metadataWrites: Array<{ keyHash: Uint8Array; entries: Array<{ name: string; value: Uint8Array }> }>;
  /** SHA-256 of the collection's private write set; empty when the transaction only read it. */
  pvtRwSetHash: Uint8Array;
}

export type ParsedNamespaceRwSet = NamespaceRwSet & { hasMerkleSummaries: boolean; collectionHashes: CollectionHashes[] };

/**
 * Reads the public part of a serialized TxReadWriteSet, straight from the wire format (it runs for
 * every committed transaction). Range queries summarised as merkle hashes (which Fabric peers
 * produce for large scans) are flagged, so the validator can treat them conservatively.
 */
export function fromTxReadWriteSetBytes(bytes: Uint8Array): ParsedNamespaceRwSet[] {
  return repeatedBytesField(bytes, 2).map((nsBytes) => {
    let namespace = '';
    let kv: Uint8Array = new Uint8Array(0);
    const collectionHashes: CollectionHashes[] = [];
    forEachField(nsBytes, (field, _v, b) => {
      if (field === 1) namespace = utf8(b);
      else if (field === 2 && b !== undefined) kv = b;
      else if (field === 3 && b !== undefined) collectionHashes.push(readCollectionHashes(b));
    });
    const ns: ParsedNamespaceRwSet = {
      namespace,
      reads: [],
      rangeQueries: [],
      writes: [],
      metadataWrites: [],
      hasMerkleSummaries: false,
      collectionHashes,
    };
    readKvRwSet(kv, ns);
    return ns;
  });
}

/** The writes of a private write set (a collection's KVRWSet). */
export function fromPvtKvRwSetBytes(bytes: Uint8Array): { writes: KeyWrite[]; metadataWrites: KeyMetadataWrite[] } {
  const sets: NamespaceRwSet & { hasMerkleSummaries: boolean } = {
    namespace: '',
    reads: [],
    rangeQueries: [],
    writes: [],
    metadataWrites: [],
    hasMerkleSummaries: false,
  };
  readKvRwSet(bytes, sets);
  return { writes: sets.writes, metadataWrites: sets.metadataWrites };
}

/** Each collection's private write set, serialized, in a TxPvtReadWriteSet. */
export function fromTxPvtReadWriteSetBytes(bytes: Uint8Array): Array<{ namespace: string; collection: string; rwset: Uint8Array }> {
  const out: Array<{ namespace: string; collection: string; rwset: Uint8Array }> = [];
  for (const nsBytes of repeatedBytesField(bytes, 2)) {
    let namespace = '';
    const collections: Uint8Array[] = [];
    forEachField(nsBytes, (field, _v, b) => {
      if (field === 1) namespace = utf8(b);
      else if (field === 2 && b !== undefined) collections.push(b);
    });
    for (const c of collections) {
      let collection = '';
      let rwset: Uint8Array = new Uint8Array(0);
      forEachField(c, (field, _v, b) => {
        if (field === 1) collection = utf8(b);
        else if (field === 2 && b !== undefined) rwset = b;
      });
      out.push({ namespace, collection, rwset });
    }
  }
  return out;
}

function readKvRwSet(kv: Uint8Array, ns: NamespaceRwSet & { hasMerkleSummaries: boolean }): void {
  forEachField(kv, (field, _v, b) => {
    if (b === undefined) return;
    if (field === 1) ns.reads.push(readKvRead(b));
    else if (field === 2) {
      const rq = { startKey: '', endKey: '', itrExhausted: false, reads: [] as KeyRead[] };
      forEachField(b, (f, value, inner) => {
        if (f === 1) rq.startKey = utf8(inner);
        else if (f === 2) rq.endKey = utf8(inner);
        else if (f === 3) rq.itrExhausted = value !== 0;
        else if (f === 4 && inner !== undefined) rq.reads = repeatedBytesField(inner, 1).map(readKvRead);
        else if (f === 5) ns.hasMerkleSummaries = true;
      });
      ns.rangeQueries.push(rq);
    } else if (field === 3) {
      let key = '';
      // Set by the callback; `as boolean` keeps TypeScript from taking it for always false.
      let isDelete = false as boolean;
      let value: Uint8Array = new Uint8Array(0);
      forEachField(b, (f, v, inner) => {
        if (f === 1) key = utf8(inner);
        else if (f === 2) isDelete = v !== 0;
        else if (f === 3 && inner !== undefined) value = inner;
      });
      ns.writes.push({ key, isDelete, value: isDelete ? undefined : value });
    } else if (field === 4) {
      const { key, entries } = readMetadataWrite(b);
      ns.metadataWrites.push({ key: utf8(key), entries });
    }
  });
}

// KVMetadataWrite and KVMetadataWriteHash share their layout: the key (or its hash), then entries.
function readMetadataWrite(b: Uint8Array): { key: Uint8Array; entries: Array<{ name: string; value: Uint8Array }> } {
  let key: Uint8Array = new Uint8Array(0);
  const entries: Array<{ name: string; value: Uint8Array }> = [];
  forEachField(b, (f, _v, inner) => {
    if (f === 1 && inner !== undefined) key = inner;
    else if (f === 2 && inner !== undefined) {
      const entry: { name: string; value: Uint8Array } = { name: '', value: new Uint8Array(0) };
      forEachField(inner, (ef, _ev, eb) => {
        if (ef === 1) entry.name = utf8(eb);
        else if (ef === 2 && eb !== undefined) entry.value = eb;
      });
      entries.push(entry);
    }
  });
  return { key, entries };
}

function readCollectionHashes(b: Uint8Array): CollectionHashes {
  const c: CollectionHashes = { collection: '', reads: [], writes: [], metadataWrites: [], pvtRwSetHash: new Uint8Array(0) };
  let hashed: Uint8Array = new Uint8Array(0);
  forEachField(b, (f, _v, inner) => {
    if (f === 1) c.collection = utf8(inner);
    else if (f === 2 && inner !== undefined) hashed = inner;
    else if (f === 3 && inner !== undefined) c.pvtRwSetHash = inner;
  });
  forEachField(hashed, (field, _v, inner) => {
    if (inner === undefined) return;
    if (field === 1) {
      let keyHash: Uint8Array = new Uint8Array(0);
      let version: Version | undefined;
      forEachField(inner, (f, _fv, fb) => {
        if (f === 1 && fb !== undefined) keyHash = fb;
        else if (f === 2 && fb !== undefined) version = readVersion(fb);
      });
      c.reads.push({ keyHash, version });
    } else if (field === 2) {
      const w: CollectionHashes['writes'][number] = { keyHash: new Uint8Array(0), valueHash: undefined, isDelete: false, isPurge: false };
      forEachField(inner, (f, fv, fb) => {
        if (f === 1 && fb !== undefined) w.keyHash = fb;
        else if (f === 2) w.isDelete = fv !== 0;
        else if (f === 3 && fb !== undefined) w.valueHash = fb;
        else if (f === 4) w.isPurge = fv !== 0;
      });
      c.writes.push(w);
    } else if (field === 3) {
      const { key, entries } = readMetadataWrite(inner);
      c.metadataWrites.push({ keyHash: key, entries });
    }
  });
  return c;
}

function readVersion(b: Uint8Array): Version {
  const v = { blockNum: 0, txNum: 0 };
  forEachField(b, (f, value) => {
    if (f === 1) v.blockNum = value;
    else if (f === 2) v.txNum = value;
  });
  return v;
}

function readKvRead(bytes: Uint8Array): KeyRead {
  let key = '';
  let version: Version | undefined;
  forEachField(bytes, (field, _v, b) => {
    if (field === 1) key = utf8(b);
    else if (field === 2 && b !== undefined) version = readVersion(b);
  });
  return { key, version };
}

