import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { AdminServer, type AdminTlsOptions } from '../../src/orderer/participation/admin-server.js';
import { ChannelParticipationHandler } from '../../src/orderer/participation/channel-participation-handler.js';
import { captureLogging } from '../helpers/capture-logging.js';
import { testConfigBlock, testCrypto } from '../helpers/channel-block.js';
import { tempDir } from '../helpers/temp-dir.js';
import { runWeft } from '../helpers/weft-process.js';
import { FakeRegistrar } from '../orderer/participation/fake-registrar.js';

const servers: AdminServer[] = [];
after(async () => {
  for (const server of servers) await server.stop();
});

/** An admin server over an in-memory registrar; resolves its address. */
async function startAdmin(tls?: AdminTlsOptions): Promise<string> {
  const { logging } = captureLogging();
  const handler = new ChannelParticipationHandler({}, { registrar: new FakeRegistrar(), logger: logging.logger('orderer.commmon.channelparticipation') });
  const server = new AdminServer({ listenAddress: '127.0.0.1:0', ...(tls === undefined ? {} : { tls }) }, { handler, logger: logging.logger('orderer.common.server') });
  servers.push(server);
  const { port } = await server.start();
  return `127.0.0.1:${String(port)}`;
}

const INFO = '{\n\t"name": "mychannel",\n\t"url": "/participation/v1/channels/mychannel",\n\t"consensusRelation": "consenter",\n\t"status": "active",\n\t"height": 1\n}\n';

describe('weft osnadmin', () => {
  let blockFile: string;
  before(async () => {
    blockFile = join(await tempDir('weft-osnadmin-'), 'mychannel.block');
    await writeFile(blockFile, (await testConfigBlock('mychannel')).serializeBinary());
  });

  test('channel join, list, list -c, remove over HTTP: Status and the JSON body indented with tabs, as osnadmin prints them', async () => {
    const address = await startAdmin();
    const join = await runWeft(['osnadmin', 'channel', 'join', '-o', address, '--channelID', 'mychannel', '--config-block', blockFile], {});
    assert.equal(join.code, 0, join.stderr);
    assert.equal(join.stdout, `Status: 201\n${INFO}\n`);

    const list = await runWeft(['osnadmin', 'channel', 'list', '-o', address], {});
    assert.equal(list.code, 0, list.stderr);
    assert.equal(
      list.stdout,
      'Status: 200\n{\n\t"systemChannel": null,\n\t"channels": [\n\t\t{\n\t\t\t"name": "mychannel",\n\t\t\t"url": "/participation/v1/channels/mychannel"\n\t\t}\n\t]\n}\n\n',
    );
    const one = await runWeft(['osnadmin', 'channel', 'list', '-o', address, '-c', 'mychannel', '--no-status'], {});
    assert.equal(one.code, 0, one.stderr);
    assert.equal(one.stdout, `${INFO}\n`);

    const again = await runWeft(['osnadmin', 'channel', 'join', '--orderer-address', address, '-c', 'mychannel', '-b', blockFile], {});
    assert.equal(again.code, 0, again.stderr);
    assert.equal(again.stdout, 'Status: 405\n{\n\t"error": "cannot join: channel already exists"\n}\n\n');

    const remove = await runWeft(['osnadmin', 'channel', 'remove', '-o', address, '-c', 'mychannel'], {});
    assert.equal(remove.code, 0, remove.stderr);
    assert.equal(remove.stdout, 'Status: 204\n\n');
    const removeAgain = await runWeft(['osnadmin', 'channel', 'remove', '-o', address, '-c', 'mychannel'], {});
    assert.equal(removeAgain.stdout, 'Status: 404\n{\n\t"error": "cannot remove: channel does not exist"\n}\n\n');
  });

  test('refusals before any call: a block of another channel, an unreadable block; an orderer not listening', async () => {
    const address = await startAdmin();
    const other = await runWeft(['osnadmin', 'channel', 'join', '-o', address, '-c', 'otherchannel', '-b', blockFile], {});
    assert.equal(other.code, 1);
    assert.match(other.stderr, /specified --channelID otherchannel does not match channel ID mychannel in config block/);
    const missing = await runWeft(['osnadmin', 'channel', 'join', '-o', address, '-c', 'mychannel', '-b', `${blockFile}.missing`], {});
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /reading config block: ENOENT/);
    const down = await runWeft(['osnadmin', 'channel', 'list', '-o', '127.0.0.1:1'], {});
    assert.equal(down.code, 1);
    assert.match(down.stdout, /^Error: Get "http:\/\/127\.0\.0\.1:1\/participation\/v1\/channels": .*ECONNREFUSED/);
  });

  test('over HTTPS with client authentication (Admin.TLS): the orderer admin TLS client certificate is served, none or another CA is refused', async () => {
    const crypto = await testCrypto();
    const ordererOrg = join(crypto, 'ordererOrganizations/example.com');
    const serverTls = join(ordererOrg, 'orderers/orderer.example.com/tls');
    const tlsCa = await readFile(join(serverTls, 'ca.crt'));
    const address = await startAdmin({
      certificate: await readFile(join(serverTls, 'server.crt')),
      privateKey: await readFile(join(serverTls, 'server.key')),
      clientAuthRequired: true,
      clientRootCAs: [tlsCa],
    });
    const admin = join(ordererOrg, 'users/Admin@example.com/tls');
    const tlsFlags = ['--ca-file', join(serverTls, 'ca.crt'), '--client-cert', join(admin, 'client.crt'), '--client-key', join(admin, 'client.key')];
    const join1 = await runWeft(['osnadmin', 'channel', 'join', '-o', address, '-c', 'mychannel', '-b', blockFile, ...tlsFlags], {});
    assert.equal(join1.code, 0, join1.stderr);
    assert.equal(join1.stdout, `Status: 201\n${INFO}\n`);

    const noCert = await runWeft(['osnadmin', 'channel', 'list', '-o', address, '--ca-file', join(serverTls, 'ca.crt')], {});
    assert.equal(noCert.code, 1);
    assert.match(noCert.stdout, /^Error: Get "https:\/\/127\.0\.0\.1:\d+\/participation\/v1\/channels": /);

    // Org1's TLS CA did not issue the orderer admin's certificates.
    const org1Admin = join(crypto, 'peerOrganizations/org1.example.com/users/Admin@org1.example.com/tls');
    const otherCa = await runWeft(
      ['osnadmin', 'channel', 'list', '-o', address, '--ca-file', join(serverTls, 'ca.crt'), '--client-cert', join(org1Admin, 'client.crt'), '--client-key', join(org1Admin, 'client.key')],
      {},
    );
    assert.equal(otherCa.code, 1);
    assert.match(otherCa.stdout, /^Error: Get "https:/);

    // A CA file that is not the server's: the server is not trusted.
    const untrusted = await runWeft(
      ['osnadmin', 'channel', 'list', '-o', address, '--ca-file', join(org1Admin, 'ca.crt'), '--client-cert', join(admin, 'client.crt'), '--client-key', join(admin, 'client.key')],
      {},
    );
    assert.equal(untrusted.code, 1);
    assert.match(untrusted.stdout, /^Error: Get "https:.*(certificate|issuer)/);
  });
});
