/** The real Fabric 2.4.9 channel of ../shared/fixtures/fabric-2.4.9 (see its README.md). */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Block } from '../../src/common/protos/common.js';

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

/** The channel's blocks 0..25, from Fabric's block-file framing: each block preceded by its length as a protobuf varint. */
export async function readFixtureBlocks(): Promise<Block[]> {
  const bytes = await readFile(join(FABRIC_FIXTURE, 'mychannel-blocks-0-25.bin'));
  const blocks: Block[] = [];
  let at = 0;
  while (at < bytes.length) {
    let length = 0;
    let shift = 0;
    for (;;) {
      const byte = bytes[at++];
      if (byte === undefined) throw new Error('truncated block length');
      length += (byte & 0x7f) * 2 ** shift;
      shift += 7;
      if (byte < 0x80) break;
    }
    if (at + length > bytes.length) throw new Error(`truncated block at offset ${at}`);
    blocks.push(Block.deserializeBinary(bytes.subarray(at, at + length)));
    at += length;
  }
  return blocks;
}

/** The config block configtxgen made (mychannel.block). */
export async function readFixtureConfigBlock(): Promise<Block> {
  return Block.deserializeBinary(await readFile(join(FABRIC_FIXTURE, 'mychannel.block')));
}
