import { test } from 'node:test';
import assert from 'node:assert/strict';
import { encodeDeliverResponse } from '../../src/comm/deliver-response-codec.js';
import { Block, BlockData, BlockHeader, BlockMetadata, Envelope } from '../../src/common/protos/common.js';
import { DeliverResponse, FilteredBlock, OrdererDeliverResponse } from '../../src/common/protos/deliver.js';
import { newBlock } from '../../src/ledger/block-builder.js';

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');

function envelope(size: number): Envelope {
  const e = new Envelope();
  e.setPayload(Buffer.alloc(size, 1));
  e.setSignature(Buffer.alloc(71, 2));
  return e;
}

test('a block in a Deliver response is written as the generated code writes it, for the peer and the orderer', () => {
  const blocks = [
    newBlock({ number: 0, previousHash: new Uint8Array(0), envelopes: [envelope(3000)] }),
    newBlock({ number: 2 ** 40, previousHash: Buffer.alloc(32, 9), envelopes: [envelope(10), Buffer.alloc(0), envelope(20_000), envelope(0)] }),
    new Block(),
  ];
  const headerOnly = new Block();
  headerOnly.setHeader(new BlockHeader());
  const emptyParts = new Block();
  emptyParts.setData(new BlockData());
  const metadata = new BlockMetadata();
  metadata.setMetadataList([new Uint8Array(0), Buffer.from('signatures'), new Uint8Array(0)]);
  emptyParts.setMetadata(metadata);
  blocks.push(headerOnly, emptyParts);
  for (const block of blocks) {
    for (const response of [new DeliverResponse(), new OrdererDeliverResponse()]) {
      response.setBlock(block);
      const bytes = encodeDeliverResponse(response);
      assert.equal(hex(bytes), hex(response.serializeBinary()));
      assert.equal(hex(DeliverResponse.deserializeBinary(bytes).getBlock()?.serializeBinary() ?? new Uint8Array(0)), hex(block.serializeBinary()));
    }
  }
});

test('a status, or a filtered block, is written by the generated code', () => {
  const status = new DeliverResponse();
  status.setStatus(404);
  const filtered = new DeliverResponse();
  const fb = new FilteredBlock();
  fb.setChannelId('mychannel');
  fb.setNumber(7);
  filtered.setFilteredBlock(fb);
  for (const response of [status, filtered]) assert.equal(hex(encodeDeliverResponse(response)), hex(response.serializeBinary()));
});

test('the envelopes an orderer puts in a block are the bytes the generated code writes', () => {
  const envelopes = [envelope(5), envelope(0), envelope(5000), new Envelope()];
  const block = newBlock({ number: 1, previousHash: Buffer.alloc(32), envelopes });
  assert.deepEqual(block.getData()?.getDataList_asU8().map(hex), envelopes.map((e) => hex(e.serializeBinary())));
});
