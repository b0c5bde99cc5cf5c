import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { ChannelBundle } from '../../src/channel/channel-bundle.js';
import { builtInProfile } from '../../src/channelconfig/built-in-profile.js';
import { encodeChannelGroup } from '../../src/channelconfig/channel-group-encoder.js';
import { computeConfigUpdate } from '../../src/channelconfig/compute-config-update.js';
import { configOf } from '../../src/channelconfig/config-update-validator.js';
import { configUpdateEnvelope } from '../../src/client/config-update-envelope.js';
import { DeliverClient } from '../../src/client/deliver-client.js';
import { Block } from '../../src/common/protos/common.js';
import { generateCrypto } from '../../src/msp/cryptogen/index.js';
import { defaultCryptoDir, defaultUserIdentity } from '../../src/msp/default-identities.js';
import { loadSigningIdentity } from '../../src/msp/signing-identity.js';
import { peerOrganization } from '../helpers/channel-block.js';
import { tempDir } from '../helpers/temp-dir.js';
import { runWeft, startPeerProcess, type WeftProcess } from '../helpers/weft-process.js';

const CHANNEL = 'mychannel';

describe('weft channel update', () => {
  let peer: WeftProcess;
  let client: NodeJS.ProcessEnv;
  let crypto: string;
  let org2User: NodeJS.ProcessEnv;

  before(async () => {
    ({ peer, client } = await startPeerProcess(['--join', CHANNEL]));
    crypto = defaultCryptoDir(client.CORE_PEER_FILESYSTEMPATH ?? '');
    // An organisation the channel does not have yet, made as cryptogen makes one.
    await generateCrypto(
      { ordererOrgs: [], peerOrgs: [{ name: 'Org2', domain: 'org2.example.com', enableNodeOUs: true, template: { count: 1 }, users: { count: 1 } }] },
      crypto,
    );
    org2User = {
      ...client,
      CORE_PEER_LOCALMSPID: 'Org2MSP',
      CORE_PEER_MSPCONFIGPATH: join(crypto, 'peerOrganizations/org2.example.com/users/User1@org2.example.com/msp'),
    };
  });

  after(async () => {
    await peer.stop();
  });

  test("a config update that adds an organisation takes effect: the new org's client, refused before, reads the channel after", async () => {
    // Org2's client reads the channel's blocks through the peer's Deliver (the channel's Readers): not yet.
    const dir = await tempDir('weft-channel-update-');
    const newest = join(dir, 'newest.block');
    const refused = await runWeft(['channel', 'fetch', 'newest', newest, '-c', CHANNEL], org2User);
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /status FORBIDDEN$/);

    // The update: the channel's current config (fetched from the peer) with Org2MSP added to Application.
    const configFile = join(dir, 'config.block');
    assert.equal((await runWeft(['channel', 'fetch', 'config', configFile, '-c', CHANNEL], client)).code, 0);
    const current = ChannelBundle.fromBlock(Block.deserializeBinary(await readFile(configFile))).config;
    const original = configOf(current.channelGroup, 0);
    const profile = builtInProfile(crypto);
    const org1 = profile.application?.organizations[0];
    assert.ok(org1 !== undefined && profile.application !== undefined);
    const org2 = peerOrganization(crypto, org1, 'Org2MSP', 'org2.example.com');
    const twoOrgs = await encodeChannelGroup({ ...profile, application: { ...profile.application, organizations: [org1, org2] } });
    const org2Group = twoOrgs.getGroupsMap().get('Application')?.getGroupsMap().get('Org2MSP');
    assert.ok(org2Group !== undefined);
    const modified = original.cloneMessage();
    modified.getChannelGroup()?.getGroupsMap().get('Application')?.getGroupsMap().set('Org2MSP', org2Group);
    const updateFile = join(dir, 'add-org2.tx');
    await writeFile(updateFile, configUpdateEnvelope(computeConfigUpdate(original, modified, CHANNEL)).serializeBinary());

    // Org2's admin cannot change a channel it is not on; Org1's admin (the CLI's default) can.
    const org2Admin = { ...org2User, CORE_PEER_MSPCONFIGPATH: join(crypto, 'peerOrganizations/org2.example.com/users/Admin@org2.example.com/msp') };
    const outsider = await runWeft(['channel', 'update', '-f', updateFile, '-c', CHANNEL], org2Admin);
    assert.equal(outsider.code, 1);
    assert.match(outsider.stderr, /^Error: got unexpected status: 403 -- /);
    const wrongChannel = await runWeft(['channel', 'update', '-f', updateFile, '-c', 'other'], client);
    assert.equal(wrongChannel.stderr, `Error: the update in ${updateFile} is for channel '${CHANNEL}', not 'other'`);
    const sent = await runWeft(['channel', 'update', '-f', updateFile, '-c', CHANNEL], client);
    assert.equal(sent.stdout, 'Successfully submitted channel update\n', sent.stderr);

    // Block 1, the config block, once the peer has committed it.
    const admin = await loadSigningIdentity(defaultUserIdentity(crypto, 'Admin').mspDir, 'Org1MSP');
    const deliver = await DeliverClient.connect(client.CORE_PEER_ADDRESS ?? '', { service: 'peer', signer: admin });
    try {
      for await (const block of deliver.blocks({ channelId: CHANNEL, start: 1, stop: 1 })) assert.equal(block.getHeader()?.getNumber(), 1);
    } finally {
      deliver.close();
    }
    const served = await runWeft(['channel', 'fetch', 'newest', newest, '-c', CHANNEL], org2User);
    assert.equal(served.stdout, `Received block: 1\nWrote it to ${newest}\n`, served.stderr);
    assert.equal((await runWeft(['channel', 'fetch', 'config', configFile, '-c', CHANNEL], client)).stdout, `Received block: 1\nWrote it to ${configFile}\n`);
    assert.deepEqual(ChannelBundle.fromBlock(Block.deserializeBinary(await readFile(configFile))).config.applicationOrgs.map((o) => o.mspId).sort(), ['Org1MSP', 'Org2MSP']);
  });
});
