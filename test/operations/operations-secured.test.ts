import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { request } from 'node:https';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { newMessage } from '../../src/chaincode/handler.js';
import { PrometheusProvider } from '../../src/common/metrics/prometheus-provider.js';
import { MessageTypes as T } from '../../src/common/protos/peer.js';
import { HealthRegistry } from '../../src/operations/health-registry.js';
import type { LiveStatus } from '../../src/operations/live-status.js';
import { OperationsServer, type OperationsServerOptions } from '../../src/operations/operations-server.js';
import { ConversationTrace } from '../../src/operations/trace/conversation-trace.js';
import { captureLogging } from '../helpers/capture-logging.js';
import { OpensslCa, type IssuedCert } from '../helpers/openssl-ca.js';
import { tempDir } from '../helpers/temp-dir.js';
import { makeTestTls } from '../helpers/test-tls.js';

interface Answer {
  status: number;
  body: string;
  contentType: string | undefined;
}

/** An HTTPS request with an optional client certificate; rejects when the handshake is refused. */
function get(url: string, ca: Buffer, client?: IssuedCert, method = 'GET'): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method, ca, ...(client === undefined ? {} : { cert: client.certPem, key: client.keyPem }) }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, contentType: res.headers['content-type'] }));
    });
    req.on('error', reject);
    req.end();
  });
}

const status: LiveStatus = {
  peer: { id: 'peer0.org1.example.com', mspId: 'Org1MSP', version: '9.9.9' },
  channels: [{ id: 'mychannel', height: 3 }],
  chaincodes: [{ name: 'basic:1.0', containerType: 'PROCESS', state: 'ready', sent: 4, received: 3 }],
  transactions: [{ channel: 'mychannel', block: 2, txid: 'abc', code: 'VALID', committedAt: 1 }],
  tracing: true,
};

describe('the operations service over TLS, with its secured routes', () => {
  const { logging, lines } = captureLogging();
  let dir: string;
  let rootCa: Buffer;
  let trusted: IssuedCert;
  let stranger: IssuedCert;
  let options: OperationsServerOptions;
  const servers: OperationsServer[] = [];

  before(async () => {
    dir = await tempDir('weft-ops-tls-');
    const server = await makeTestTls(join(dir, 'server'));
    rootCa = await readFile(server.rootCert);
    const clients = await OpensslCa.create(join(dir, 'clients'), '/CN=operations clients');
    trusted = await clients.issue('monitor', '/CN=monitor');
    stranger = await (await OpensslCa.create(join(dir, 'strangers'), '/CN=someone else')).issue('intruder', '/CN=intruder');
    const metrics = new PrometheusProvider();
    metrics.newCounter({ namespace: 'endorser', name: 'proposals_received', help: 'h' }).add(2);
    const trace = new ConversationTrace({ size: 10 });
    trace.record('basic:1.0', 'to_chaincode', newMessage(T.TRANSACTION, undefined, 'tx1', 'mychannel'), 'ready', 'ready');
    options = {
      address: '127.0.0.1:0',
      health: new HealthRegistry(),
      version: '9.9.9',
      logging,
      tls: {
        certPem: await readFile(server.serverCert),
        keyPem: await readFile(server.serverKey),
        clientRootCasPem: [await readFile(clients.certFile)],
        clientAuthRequired: false,
      },
      metrics,
      trace,
      status: async () => status,
      logger: logging.logger('operations'),
    };
  });

  after(async () => {
    for (const server of servers) await server.stop();
  });

  async function start(overrides: Partial<OperationsServerOptions> = {}): Promise<string> {
    const server = await OperationsServer.start({ ...options, ...overrides });
    servers.push(server);
    return `https://localhost:${server.address.split(':').pop() ?? ''}`;
  }

  test('health and version answer anyone; metrics, log spec, trace, status and the live page only a verified client (401 otherwise)', async () => {
    const base = await start();
    assert.equal((await get(`${base}/healthz`, rootCa)).status, 200);
    assert.equal((await get(`${base}/version`, rootCa)).status, 200);
    for (const path of ['/metrics', '/logspec', '/trace', '/status', '/']) {
      assert.equal((await get(`${base}${path}`, rootCa)).status, 401, `${path} without a certificate`);
      assert.equal((await get(`${base}${path}`, rootCa, stranger)).status, 401, `${path} with a certificate of another CA`);
      assert.equal((await get(`${base}${path}`, rootCa, trusted)).status, 200, `${path} with a trusted certificate`);
    }
    assert.ok(lines.some((l) => /WARN .*Client request not authorized, client must pass a valid client certificate for this operation URL \/metrics/.test(l)));
  });

  test('with clientAuthRequired the handshake itself refuses a client without a certificate', async () => {
    const base = await start({ tls: { ...(options.tls as NonNullable<OperationsServerOptions['tls']>), clientAuthRequired: true } });
    await assert.rejects(get(`${base}/healthz`, rootCa), /certificate|handshake|socket hang up|ECONNRESET|alert/i);
    assert.equal((await get(`${base}/healthz`, rootCa, trusted)).status, 200);
  });

  test('GET /metrics is the Prometheus exposition; another method is a 405', async () => {
    const base = await start();
    const metrics = await get(`${base}/metrics`, rootCa, trusted);
    assert.match(metrics.contentType ?? '', /^text\/plain/);
    assert.match(metrics.body, /^endorser_proposals_received 2$/m);
    assert.equal((await get(`${base}/metrics`, rootCa, trusted, 'POST')).status, 405);
  });

  test('GET /trace: the recorded messages as JSON, filtered by txid; an unknown format is a 400 naming it', async () => {
    const base = await start();
    const all = JSON.parse((await get(`${base}/trace`, rootCa, trusted)).body) as { events: Array<{ type: string; txid: string }> };
    assert.deepEqual(all.events.map((e) => [e.type, e.txid]), [['TRANSACTION', 'tx1']]);
    const none = JSON.parse((await get(`${base}/trace?txid=other`, rootCa, trusted)).body) as { events: unknown[] };
    assert.deepEqual(none.events, []);
    const svg = await get(`${base}/trace?format=svg`, rootCa, trusted);
    assert.equal(svg.contentType, 'image/svg+xml');
    assert.match(svg.body, /<svg[^>]*class="weft-trace"/);
    const mermaid = await get(`${base}/trace?format=mermaid&txid=tx1`, rootCa, trusted);
    assert.match(mermaid.body, /^sequenceDiagram/);
    assert.match(mermaid.body, /TRANSACTION/);
    assert.equal((await get(`${base}/trace`, rootCa, trusted, 'DELETE')).status, 405);
    const bad = await get(`${base}/trace?format=pdf`, rootCa, trusted);
    assert.equal(bad.status, 400);
    assert.match(bad.body, /unknown format \\"pdf\\": use json, mermaid, svg or html/);
  });

  test('GET /status is what the live page shows; GET / is the page itself, allowed only its own script and same-origin fetches', async () => {
    const base = await start();
    assert.deepEqual(JSON.parse((await get(`${base}/status`, rootCa, trusted)).body), status);
    assert.equal((await get(`${base}/status`, rootCa, trusted, 'POST')).status, 405);
    assert.equal((await get(`${base}/`, rootCa, trusted, 'PUT')).status, 405);
    const page = await get(`${base}/`, rootCa, trusted);
    assert.match(page.contentType ?? '', /^text\/html/);
    assert.match(page.body, /<title>Weft peer<\/title>/);
    assert.match(page.body, /fetch\("status"/);
  });
});
