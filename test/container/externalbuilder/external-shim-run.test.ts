import assert from 'node:assert/strict';
import { once } from 'node:events';
import { readdir, readFile } from 'node:fs/promises';
import { createServer, type Socket } from 'node:net';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { ExternalBuilders } from '../../../src/container/externalbuilder/external-builders.js';
import { ExternalVMProvider } from '../../../src/container/externalbuilder/external-vm-provider.js';
import { installedFixture } from '../../helpers/chaincode-fixture.js';
import { captureLogging } from '../../helpers/capture-logging.js';
import { tempDir } from '../../helpers/temp-dir.js';
import { NODE_BUILDER, packageParts } from './builder-fixtures.js';

// HTTP/2's connection preface: the first bytes a gRPC client sends.
const HTTP2_PREFACE = 'PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n';

test('the test builder runs a real fabric-shim chaincode, which dials the peer address of chaincode.json', async () => {
  const installed = await installedFixture('kv-shim');
  const files: Record<string, string> = {};
  for (const name of await readdir(installed)) if (name.endsWith('.js') || name === 'package.json') files[name] = await readFile(join(installed, name), 'utf8');

  const sockets: Socket[] = [];
  let resolveDialled: (preface: string) => void = () => undefined;
  const dialled = new Promise<string>((resolve) => (resolveDialled = resolve));
  const server = createServer((socket) => {
    sockets.push(socket);
    let seen = '';
    socket.on('data', (chunk: Buffer) => {
      seen += chunk.toString('latin1');
      if (seen.length >= HTTP2_PREFACE.length) resolveDialled(seen.slice(0, HTTP2_PREFACE.length));
    });
    socket.on('error', () => undefined);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  after(() => new Promise<void>((done) => server.close(() => done())));
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;

  const { logging, lines } = captureLogging('info');
  const builders = new ExternalBuilders({
    builders: [{ name: 'node', path: NODE_BUILDER, propagateEnvironment: ['NODE_BUILDER_MODULES'] }],
    root: await tempDir('weft-ext-builds-'),
    logging,
    env: { PATH: process.env.PATH, NODE_BUILDER_MODULES: join(installed, 'node_modules') },
  });
  const provider = new ExternalVMProvider({ builds: builders, mspId: 'Org1MSP', runRoot: await tempDir('weft-ext-run-'), logger: logging.logger('chaincode.externalbuilder') });
  after(async () => {
    for (const socket of sockets) socket.destroy();
    await provider.stopAll(2000);
  });

  const build = await builders.build('kv:abcd', await packageParts('external-node', 'kv', files));
  assert.ok(build !== undefined);
  const ccid = { name: 'kv', version: 'abcd' };
  const vm = provider.newVM();
  await vm.start(ccid, ['chaincode', `-peer.address=127.0.0.1:${port}`], ['CORE_CHAINCODE_ID_NAME=kv:abcd', 'CORE_PEER_TLS_ENABLED=false'], new Map());
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<string>((resolve) => (timer = setTimeout(() => resolve(`nothing; the log:\n${lines.join('\n')}`), 30_000)));
  assert.equal(await Promise.race([dialled, late]), HTTP2_PREFACE);
  clearTimeout(timer);
  const exited = vm.wait(ccid);
  await vm.stop(ccid, 5000, false, true);
  assert.ok([0, 1, 143].includes(await exited), `exit ${await exited}`);
});
