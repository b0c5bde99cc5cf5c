import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { OsnadminClient } from '../../../src/client/osnadmin-client.js';
import { Block } from '../../../src/common/protos/common.js';
import { AdminServer } from '../../../src/orderer/participation/admin-server.js';
import { ChannelParticipationHandler, type ChannelParticipationOptions } from '../../../src/orderer/participation/channel-participation-handler.js';
import { multipartFormOfFile } from '../../../src/orderer/participation/multipart-form.js';
import { captureLogging } from '../../helpers/capture-logging.js';
import { testConfigBlock } from '../../helpers/channel-block.js';
import { ChannelParticipationError, FakeRegistrar } from './fake-registrar.js';

interface Running {
  server: AdminServer;
  base: string;
  client: OsnadminClient;
  registrar: FakeRegistrar;
}

const running: Running[] = [];
after(async () => {
  for (const r of running) await r.server.stop();
});

async function start(opts: ChannelParticipationOptions = {}): Promise<Running> {
  const { logging } = captureLogging();
  const registrar = new FakeRegistrar();
  const handler = new ChannelParticipationHandler(opts, { registrar, logger: logging.logger('orderer.commmon.channelparticipation') });
  const server = new AdminServer({ listenAddress: '127.0.0.1:0' }, { handler, logger: logging.logger('orderer.common.server') });
  const { port } = await server.start();
  const r = { server, base: `http://127.0.0.1:${String(port)}`, client: new OsnadminClient(`127.0.0.1:${String(port)}`), registrar };
  running.push(r);
  return r;
}

/** A raw request, for what osnadmin never sends. */
async function raw(r: Running, path: string, init: RequestInit = {}): Promise<{ status: number; body: string; headers: Headers }> {
  const res = await fetch(`${r.base}${path}`, { redirect: 'manual', ...init });
  return { status: res.status, body: await res.text(), headers: res.headers };
}

function json(body: Buffer | string): unknown {
  return JSON.parse(body.toString());
}

describe('channel participation API', () => {
  let r: Running;
  let configBlock: Block;
  before(async () => {
    r = await start();
    configBlock = await testConfigBlock('mychannel');
  });

  test('list with no channel: no system channel, channels null, as Fabric answers', async () => {
    const res = await raw(r, '/participation/v1/channels');
    assert.equal(res.status, 200);
    assert.equal(res.body, '{"systemChannel":null,"channels":null}\n');
    assert.equal(res.headers.get('content-type'), 'application/json');
    assert.equal(res.headers.get('cache-control'), 'no-store');
  });

  test('join with a config block: 201, its location, and the channel info; then list and show it', async () => {
    const joined = await r.client.join(configBlock.serializeBinary());
    assert.equal(joined.status, 201);
    assert.deepEqual(json(joined.body), { name: 'mychannel', url: '/participation/v1/channels/mychannel', consensusRelation: 'consenter', status: 'active', height: 1 });
    assert.equal(joined.body.toString(), '{"name":"mychannel","url":"/participation/v1/channels/mychannel","consensusRelation":"consenter","status":"active","height":1}\n');
    assert.deepEqual(r.registrar.joined[0]?.serializeBinary(), configBlock.serializeBinary());

    const list = await r.client.list();
    assert.equal(list.status, 200);
    assert.deepEqual(json(list.body), { systemChannel: null, channels: [{ name: 'mychannel', url: '/participation/v1/channels/mychannel' }] });
    const one = await r.client.list('mychannel');
    assert.equal(one.status, 200);
    assert.deepEqual(json(one.body), { name: 'mychannel', url: '/participation/v1/channels/mychannel', consensusRelation: 'consenter', status: 'active', height: 1 });

    const again = await raw(r, '/participation/v1/channels', joinRequest(configBlock.serializeBinary()));
    assert.equal(again.status, 405);
    assert.equal(again.headers.get('allow'), 'GET, DELETE');
    assert.deepEqual(json(again.body), { error: 'cannot join: channel already exists' });
  });

  test('remove: 204 with no body, then 404; a registrar refusal gets its status', async () => {
    const r2 = await start();
    await r2.client.join(configBlock.serializeBinary());
    r2.registrar.removeFailure = new ChannelParticipationError('PENDING_REMOVAL', 'channel pending removal');
    const pending = await r2.client.remove('mychannel');
    assert.equal(pending.status, 409);
    assert.deepEqual(json(pending.body), { error: 'cannot remove: channel pending removal' });

    const removed = await r2.client.remove('mychannel');
    assert.equal(removed.status, 204);
    assert.equal(removed.body.length, 0);
    const gone = await r2.client.remove('mychannel');
    assert.equal(gone.status, 404);
    assert.deepEqual(json(gone.body), { error: 'cannot remove: channel does not exist' });
    const show = await r2.client.list('mychannel');
    assert.equal(show.status, 404);
    assert.deepEqual(json(show.body), { error: 'channel does not exist' });
  });

  test('join refusals: not a block, not a config block, no config-block part, too many parts, not multipart', async () => {
    const notBlock = await r.client.join(Buffer.from('not a block at all'));
    assert.equal(notBlock.status, 400);
    assert.match((json(notBlock.body) as { error: string }).error, /^(cannot unmarshal file part config-block into a block|invalid join block): /);

    const empty = new Block();
    const notConfig = await r.client.join(empty.serializeBinary());
    assert.equal(notConfig.status, 400);
    assert.deepEqual(json(notConfig.body), { error: 'invalid join block: block 0: a config block holds exactly one envelope, this one holds 0' });

    const wrongName = multipartFormOfFile('block', 'b.block', configBlock.serializeBinary(), 'xyz');
    const noPart = await raw(r, '/participation/v1/channels', { method: 'POST', headers: { 'Content-Type': wrongName.contentType }, body: wrongName.body });
    assert.equal(noPart.status, 400);
    assert.deepEqual(json(noPart.body), { error: 'form does not contains part key: config-block' });

    const form = new FormData();
    form.append('config-block', new Blob([configBlock.serializeBinary()]), 'config.block');
    form.append('comment', 'one more');
    const tooMany = await raw(r, '/participation/v1/channels', { method: 'POST', body: form });
    assert.equal(tooMany.status, 400);
    assert.deepEqual(json(tooMany.body), { error: 'form contains too many parts' });

    const asJson = await raw(r, '/participation/v1/channels', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{}' });
    assert.equal(asJson.status, 400);
    assert.deepEqual(json(asJson.body), { error: 'unsupported Content-Type: [application/json]' });

    const truncated = multipartFormOfFile('config-block', 'config.block', configBlock.serializeBinary(), 'xyz');
    const cut = await raw(r, '/participation/v1/channels', { method: 'POST', headers: { 'Content-Type': truncated.contentType }, body: truncated.body.subarray(0, truncated.body.length - 10) });
    assert.equal(cut.status, 400);
    assert.deepEqual(json(cut.body), { error: 'cannot read form from request body: multipart: the body ends before its closing boundary' });
  });

  test("a browser's form (FormData, as curl -F sends one) is read as Fabric reads it", async () => {
    const r3 = await start();
    const form = new FormData();
    form.append('config-block', new Blob([configBlock.serializeBinary()]), 'mychannel.block');
    const res = await raw(r3, '/participation/v1/channels', { method: 'POST', body: form });
    assert.equal(res.status, 201);
    assert.equal(res.headers.get('location'), '/participation/v1/channels/mychannel');
  });

  test("methods, paths, channel IDs and Accept headers Fabric's router refuses", async () => {
    const put = await raw(r, '/participation/v1/channels', { method: 'PUT' });
    assert.equal(put.status, 405);
    assert.equal(put.headers.get('allow'), 'GET, POST');
    assert.deepEqual(json(put.body), { error: 'invalid request method: PUT' });
    const post = await raw(r, '/participation/v1/channels/mychannel', { method: 'POST' });
    assert.equal(post.status, 405);
    assert.equal(post.headers.get('allow'), 'GET, DELETE');

    const badId = await raw(r, '/participation/v1/channels/MyChannel');
    assert.equal(badId.status, 400);
    assert.deepEqual(json(badId.body), { error: "invalid channel ID: 'MyChannel' contains illegal characters" });

    const badEscape = await raw(r, '/participation/v1/channels/my%zzchannel');
    assert.equal(badEscape.status, 400);
    assert.deepEqual(json(badEscape.body), { error: "invalid channel ID: 'my%zzchannel' contains illegal characters" });

    const html = await raw(r, '/participation/v1/channels', { headers: { Accept: 'text/html' } });
    assert.equal(html.status, 406);
    assert.deepEqual(json(html.body), { error: 'response Content-Type is application/json only' });

    const base = await raw(r, '/participation/v1/');
    assert.equal(base.status, 302);
    assert.equal(base.headers.get('location'), '/participation/v1/channels');
    const unknown = await raw(r, '/participation/v2/channels');
    assert.equal(unknown.status, 404);
    assert.equal(unknown.body, '404 page not found\n');
  });

  test('a body over ChannelParticipation.MaxRequestBodySize, and a disabled API', async () => {
    const small = await start({ maxRequestBodySize: 64 });
    const tooLarge = await small.client.join(configBlock.serializeBinary());
    assert.equal(tooLarge.status, 400);
    assert.deepEqual(json(tooLarge.body), { error: 'cannot read form from request body: http: request body too large' });
    const disabled = await start({ enabled: false });
    const res = await disabled.client.list();
    assert.equal(res.status, 503);
    assert.deepEqual(json(res.body), { error: 'channel participation API is disabled' });
  });
});

function joinRequest(block: Uint8Array): RequestInit {
  const form = multipartFormOfFile('config-block', 'config.block', block, 'boundary123');
  return { method: 'POST', headers: { 'Content-Type': form.contentType }, body: form.body };
}
