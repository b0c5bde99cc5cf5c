import type { KeyRead, NamespaceRwSet, Version } from './ledger.js';
import { forEachField, repeatedBytesField, utf8 } from './proto-wire.js';
import { kvrwset, rwset, type TxReadWriteSet } from './protos.js';

/** Builds the `rwset.TxReadWriteSet` protobuf (data model KV) of sorted namespace sets. */
export function toTxReadWriteSet(namespaces: readonly NamespaceRwSet[]): TxReadWriteSet {
  const txRwSet = new rwset.TxReadWriteSet();
  txRwSet.setDataModel(rwset.TxReadWriteSet.DataModel.KV);
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
      kv.setWritesList(
        ns.writes.map((w) => {
          const write = new kvrwset.KVWrite();
          write.setKey(w.key);
          write.setIsDelete(w.isDelete);
          if (w.value !== undefined) write.setValue(w.value);
          return write;
        }),
      );
      kv.setMetadataWritesList(
        ns.metadataWrites.map((m) => {
          const write = new kvrwset.KVMetadataWrite();
          write.setKey(m.key);
          write.setEntriesList(
            m.entries.map((e) => {
              const entry = new kvrwset.KVMetadataEntry();
              entry.setName(e.name);
              entry.setValue(e.value);
              return entry;
            }),
          );
          return write;
        }),
      );
      const nsRwSet = new rwset.NsReadWriteSet();
      nsRwSet.setNamespace(ns.namespace);
      nsRwSet.setRwset(kv.serializeBinary());
      return nsRwSet;
    }),
  );
  return txRwSet;
}

/**
 * Reads the public part of a serialized TxReadWriteSet, straight from the wire format (it runs for
 * every committed transaction). Range queries summarised as merkle hashes (which Fabric peers
 * produce for large scans) are flagged, so the validator can treat them conservatively.
 */
export function fromTxReadWriteSetBytes(bytes: Uint8Array): Array<NamespaceRwSet & { hasMerkleSummaries: boolean }> {
  return repeatedBytesField(bytes, 2).map((nsBytes) => {
    let namespace = '';
    let kv: Uint8Array = new Uint8Array(0);
    forEachField(nsBytes, (field, _v, b) => {
      if (field === 1) namespace = utf8(b);
      else if (field === 2 && b !== undefined) kv = b;
    });
    const ns: NamespaceRwSet & { hasMerkleSummaries: boolean } = {
      namespace,
      reads: [],
      rangeQueries: [],
      writes: [],
      metadataWrites: [],
      hasMerkleSummaries: false,
    };
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
        let isDelete = false;
        let value: Uint8Array = new Uint8Array(0);
        forEachField(b, (f, v, inner) => {
          if (f === 1) key = utf8(inner);
          else if (f === 2) isDelete = v !== 0;
          else if (f === 3 && inner !== undefined) value = inner;
        });
        ns.writes.push({ key, isDelete, value: isDelete ? undefined : value });
      } else if (field === 4) {
        let key = '';
        const entries: Array<{ name: string; value: Uint8Array }> = [];
        forEachField(b, (f, _v, inner) => {
          if (f === 1) key = utf8(inner);
          else if (f === 2 && inner !== undefined) {
            const entry: { name: string; value: Uint8Array } = { name: '', value: new Uint8Array(0) };
            forEachField(inner, (ef, _ev, eb) => {
              if (ef === 1) entry.name = utf8(eb);
              else if (ef === 2 && eb !== undefined) entry.value = eb;
            });
            entries.push(entry);
          }
        });
        ns.metadataWrites.push({ key, entries });
      }
    });
    return ns;
  });
}

function readKvRead(bytes: Uint8Array): KeyRead {
  let key = '';
  let version: Version | undefined;
  forEachField(bytes, (field, _v, b) => {
    if (field === 1) key = utf8(b);
    else if (field === 2 && b !== undefined) {
      const v = { blockNum: 0, txNum: 0 };
      forEachField(b, (f, value) => {
        if (f === 1) v.blockNum = value;
        else if (f === 2) v.txNum = value;
      });
      version = v;
    }
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

