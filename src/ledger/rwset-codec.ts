import type { CollectionRwSet, KeyMetadataWrite, KeyRead, KeyWrite, NamespaceRwSet, Version } from './ledger.js';
import { sha256 } from './private-data-keys.js';
import { forEachField, repeatedBytesField, utf8 } from './proto-wire.js';
import { kvrwset, rwset, type TxPvtReadWriteSet, type TxReadWriteSet } from './protos.js';

/** Builds the `rwset.TxReadWriteSet` protobuf (data model KV) of sorted namespace sets. */
export function toTxReadWriteSet(namespaces: readonly NamespaceRwSet[]): TxReadWriteSet {
  return toTxRwSets(namespaces).pub;
}

/**
 * Builds the public results, where each collection appears as hashes of its keys and values
 * (and of its private write set), and the private results holding the collections' writes in
 * the clear: undefined when no collection was written.
 */
export function toTxRwSets(namespaces: readonly NamespaceRwSet[]): { pub: TxReadWriteSet; pvt: TxPvtReadWriteSet | undefined } {
  const txRwSet = new rwset.TxReadWriteSet();
  txRwSet.setDataModel(rwset.TxReadWriteSet.DataModel.KV);
  const pvtNamespaces: InstanceType<typeof rwset.NsPvtReadWriteSet>[] = [];
  txRwSet.setNsRwsetList(
    namespaces.map((ns) => {
      const kv = new kvrwset.KVRWSet();
      kv.setReadsList(ns.reads.map(toKvRead));
      kv.setRangeQueriesInfoList(
        ns.rangeQueries.map((rq) => {
          const info = new kvrwset.RangeQueryInfo();
          info.setStartKey(rq.startKey);
          info.setEndKey(rq.endKey);
          info.setItrExhausted(rq.itrExhausted);
          const raw = new kvrwset.QueryReads();
          raw.setKvReadsList(rq.reads.map(toKvRead));
          info.setRawReads(raw);
          return info;
        }),
      );
      kv.setWritesList(ns.writes.map(toKvWrite));
      kv.setMetadataWritesList(ns.metadataWrites.map(toKvMetadataWrite));
      const nsRwSet = new rwset.NsReadWriteSet();
      nsRwSet.setNamespace(ns.namespace);
      nsRwSet.setRwset(kv.serializeBinary());
      if (ns.collections !== undefined) {
        const pvt = addCollections(nsRwSet, ns.namespace, ns.collections);
        if (pvt !== undefined) pvtNamespaces.push(pvt);
      }
      return nsRwSet;
    }),
  );
  if (pvtNamespaces.length === 0) return { pub: txRwSet, pvt: undefined };
  const pvt = new rwset.TxPvtReadWriteSet();
  pvt.setDataModel(rwset.TxReadWriteSet.DataModel.KV);
  pvt.setNsPvtRwsetList(pvtNamespaces);
  return { pub: txRwSet, pvt };
}

/**
 * Adds each collection's hashes to the namespace's public set, and returns the collections'
 * private writes (undefined when the transaction only read them).
 */
function addCollections(
  nsRwSet: InstanceType<typeof rwset.NsReadWriteSet>,
  namespace: string,
  collections: readonly CollectionRwSet[],
): InstanceType<typeof rwset.NsPvtReadWriteSet> | undefined {
  const pvtCollections: InstanceType<typeof rwset.CollectionPvtReadWriteSet>[] = [];
  nsRwSet.setCollectionHashedRwsetList(
    collections.map((c) => {
      const hashed = toCollectionHashedRwSet(c);
      if (c.writes.length === 0 && c.metadataWrites.length === 0) return hashed;
      const pvtKv = new kvrwset.KVRWSet();
      pvtKv.setWritesList(c.writes.map(toKvWrite));
      pvtKv.setMetadataWritesList(c.metadataWrites.map(toKvMetadataWrite));
      const pvtBytes = pvtKv.serializeBinary();
      hashed.setPvtRwsetHash(sha256(pvtBytes));
      const pvtCollection = new rwset.CollectionPvtReadWriteSet();
      pvtCollection.setCollectionName(c.collection);
      pvtCollection.setRwset(pvtBytes);
      pvtCollections.push(pvtCollection);
      return hashed;
    }),
  );
  if (pvtCollections.length === 0) return undefined;
  const nsPvt = new rwset.NsPvtReadWriteSet();
  nsPvt.setNamespace(namespace);
  nsPvt.setCollectionPvtRwsetList(pvtCollections);
  return nsPvt;
}

function toCollectionHashedRwSet(c: CollectionRwSet): InstanceType<typeof rwset.CollectionHashedReadWriteSet> {
  const hashedRwSet = new kvrwset.HashedRWSet();
  hashedRwSet.setHashedReadsList(
    c.reads.map((r) => {
      const read = new kvrwset.KVReadHash();
      read.setKeyHash(sha256(r.key));
      if (r.version !== undefined) read.setVersion(toKvVersion(r.version));
      return read;
    }),
  );
  hashedRwSet.setHashedWritesList(
    c.writes.map((w) => {
      const write = new kvrwset.KVWriteHash();
      write.setKeyHash(sha256(w.key));
      write.setIsDelete(w.isDelete);
      write.setIsPurge(w.isPurge);
      if (!w.isDelete && w.value !== undefined) write.setValueHash(sha256(w.value));
      return write;
    }),
  );
  hashedRwSet.setMetadataWritesList(
    c.metadataWrites.map((m) => {
      const write = new kvrwset.KVMetadataWriteHash();
      write.setKeyHash(sha256(m.key));
      write.setEntriesList(m.entries.map(toKvMetadataEntry));
      return write;
    }),
  );
  const hashed = new rwset.CollectionHashedReadWriteSet();
  hashed.setCollectionName(c.collection);
  hashed.setHashedRwset(hashedRwSet.serializeBinary());
  return hashed;
}

function toKvWrite(w: KeyWrite): InstanceType<typeof kvrwset.KVWrite> {
  const write = new kvrwset.KVWrite();
  write.setKey(w.key);
  write.setIsDelete(w.isDelete);
  if (w.value !== undefined) write.setValue(w.value);
  return write;
}

function toKvMetadataWrite(m: KeyMetadataWrite): InstanceType<typeof kvrwset.KVMetadataWrite> {
  const write = new kvrwset.KVMetadataWrite();
  write.setKey(m.key);
  write.setEntriesList(m.entries.map(toKvMetadataEntry));
  return write;
}

function toKvMetadataEntry(e: { name: string; value: Uint8Array }): InstanceType<typeof kvrwset.KVMetadataEntry> {
  const entry = new kvrwset.KVMetadataEntry();
  entry.setName(e.name);
  entry.setValue(e.value);
  return entry;
}

function toKvVersion(v: Version): InstanceType<typeof kvrwset.Version> {
  const version = new kvrwset.Version();
  version.setBlockNum(v.blockNum);
  version.setTxNum(v.txNum);
  return version;
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

function toKvRead(r: KeyRead): InstanceType<typeof kvrwset.KVRead> {
  const read = new kvrwset.KVRead();
  read.setKey(r.key);
  if (r.version !== undefined) {
    const version = new kvrwset.Version();
    version.setBlockNum(r.version.blockNum);
    version.setTxNum(r.version.txNum);
    read.setVersion(version);
  }
  return read;
}

