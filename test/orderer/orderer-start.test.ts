import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { builtInProfile } from '../../src/channelconfig/built-in-profile.js';
import { genesisBlockOfProfile } from '../../src/channelconfig/config-block.js';
import type { ConfigtxOrderer } from '../../src/channelconfig/configtx.js';
import { BroadcastClient } from '../../src/client/broadcast-client.js';
import type { ClientTls } from '../../src/client/client-tls.js';
import { defaultCryptoDir, defaultOrdererIdentity, defaultUserIdentity, ensureDefaultCrypto } from '../../src/msp/default-identities.js';
import { loadSigningIdentity, type SigningIdentity } from '../../src/msp/signing-identity.js';
import { BlockStore } from '../../src/orderer/block-store.js';
import { Registrar } from '../../src/orderer/registrar.js';
import { captureLogging } from '../helpers/capture-logging.js';
import { tempDir } from '../helpers/temp-dir.js';
import { messageOf, runWeft, WeftProcess } from '../helpers/weft-process.js';
import { signedTx, txIdOf, txIdsOf, verifiedSigner } from './orderer-test-kit.js';

/** A data folder with the default crypto, and an orderer chain of `mychannel` (MaxMessageCount 1) already joined in it. */
async function dataWithChannel(): Promise<{ data: string; location: string; user1: SigningIdentity; orderer: SigningIdentity }> {
  const data = join(await tempDir('weft-orderer-e2e-'), 'data');
  const cryptoDir = defaultCryptoDir(data);
  await ensureDefaultCrypto(cryptoDir);
  const orderer = await loadSigningIdentity(defaultOrdererIdentity(cryptoDir).mspDir, 'OrdererMSP');
  const location = join(data, 'orderer');
  const profile = builtInProfile(cryptoDir);
  const ordererSection = profile.orderer as ConfigtxOrderer;
  profile.orderer = { ...ordererSection, batchSize: { ...ordererSection.batchSize, maxMessageCount: 1 } };
  const registrar = await Registrar.open({ location, signer: orderer, logging: captureLogging().logging });
  await registrar.joinChannel(await genesisBlockOfProfile(profile, 'mychannel'));
  await registrar.stop();
  return { data, location, orderer, user1: await loadSigningIdentity(defaultUserIdentity(cryptoDir, 'User1').mspDir, 'Org1MSP') };
}

const ENV = { FABRIC_LOGGING_SPEC: 'info', ORDERER_GENERAL_LISTENPORT: '0' };

async function startOrderer(data: string, env: NodeJS.ProcessEnv = {}): Promise<{ proc: WeftProcess; address: string }> {
  const proc = new WeftProcess(['orderer', 'start'], { ...ENV, ORDERER_FILELEDGER_LOCATION: join(data, 'orderer'), ...env });
  const line = messageOf(await proc.waitFor(/Beginning to serve requests/));
  return { proc, address: line.replace(/^Beginning to serve requests on /, '').replace(/ \(TLS\)$/, '') };
}

async function openChain(location: string): Promise<BlockStore> {
  return BlockStore.open({ dir: join(location, 'chains', 'mychannel'), indexDir: join(location, 'index', 'mychannel') });
}

describe('weft orderer start', () => {
  test('serves Broadcast on its channels, logs as Fabric\'s orderer, and stops on SIGTERM; its blocks are signed by its identity', async () => {
    const { data, location, user1, orderer } = await dataWithChannel();
    const { proc, address } = await startOrderer(data);
    const messages = proc.lines.map(messageOf);
    assert.ok(messages.some((m) => m.startsWith('Starting orderer:')), proc.lines.join('\n'));
    assert.ok(proc.lines.some((l) => l.includes('[orderer.common.server]') && l.includes('Beginning to serve requests')));
    const client = await BroadcastClient.connect(address);
    const sent = [signedTx('mychannel', user1), signedTx('mychannel', user1)];
    try {
      for (const envelope of sent) assert.equal((await client.send(envelope)).getStatus(), 200);
      assert.equal((await client.send(signedTx('other', user1))).getStatus(), 400);
    } finally {
      client.close();
    }
    assert.equal(await proc.stop('SIGTERM'), 0);
    assert.ok(proc.lines.some((l) => messageOf(l) === 'Received signal: 15 (terminated)'));

    const chain = await openChain(location);
    try {
      assert.equal(chain.height(), 3);
      for (const n of [1, 2]) {
        const block = await chain.getBlockByNumber(n);
        assert.equal(verifiedSigner(block), orderer.certificatePem);
        assert.deepEqual(txIdsOf(block), [txIdOf(sent[n - 1] as (typeof sent)[number])]);
      }
    } finally {
      await chain.close();
    }
  });

  test('after kill -9, every transaction answered SUCCESS is in a block (MaxMessageCount 1 cuts each before the answer)', async () => {
    const { data, location, user1 } = await dataWithChannel();
    const { proc, address } = await startOrderer(data);
    const client = await BroadcastClient.connect(address);
    const sent = Array.from({ length: 20 }, () => signedTx('mychannel', user1));
    try {
      for (const envelope of sent) assert.equal((await client.send(envelope)).getStatus(), 200);
    } finally {
      client.close();
    }
    await proc.stop('SIGKILL');
    const chain = await openChain(location);
    try {
      assert.equal(chain.height(), 21);
      const found: string[] = [];
      for (let n = 1; n < chain.height(); n++) found.push(...txIdsOf(await chain.getBlockByNumber(n)));
      assert.deepEqual(found, sent.map(txIdOf));
    } finally {
      await chain.close();
    }
  });

  test('with General.TLS.Enabled it serves TLS with the default crypto\'s orderer certificate', async () => {
    const { data, user1 } = await dataWithChannel();
    const { proc, address } = await startOrderer(data, { ORDERER_GENERAL_TLS_ENABLED: 'true' });
    const tlsDir = defaultOrdererIdentity(defaultCryptoDir(data)).tlsDir;
    const tls: ClientTls = { rootCertPem: await readFile(join(tlsDir, 'ca.crt')) };
    const client = await BroadcastClient.connect(address.replace(/^127\.0\.0\.1:/, 'localhost:'), tls);
    try {
      assert.equal((await client.send(signedTx('mychannel', user1))).getStatus(), 200);
    } finally {
      client.close();
      await proc.stop();
    }
  });

  test('a General.BootstrapMethod other than none stops the start with one line naming the key', async () => {
    const data = join(await tempDir(), 'data');
    const { code, stderr } = await runWeft(['orderer', 'start'], { ...ENV, ORDERER_FILELEDGER_LOCATION: join(data, 'orderer'), ORDERER_GENERAL_BOOTSTRAPMETHOD: 'file' });
    assert.equal(code, 1);
    assert.match(stderr, /FATA .*invalid value for General\.BootstrapMethod \(from ORDERER_GENERAL_BOOTSTRAPMETHOD\): "file" is not supported/);
  });
});
