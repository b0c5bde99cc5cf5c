import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import type { NamespaceRwSet } from '../../src/ledger/ledger.js';
import { kvrwset, rwset } from '../../src/ledger/protos.js';
import { fromTxReadWriteSetBytes, toTxRwSetBytes } from '../../src/ledger/rwset-codec.js';

const sha256 = (data: string | Uint8Array): Buffer => createHash('sha256').update(data).digest();
const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');

// Every kind of record, with the proto3 defaults (empty key, version 0, empty value) that must be left out.
const NAMESPACES: NamespaceRwSet[] = [
  {
    namespace: 'cc',
    reads: [
      { key: '', version: { blockNum: 0, txNum: 0 } },
      { key: 'a', version: { blockNum: 2 ** 40, txNum: 7 } },
      { key: 'missing', version: undefined },
    ],
    rangeQueries: [
      { startKey: 'a', endKey: 'z', itrExhausted: true, reads: [{ key: 'b', version: { blockNum: 3, txNum: 0 } }] },
      { startKey: '', endKey: '', itrExhausted: false, reads: [] },
    ],
    writes: [
      { key: 'a', isDelete: false, value: Buffer.from('1') },
      { key: 'empty', isDelete: false, value: new Uint8Array(0) },
      { key: 'gone', isDelete: true, value: undefined },
    ],
    metadataWrites: [{ key: 'a', entries: [{ name: 'VALIDATION_PARAMETER', value: Buffer.from('p') }] }],
    collections: [
      { collection: 'readonly', reads: [{ key: 'r', version: { blockNum: 1, txNum: 1 } }], writes: [], metadataWrites: [] },
      {
        collection: 'secret',
        reads: [],
        writes: [
          { key: 's', isDelete: false, isPurge: false, value: Buffer.from('v') },
          { key: 'p', isDelete: true, isPurge: true, value: undefined },
        ],
        metadataWrites: [{ key: 's', entries: [] }],
      },
    ],
  },
  { namespace: 'lscc', reads: [{ key: 'cc', version: { blockNum: 1, txNum: 0 } }], rangeQueries: [], writes: [], metadataWrites: [] },
];

test('read-write sets are written as the generated protobuf code writes them', () => {
  const { pub, pvt } = toTxRwSetBytes(NAMESPACES);
  const tx = rwset.TxReadWriteSet.deserializeBinary(pub);
  // Canonical: what google-protobuf (and Go's marshaller) would write for the same messages.
  assert.equal(hex(tx.serializeBinary()), hex(pub));
  assert.equal(tx.getDataModel(), rwset.TxReadWriteSet.DataModel.KV);
  const [cc, lscc] = tx.getNsRwsetList();
  assert.ok(cc !== undefined && lscc !== undefined);
  assert.equal(cc.getNamespace(), 'cc');
  assert.equal(lscc.getNamespace(), 'lscc');

  const kv = kvrwset.KVRWSet.deserializeBinary(cc.getRwset_asU8());
  assert.equal(hex(kv.serializeBinary()), hex(cc.getRwset_asU8()));
  assert.deepEqual(
    kv.getReadsList().map((r) => [r.getKey(), r.hasVersion(), r.getVersion()?.getBlockNum(), r.getVersion()?.getTxNum()]),
    [['', true, 0, 0], ['a', true, 2 ** 40, 7], ['missing', false, undefined, undefined]],
  );
  const [range, emptyRange] = kv.getRangeQueriesInfoList();
  assert.deepEqual([range?.getStartKey(), range?.getEndKey(), range?.getItrExhausted()], ['a', 'z', true]);
  assert.deepEqual(range?.getRawReads()?.getKvReadsList().map((r) => r.getKey()), ['b']);
  assert.equal(emptyRange?.hasRawReads(), true, 'raw_reads is a oneof member: written even when empty');
  assert.deepEqual(
    kv.getWritesList().map((w) => [w.getKey(), w.getIsDelete(), Buffer.from(w.getValue_asU8()).toString()]),
    [['a', false, '1'], ['empty', false, ''], ['gone', true, '']],
  );
  assert.deepEqual(
    kv.getMetadataWritesList().map((m) => [m.getKey(), m.getEntriesList().map((e) => [e.getName(), Buffer.from(e.getValue_asU8()).toString()])]),
    [['a', [['VALIDATION_PARAMETER', 'p']]]],
  );

  const [readonly, secret] = cc.getCollectionHashedRwsetList();
  assert.ok(readonly !== undefined && secret !== undefined);
  assert.equal(readonly.getCollectionName(), 'readonly');
  assert.equal(readonly.getPvtRwsetHash_asU8().length, 0, 'a collection only read has no private set to hash');
  const readHashes = kvrwset.HashedRWSet.deserializeBinary(readonly.getHashedRwset_asU8());
  assert.deepEqual(readHashes.getHashedReadsList().map((r) => [hex(r.getKeyHash_asU8()), r.getVersion()?.getBlockNum()]), [[hex(sha256('r')), 1]]);
  const writeHashes = kvrwset.HashedRWSet.deserializeBinary(secret.getHashedRwset_asU8());
  assert.equal(hex(writeHashes.serializeBinary()), hex(secret.getHashedRwset_asU8()));
  assert.deepEqual(
    writeHashes.getHashedWritesList().map((w) => [hex(w.getKeyHash_asU8()), w.getIsDelete(), hex(w.getValueHash_asU8()), w.getIsPurge()]),
    [
      [hex(sha256('s')), false, hex(sha256('v')), false],
      [hex(sha256('p')), true, '', true],
    ],
  );
  assert.deepEqual(writeHashes.getMetadataWritesList().map((m) => hex(m.getKeyHash_asU8())), [hex(sha256('s'))]);

  // The private set: the written collection alone, in the clear, hashed into the public set.
  assert.ok(pvt !== undefined);
  const txPvt = rwset.TxPvtReadWriteSet.deserializeBinary(pvt);
  assert.equal(hex(txPvt.serializeBinary()), hex(pvt));
  const [nsPvt] = txPvt.getNsPvtRwsetList();
  assert.ok(nsPvt !== undefined);
  assert.equal(nsPvt.getNamespace(), 'cc');
  assert.deepEqual(nsPvt.getCollectionPvtRwsetList().map((c) => c.getCollectionName()), ['secret']);
  const secretSet = nsPvt.getCollectionPvtRwsetList()[0]?.getRwset_asU8() ?? new Uint8Array();
  assert.equal(hex(secret.getPvtRwsetHash_asU8()), hex(sha256(secretSet)));
  assert.deepEqual(kvrwset.KVRWSet.deserializeBinary(secretSet).getWritesList().map((w) => w.getKey()), ['s', 'p']);
});

test('the reader gives back what the writer wrote; no collection written, no private set', () => {
  const publicOnly = NAMESPACES.slice(1);
  const { pub, pvt } = toTxRwSetBytes(publicOnly);
  assert.equal(pvt, undefined);
  const [lscc] = fromTxReadWriteSetBytes(pub);
  assert.ok(lscc !== undefined);
  assert.equal(lscc.namespace, 'lscc');
  assert.deepEqual(lscc.reads, [{ key: 'cc', version: { blockNum: 1, txNum: 0 } }]);
  assert.equal(toTxRwSetBytes([]).pub.length, 0, 'an empty set is an empty message');
});
