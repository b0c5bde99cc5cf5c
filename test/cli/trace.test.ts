import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { testCrypto } from '../helpers/channel-block.js';
import { freePort } from '../helpers/free-ports.js';
import { tempDir } from '../helpers/temp-dir.js';
import { runWeft } from '../helpers/weft-process.js';
import { nestedCalls, seedDeployment } from '../operations/trace/trace-fixtures.js';

const servers: Server[] = [];
after(async () => {
  for (const server of servers) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

/** A stand-in operations service: answers GET /trace as `answer` says, and notes the paths asked for. */
async function operationsService(answer: (req: IncomingMessage, res: ServerResponse) => void, server: Server = createHttpServer()): Promise<{ address: string; paths: string[] }> {
  const paths: string[] = [];
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    paths.push(req.url ?? '');
    answer(req, res);
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { address: `127.0.0.1:${String((server.address() as AddressInfo).port)}`, paths };
}

const TRACE = { events: [...seedDeployment(), ...nestedCalls().map((e) => ({ ...e, seq: e.seq + 100, time: e.time + 5 }))] };

function serveTrace(_req: IncomingMessage, res: ServerResponse): void {
  res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify(TRACE));
}

describe('weft trace', () => {
  let dir: string;
  let traceFile: string;
  before(async () => {
    dir = await tempDir('weft-trace-cli-');
    traceFile = join(dir, 'trace.json');
    await writeFile(traceFile, JSON.stringify(TRACE));
  });

  test('--input FILE --format svg -o OUT writes the diagram to OUT and nothing to stdout', async () => {
    const out = join(dir, 'trace.svg');
    const run = await runWeft(['trace', '--input', traceFile, '--format', 'svg', '-o', out], {});
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.stdout, '');
    assert.equal(run.stderr, '');
    const svg = await readFile(out, 'utf8');
    assert.match(svg, /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
    assert.equal(svg.match(/<g class="lane"/g)?.length, 5);
    assert.equal(svg.match(/<g class="arrow /g)?.length, 27);
    assert.equal(svg.match(/<g class="call"/g)?.length, 2);
  });

  test('Mermaid on stdout by default; --chaincode and --txid filter; html is one page', async () => {
    const all = await runWeft(['trace', '--input', traceFile], {});
    assert.equal(all.code, 0, all.stderr);
    assert.match(all.stdout, /^sequenceDiagram\n {4}participant peer as peer\n {4}participant cc1 as lscc#58;1\.4\n/);
    assert.equal(all.stdout.match(/->>/g)?.length, 27);

    const lscc = await runWeft(['trace', '--input', traceFile, '--chaincode', 'lscc', '--txid', 'f00dfeed'], {});
    assert.equal(lscc.code, 0, lscc.stderr);
    assert.equal(
      lscc.stdout,
      'sequenceDiagram\n    participant peer as peer\n    participant cc1 as lscc#58;1.4\n    peer->>cc1: TRANSACTION f00dfeed +0.00 ms\n    cc1->>peer: COMPLETED f00dfeed +0.10 ms\n',
    );

    const html = await runWeft(['trace', '--input', traceFile, '--format', 'html', '--chaincode', 'mycc'], {});
    assert.equal(html.code, 0, html.stderr);
    assert.match(html.stdout, /^<!DOCTYPE html>/);
    assert.match(html.stdout, /<h1>Chaincode conversation of mycc<\/h1>/);
    assert.equal(html.stdout.match(/<tr><td class="num">/g)?.length, 16);
  });

  test('reads GET /trace from the operations service given by --operations, or by CORE_OPERATIONS_LISTENADDRESS', async () => {
    const service = await operationsService(serveTrace);
    const byFlag = await runWeft(['trace', '--operations', service.address, '--chaincode', 'mycc:1.0'], {});
    assert.equal(byFlag.code, 0, byFlag.stderr);
    assert.match(byFlag.stdout, /^sequenceDiagram\n/);
    assert.equal(byFlag.stdout.match(/->>/g)?.length, 16);
    const byEnv = await runWeft(['trace'], { CORE_OPERATIONS_LISTENADDRESS: service.address });
    assert.equal(byEnv.code, 0, byEnv.stderr);
    assert.equal(byEnv.stdout.match(/->>/g)?.length, 27);
    assert.deepEqual(service.paths, ['/trace', '/trace']);
  });

  test('over HTTPS with client authentication: --cafile, --certfile, --keyfile; a client without a certificate is refused', async () => {
    const crypto = await testCrypto();
    const peerTls = join(crypto, 'peerOrganizations/org1.example.com/peers/peer0.org1.example.com/tls');
    const adminTls = join(crypto, 'peerOrganizations/org1.example.com/users/Admin@org1.example.com/tls');
    const ca = await readFile(join(peerTls, 'ca.crt'));
    const server = createHttpsServer({ cert: await readFile(join(peerTls, 'server.crt')), key: await readFile(join(peerTls, 'server.key')), ca, requestCert: true, rejectUnauthorized: true });
    const service = await operationsService(serveTrace, server);
    const flags = ['--operations', service.address, '--cafile', join(peerTls, 'ca.crt')];
    const ok = await runWeft(['trace', ...flags, '--certfile', join(adminTls, 'client.crt'), '--keyfile', join(adminTls, 'client.key'), '--format', 'svg'], {});
    assert.equal(ok.code, 0, ok.stderr);
    assert.match(ok.stdout, /^<svg /);

    const noCert = await runWeft(['trace', ...flags], {});
    assert.equal(noCert.code, 1);
    assert.match(noCert.stderr, new RegExp(`^Error: operations service not reachable at https://${service.address.replace(/\./g, '\\.')}: `));
    const halfPair = await runWeft(['trace', ...flags, '--certfile', join(adminTls, 'client.crt')], {});
    assert.equal(halfPair.code, 1);
    assert.equal(halfPair.stderr, 'Error: --certfile and --keyfile go together: the client certificate and its key');
    const notCa = await runWeft(['trace', '--operations', service.address, '--cafile', traceFile], {});
    assert.equal(notCa.code, 1);
    assert.equal(notCa.stderr, `Error: --cafile: ${traceFile} holds no PEM certificate`);
  });

  describe('errors name what is wrong, in one line', () => {
    test('a missing file; a file that is not a trace document', async () => {
      const missing = join(dir, 'no-such-trace.json');
      const gone = await runWeft(['trace', '--input', missing], {});
      assert.equal(gone.code, 1);
      assert.equal(gone.stdout, '');
      assert.equal(gone.stderr, `Error: cannot read the trace ${missing}: no such file or directory`);

      const notTrace = join(dir, 'not-a-trace.json');
      await writeFile(notTrace, JSON.stringify({ events: [{ seq: 1 }] }));
      const bad = await runWeft(['trace', '--input', notTrace], {});
      assert.equal(bad.code, 1);
      assert.equal(bad.stderr, `Error: ${notTrace} is not a trace document (the JSON of GET /trace): events[0].time: expected a number`);
    });

    test('an unknown format', async () => {
      const run = await runWeft(['trace', '--input', traceFile, '--format', 'png'], {});
      assert.equal(run.code, 1);
      assert.equal(run.stderr, 'Error: unknown format "png": use mermaid, svg, html');
    });

    test('an operations address nothing listens on, or one that is not host:port', async () => {
      const port = await freePort();
      const run = await runWeft(['trace', '--operations', `127.0.0.1:${String(port)}`], {});
      assert.equal(run.code, 1);
      assert.equal(run.stderr, `Error: operations service not reachable at http://127.0.0.1:${String(port)}: connect ECONNREFUSED 127.0.0.1:${String(port)}`);
      const malformed = await runWeft(['trace', '--operations', 'http://peer0:9443/'], {});
      assert.equal(malformed.code, 1);
      assert.equal(malformed.stderr, 'Error: --operations http://peer0:9443/: expected host:port, such as 127.0.0.1:9443');
    });

    test('an operations service that answers with an HTTP error, or with something else than a trace', async () => {
      const notFound = await operationsService((_req, res) => res.writeHead(404, { 'Content-Type': 'text/plain' }).end('404 page not found\n'));
      const run = await runWeft(['trace', '--operations', notFound.address], {});
      assert.equal(run.code, 1);
      assert.equal(run.stderr, `Error: the operations service at http://${notFound.address} answered GET /trace with HTTP 404: 404 page not found`);
      const html = await operationsService((_req, res) => res.writeHead(200, { 'Content-Type': 'text/html' }).end('<html>hello</html>'));
      const other = await runWeft(['trace', '--operations', html.address], {});
      assert.equal(other.code, 1);
      assert.match(other.stderr, new RegExp(`^Error: the operations service at http://${html.address.replace(/\./g, '\\.')} answered GET /trace with something that is not a trace document: not JSON: `));
    });

    test('nothing recorded, or nothing matching the filter', async () => {
      const run = await runWeft(['trace', '--input', traceFile, '--chaincode', 'nosuchcc'], {});
      assert.equal(run.code, 1);
      assert.equal(run.stderr, `Error: nothing recorded matching --chaincode nosuchcc in ${traceFile} (27 messages, of lscc:1.4, mycc:1.0, other:1.0, third:2.0)`);
      const empty = await operationsService((_req, res) => res.writeHead(200, { 'Content-Type': 'application/json' }).end('{"events":[]}'));
      const none = await runWeft(['trace', '--operations', empty.address], {});
      assert.equal(none.code, 1);
      assert.equal(none.stderr, `Error: nothing recorded in the operations service at http://${empty.address}: no message between the peer and a chaincode yet`);
    });
  });
});
