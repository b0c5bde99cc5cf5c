import type { KeyRead, NamespaceRwSet, Version } from './ledger.js';
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
 * Reads the public part of a serialized TxReadWriteSet. Range queries summarised as merkle
 * hashes (which Fabric peers produce for large scans) are flagged, so the validator can treat
 * them conservatively.
 */
export function fromTxReadWriteSetBytes(bytes: Uint8Array): Array<NamespaceRwSet & { hasMerkleSummaries: boolean }> {
  const txRwSet = rwset.TxReadWriteSet.deserializeBinary(bytes);
  return txRwSet.getNsRwsetList().map((ns) => {
    const kv = kvrwset.KVRWSet.deserializeBinary(ns.getRwset_asU8());
    const infos = kv.getRangeQueriesInfoList();
    return {
      namespace: ns.getNamespace(),
      reads: kv.getReadsList().map(fromKvRead),
      rangeQueries: infos.map((info) => ({
        startKey: info.getStartKey(),
        endKey: info.getEndKey(),
        itrExhausted: info.getItrExhausted(),
        reads: info.getRawReads()?.getKvReadsList().map(fromKvRead) ?? [],
      })),
      hasMerkleSummaries: infos.some((info) => info.hasReadsMerkleHashes()),
      writes: kv.getWritesList().map((w) => ({
        key: w.getKey(),
        isDelete: w.getIsDelete(),
        value: w.getIsDelete() ? undefined : w.getValue_asU8(),
      })),
      metadataWrites: kv.getMetadataWritesList().map((m) => ({
        key: m.getKey(),
        entries: m.getEntriesList().map((e) => ({ name: e.getName(), value: e.getValue_asU8() })),
      })),
    };
  });
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

function fromKvRead(read: InstanceType<typeof kvrwset.KVRead>): KeyRead {
  const v = read.getVersion();
  const version: Version | undefined = v === undefined ? undefined : { blockNum: v.getBlockNum(), txNum: v.getTxNum() };
  return { key: read.getKey(), version };
}
