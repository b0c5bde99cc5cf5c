import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { blockDataHash, blockHeaderBytes, blockHeaderHash, hashOfBlock } from '../../src/ledger/block-hash.js';
import { newBlock } from '../../src/ledger/block-builder.js';

// Expected bytes and hashes were produced independently with `openssl asn1parse -genconf`
// (SEQUENCE of INTEGER, OCTET STRING, OCTET STRING), the structure Go's asn1.Marshal gives
// Fabric's block header.
const EMPTY_SHA256 = Buffer.from('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855', 'hex');
const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

test('header DER: a number with its top bit set gets a leading zero byte', () => {
  const header = { number: 128, previousHash: Buffer.from('foo'), dataHash: Buffer.from('bar') };
  assert.equal(hex(blockHeaderBytes(header)), '300e020200800403666f6f0403626172');
  assert.equal(hex(blockHeaderHash(header)), '16156043c6bfdb0ac94f0ba6306d6506a2b7a48f7c9c3fffabb20013df5f5f19');
});

test('header DER: block 0 with an empty previous hash', () => {
  const header = { number: 0, previousHash: new Uint8Array(0), dataHash: EMPTY_SHA256 };
  assert.equal(hex(blockHeaderBytes(header)), `302702010004000420${hex(EMPTY_SHA256)}`);
  assert.equal(hex(blockHeaderHash(header)), '9cae6f5c10756febc407bba95fc23853774c1f65f10354895bfdab6443d66ed3');
});

test('header DER: long-form lengths and a multi-byte number', () => {
  const header = { number: 2 ** 40, previousHash: Buffer.concat([EMPTY_SHA256, EMPTY_SHA256, EMPTY_SHA256]), dataHash: EMPTY_SHA256 };
  assert.equal(hex(blockHeaderBytes(header)).slice(0, 22), '30818c0206010000000000');
  assert.equal(hex(blockHeaderHash(header)), 'a3ec4310783b4a345d05d798c7e8966bca45d52138056d0c17c1cd0ff0f36d08');
});

test('header DER: negative or unsafe block numbers are refused', () => {
  assert.throws(() => blockHeaderBytes({ number: -1, previousHash: new Uint8Array(0), dataHash: new Uint8Array(0) }), RangeError);
  assert.throws(() => blockHeaderBytes({ number: 2 ** 53, previousHash: new Uint8Array(0), dataHash: new Uint8Array(0) }), RangeError);
});

test('data hash is SHA-256 over the concatenated envelopes', () => {
  const data = [Buffer.from('ab'), Buffer.from('c'), new Uint8Array(0)];
  assert.equal(hex(blockDataHash(data)), createHash('sha256').update('abc').digest('hex'));
  assert.equal(hex(blockDataHash([])), hex(EMPTY_SHA256));
});

test('hashOfBlock hashes the header only, not the metadata', () => {
  const block = newBlock({ number: 3, previousHash: Buffer.from('prev'), envelopes: [Buffer.from('tx')] });
  const before = hex(hashOfBlock(block));
  block.getMetadata()?.setMetadataList([Buffer.from('changed')]);
  assert.equal(hex(hashOfBlock(block)), before);
  assert.equal(before, hex(blockHeaderHash({ number: 3, previousHash: Buffer.from('prev'), dataHash: blockDataHash([Buffer.from('tx')]) })));
});
