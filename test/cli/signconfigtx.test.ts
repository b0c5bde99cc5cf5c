import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { ChannelBundle } from '../../src/channel/channel-bundle.js';
import { computeConfigUpdate } from '../../src/channelconfig/compute-config-update.js';
import { applyConfigUpdate } from '../../src/channelconfig/config-update.js';
import { configOf } from '../../src/channelconfig/config-update-validator.js';
import { configUpdateEnvelope } from '../../src/client/config-update-envelope.js';
import { Envelope, Payload } from '../../src/common/protos/common.js';
import { AnchorPeer, AnchorPeers, ConfigUpdateEnvelope, ConfigValue } from '../../src/common/protos/configtx.js';
import { defaultUserIdentity } from '../../src/msp/default-identities.js';
import { loadSigningIdentity } from '../../src/msp/signing-identity.js';
import { testConfigBlock, testCrypto } from '../helpers/channel-block.js';
import { tempDir } from '../helpers/temp-dir.js';
import { runWeft } from '../helpers/weft-process.js';

describe('weft channel signconfigtx', () => {
  test("an anchor peer update signed by Org1's admin in place, then accepted by the orderer's processing", async () => {
    const crypto = await testCrypto();
    const genesis = await testConfigBlock('mychannel');
    const original = configOf(ChannelBundle.fromBlock(genesis).config.channelGroup, 0);
    const modified = original.cloneMessage();
    const anchor = new AnchorPeer();
    anchor.setHost('peer0.org1.example.com');
    anchor.setPort(7051);
    const anchors = new AnchorPeers();
    anchors.addAnchorPeers(anchor);
    const value = new ConfigValue();
    value.setModPolicy('Admins');
    value.setValue(anchors.serializeBinary());
    modified.getChannelGroup()?.getGroupsMap().get('Application')?.getGroupsMap().get('Org1MSP')?.getValuesMap().set('AnchorPeers', value);
    const file = join(await tempDir('weft-signconfigtx-'), 'anchors.tx');
    await writeFile(file, configUpdateEnvelope(computeConfigUpdate(original, modified, 'mychannel')).serializeBinary());

    const env = { CORE_PEER_MSPCONFIGPATH: defaultUserIdentity(crypto, 'Admin').mspDir, CORE_PEER_LOCALMSPID: 'Org1MSP' };
    const run = await runWeft(['channel', 'signconfigtx', '-f', file], env);
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.stdout, '');

    const signed = Envelope.deserializeBinary(await readFile(file));
    const updateEnvelope = ConfigUpdateEnvelope.deserializeBinary(Payload.deserializeBinary(signed.getPayload_asU8()).getData_asU8());
    assert.equal(updateEnvelope.getSignaturesList().length, 1);
    const orderer = await loadSigningIdentity(join(crypto, 'ordererOrganizations/example.com/orderers/orderer.example.com/msp'), 'OrdererMSP');
    const result = applyConfigUpdate(genesis, signed, orderer);
    assert.deepEqual(result.bundle.config.applicationOrgs[0]?.anchorPeers, [{ host: 'peer0.org1.example.com', port: 7051 }]);

    const missing = await runWeft(['channel', 'signconfigtx', '-f', `${file}.missing`], env);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /^Error: channel create configuration tx file not found .*ENOENT/);
    const notUpdate = join(await tempDir('weft-signconfigtx-'), 'empty.tx');
    await writeFile(notUpdate, new Envelope().serializeBinary());
    const refused = await runWeft(['channel', 'signconfigtx', '-f', notUpdate], env);
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /^Error: envelope must have a Header/);
  });
});
