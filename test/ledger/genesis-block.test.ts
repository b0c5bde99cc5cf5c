import { test } from 'node:test';
import assert from 'node:assert/strict';
import { blockDataHash } from '../../src/ledger/block-hash.js';
import { createGenesisBlock } from '../../src/ledger/genesis-block.js';
import { common, msp } from '../../src/ledger/protos.js';

test('the genesis block is block 0 with a CONFIG envelope naming the channel', () => {
  const block = createGenesisBlock('mychannel');
  const header = block.getHeader();
  assert.equal(header?.getNumber(), 0);
  assert.equal(header.getPreviousHash_asU8().length, 0);
  const data = block.getData()?.getDataList_asU8() ?? [];
  assert.equal(data.length, 1);
  assert.deepEqual(Buffer.from(header.getDataHash_asU8()), Buffer.from(blockDataHash(data)));

  const payload = common.Payload.deserializeBinary(common.Envelope.deserializeBinary(data[0] as Uint8Array).getPayload_asU8());
  const channelHeader = common.ChannelHeader.deserializeBinary(payload.getHeader()?.getChannelHeader_asU8() ?? new Uint8Array(0));
  assert.equal(channelHeader.getType(), common.HeaderType.CONFIG);
  assert.equal(channelHeader.getChannelId(), 'mychannel');

  const config = common.ConfigEnvelope.deserializeBinary(payload.getData_asU8()).getConfig();
  const application = config?.getChannelGroup()?.getGroupsMap().get('Application');
  const org = application?.getGroupsMap().get('SampleOrg');
  const mspConfig = msp.MSPConfig.deserializeBinary(org?.getValuesMap().get('MSP')?.getValue_asU8() ?? new Uint8Array(0));
  assert.equal(msp.FabricMSPConfig.deserializeBinary(mspConfig.getConfig_asU8()).getName(), 'SampleOrg');
  assert.ok(application?.getPoliciesMap().get('Endorsement'));
  assert.ok(config?.getChannelGroup()?.getValuesMap().get('HashingAlgorithm'));
});

test('the genesis block carries the five metadata slots, naming itself as last config', () => {
  const metadata = createGenesisBlock('mychannel').getMetadata()?.getMetadataList_asU8() ?? [];
  assert.equal(metadata.length, 5);
  const signatures = common.Metadata.deserializeBinary(metadata[common.BlockMetadataIndex.SIGNATURES] as Uint8Array);
  assert.equal(common.OrdererBlockMetadata.deserializeBinary(signatures.getValue_asU8()).getLastConfig()?.getIndex(), 0);
});

test('an invalid channel name is refused', () => {
  assert.throws(() => createGenesisBlock('My_Channel'), { code: 'INVALID_CHANNEL_ID' });
});
