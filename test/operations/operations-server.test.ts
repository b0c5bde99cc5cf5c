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
    server = await OperationsServer.start({ address: '127.0.0.1:0', health, logger: logging.logger('operations') });
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

  test('other methods are 405 and other paths 404', async () => {
    assert.equal((await fetch(`http://${server.address}/healthz`, { method: 'POST' })).status, 405);
    assert.equal((await fetch(`http://${server.address}/metrics`)).status, 404);
  });

  test('an address in use is one clear error naming operations.listenAddress', async () => {
    await assert.rejects(
      OperationsServer.start({ address: server.address, health: new HealthRegistry(), logger: logging.logger('operations') }),
      /^ListenError: failed to listen on 127\.0\.0\.1:\d+ \(operations\.listenAddress\): address already in use$/,
    );
  });
});
