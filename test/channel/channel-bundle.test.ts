import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ChannelBundle } from '../../src/channel/channel-bundle.js';
import { builtInProfile } from '../../src/channelconfig/built-in-profile.js';
import { genesisBlockOfProfile } from '../../src/channelconfig/config-block.js';
import { defaultUserIdentity } from '../../src/msp/default-identities.js';
import { loadSigningIdentity } from '../../src/msp/signing-identity.js';
import { testCrypto } from '../helpers/channel-block.js';

describe('ChannelBundle', () => {
  test("a channel's MSPs accept Ed25519 identities only with the V3_0 channel capability, as in Fabric 3", async () => {
    const profile = builtInProfile(await testCrypto());
    const v2 = ChannelBundle.fromBlock(await genesisBlockOfProfile(profile, 'v2channel'));
    assert.deepEqual(v2.config.capabilities.channel, ['V2_0']);
    assert.equal(v2.msps.getMsp('Org1MSP')?.allowsEd25519, false);
    const v3 = ChannelBundle.fromBlock(await genesisBlockOfProfile({ ...profile, capabilities: { V3_0: true } }, 'v3channel'));
    assert.deepEqual(v3.config.capabilities.channel, ['V3_0']);
    assert.equal(v3.msps.getMsp('Org1MSP')?.allowsEd25519, true);
    // Deferred (a channel loaded at start): the same rule once the MSP is set up.
    const deferred = ChannelBundle.fromBlock(await genesisBlockOfProfile(profile, 'v2channel'), { deferMsps: true });
    assert.equal(deferred.msps.getMsp('Org1MSP')?.allowsEd25519, false);
  });

  test('the instantiation policy is an admin of any of the channel organisations', async () => {
    const crypto = await testCrypto();
    const bundle = ChannelBundle.fromBlock(await genesisBlockOfProfile(builtInProfile(crypto), 'ch'));
    const signedBy = async (user: string) => {
      const signer = await loadSigningIdentity(defaultUserIdentity(crypto, user).mspDir, 'Org1MSP');
      const data = Buffer.from('a deploy proposal');
      return [{ data, identity: signer.serialize(), signature: signer.sign(data) }];
    };
    bundle.instantiationPolicy.evaluateSignedData(await signedBy('Admin'));
    const user1 = await signedBy('User1');
    assert.throws(() => {
      bundle.instantiationPolicy.evaluateSignedData(user1);
    }, /signature set did not satisfy policy/);
  });
});
