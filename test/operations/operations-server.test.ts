import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { HealthRegistry } from '../../src/operations/health-registry.js';
import { OperationsServer } from '../../src/operations/operations-server.js';
import { captureLogging } from '../helpers/capture-logging.js';

describe('the operations service', () => {
  let server: OperationsServer;
  let healthy = true;
  const { logging, lines } = captureLogging();

  before(async () => {
    const health = new HealthRegistry();
    health.register('docker', { healthCheck: async () => (healthy ? undefined : Promise.reject(new Error('the engine does not answer'))) });
    health.register('other', { healthCheck: async () => undefined });
    server = await OperationsServer.start({ address: '127.0.0.1:0', health, version: '9.9.9', logging, logger: logging.logger('operations') });
  });

  after(async () => {
    await server.stop();
  });

  test('GET /healthz: 200 and {"status":"OK"} while every check passes', async () => {
    const res = await fetch(`http://${server.address}/healthz`);
    assert.equal(res.status, 200);
    const body = (await res.json()) as { status: string; time: string };
    assert.equal(body.status, 'OK');
    assert.ok(!Number.isNaN(Date.parse(body.time)));
  });

  test('GET /healthz: 503 naming the failed component and its reason, logged as a warning', async () => {
    healthy = false;
    const res = await fetch(`http://${server.address}/healthz`);
    assert.equal(res.status, 503);
    const body = (await res.json()) as { status: string; failed_checks: unknown };
    assert.equal(body.status, 'Service Unavailable');
    assert.deepEqual(body.failed_checks, [{ component: 'docker', reason: 'the engine does not answer' }]);
    assert.ok(lines.some((l) => /WARN .* Health check failed: docker: the engine does not answer/.test(l)));
    healthy = true;
  });

  test('GET /version: the version, as Fabric answers it; another method is a 400 naming it', async () => {
    const res = await fetch(`http://${server.address}/version`);
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), { CommitSHA: 'development build', Version: '9.9.9' });
    const post = await fetch(`http://${server.address}/version`, { method: 'POST' });
    assert.equal(post.status, 400);
    assert.deepEqual(await post.json(), { error: 'invalid request method: POST' });
  });

  test('PUT /logspec changes the levels at run time; GET /logspec shows the spec in force', async () => {
    const url = `http://${server.address}/logspec`;
    const probe = logging.logger('probe.module');
    const before = (await (await fetch(url)).json()) as { spec: string };
    assert.equal(probe.debugEnabled, false);
    const put = await fetch(url, { method: 'PUT', body: JSON.stringify({ spec: 'probe=debug:info' }) });
    assert.equal(put.status, 204);
    assert.deepEqual(await (await fetch(url)).json(), { spec: 'probe=debug:info' });
    assert.equal(probe.debugEnabled, true, 'a logger of the module (and its children) now logs debug');
    const restore = await fetch(url, { method: 'PUT', body: JSON.stringify({ spec: before.spec }) });
    assert.equal(restore.status, 204);
    assert.equal(probe.debugEnabled, false);
  });

  test('a bad spec, a body that is not JSON, or another method is a 400 with the reason; the spec is unchanged', async () => {
    const url = `http://${server.address}/logspec`;
    const before = await (await fetch(url)).json();
    const bad = await fetch(url, { method: 'PUT', body: JSON.stringify({ spec: 'chaincode=loud' }) });
    assert.equal(bad.status, 400);
    assert.match(((await bad.json()) as { error: string }).error, /invalid logging specification 'chaincode=loud'/);
    const notJson = await fetch(url, { method: 'PUT', body: '{spec' });
    assert.equal(notJson.status, 400);
    assert.match(((await notJson.json()) as { error: string }).error, /^the request body is not JSON/);
    const post = await fetch(url, { method: 'POST', body: '{}' });
    assert.equal(post.status, 400);
    assert.deepEqual(await post.json(), { error: 'invalid request method: POST' });
    assert.deepEqual(await (await fetch(url)).json(), before);
  });

  test('other methods are 405 and other paths 404', async () => {
    assert.equal((await fetch(`http://${server.address}/healthz`, { method: 'POST' })).status, 405);
    assert.equal((await fetch(`http://${server.address}/metrics`)).status, 404);
  });

  test('an address in use is one clear error naming operations.listenAddress', async () => {
    await assert.rejects(
      OperationsServer.start({ address: server.address, health: new HealthRegistry(), version: '9.9.9', logging, logger: logging.logger('operations') }),
      /^ListenError: failed to listen on 127\.0\.0\.1:\d+ \(operations\.listenAddress\): address already in use$/,
    );
  });
});
