/** The real Fabric 2.4.9 channel of ../shared/fixtures/fabric-2.4.9 (see its README.md). */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Block, BlockData, BlockHeader, BlockMetadata } from '../../src/common/protos/common.js';

/** The fixture folder, beside the repository's root (tests run from dist/test/...). */
export const FABRIC_FIXTURE = fileURLToPath(new URL('../../../../shared/fixtures/fabric-2.4.9/', import.meta.url));

const ORG1 = join(FABRIC_FIXTURE, 'crypto/peerOrganizations/org1.example.com');
const ORDERER_ORG = join(FABRIC_FIXTURE, 'crypto/ordererOrganizations/example.com');

/** MSP folders of the fixture's crypto material. */
export const FIXTURE_MSP = {
  org1: join(ORG1, 'msp'),
  org1Peer0: join(ORG1, 'peers/peer0.org1.example.com/msp'),
  org1Admin: join(ORG1, 'users/Admin@org1.example.com/msp'),
  org1User1: join(ORG1, 'users/User1@org1.example.com/msp'),
  orderer: join(ORDERER_ORG, 'msp'),
  ordererNode: join(ORDERER_ORG, 'orderers/orderer.example.com/msp'),
} as const;

/**
 * The channel's blocks 0..25 as the Fabric peer stored them: each preceded by its length as a
 * varint, and each in Fabric's block-file serialization (blkstorage/block_serialization.go), not
 * a protobuf Block: number (varint), data hash and previous hash (varint-length bytes), the count
 * of envelopes then each (varint-length bytes), the count of metadata entries then each.
 */
export async function readFixtureBlocks(): Promise<Block[]> {
  const bytes = await readFile(join(FABRIC_FIXTURE, 'mychannel-blocks-0-25.bin'));
  const blocks: Block[] = [];
  const reader = new VarintReader(bytes);
  while (!reader.done) {
    const length = reader.varint();
    const block = new VarintReader(reader.bytes(length));
    const header = new BlockHeader();
    header.setNumber(block.varint());
    header.setDataHash(block.rawBytes());
    header.setPreviousHash(block.rawBytes());
    const data = new BlockData();
    data.setDataList(Array.from({ length: block.varint() }, () => block.rawBytes()));
    const metadata = new BlockMetadata();
    metadata.setMetadataList(Array.from({ length: block.varint() }, () => block.rawBytes()));
    if (!block.done) throw new Error(`trailing bytes in block ${header.getNumber()}`);
    const whole = new Block();
    whole.setHeader(header);
    whole.setData(data);
    whole.setMetadata(metadata);
    blocks.push(whole);
  }
  return blocks;
}

class VarintReader {
  private at = 0;

  constructor(private readonly buf: Uint8Array) {}

  get done(): boolean {
    return this.at >= this.buf.length;
  }

  varint(): number {
    let value = 0;
    for (let shift = 0; ; shift += 7) {
      const byte = this.buf[this.at++];
      if (byte === undefined) throw new Error('truncated varint');
      value += (byte & 0x7f) * 2 ** shift;
      if (byte < 0x80) return value;
    }
  }

  bytes(length: number): Uint8Array {
    if (this.at + length > this.buf.length) throw new Error(`truncated at offset ${this.at}`);
    const out = this.buf.subarray(this.at, this.at + length);
    this.at += length;
    return out;
  }

  rawBytes(): Uint8Array {
    return this.bytes(this.varint());
  }
}

/** The config block configtxgen made (mychannel.block). */
export async function readFixtureConfigBlock(): Promise<Block> {
  return Block.deserializeBinary(await readFile(join(FABRIC_FIXTURE, 'mychannel.block')));
}
