import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { installedFixture } from '../helpers/chaincode-fixture.js';
import { makeTestTls } from '../helpers/test-tls.js';
import { freePort } from '../helpers/free-ports.js';
import { tempDir } from '../helpers/temp-dir.js';
import { runWeft, startPeerProcess, type WeftProcess } from '../helpers/weft-process.js';


/** A chaincode-as-a-service package: only a connection.json. */
async function servicePackage(connection: object): Promise<string> {
  const dir = await tempDir('weft-ccaas-pkg-');
  await writeFile(join(dir, 'connection.json'), JSON.stringify(connection));
  return dir;
}

describe('weft chaincode, with a chaincode served as a service the peer dials', () => {
  let peer: WeftProcess;
  let client: NodeJS.ProcessEnv;
  let server: ChildProcess;
  let address: string;

  before(async () => {
    const ccDir = await installedFixture('kv-shim');
    address = `127.0.0.1:${await freePort()}`;
    server = spawn(process.execPath, ['index.js'], {
      cwd: ccDir,
      env: { PATH: process.env.PATH, CHAINCODE_SERVER_ADDRESS: address, CHAINCODE_ID: 'svc:1.0' },
      stdio: 'ignore',
    });
    ({ peer, client } = await startPeerProcess(['--join', 'ch', '--application-capability', 'V1_4_2']));
  });

  after(async () => {
    server.kill('SIGKILL');
    await peer.stop();
  });

  test('install a connection.json, instantiate: the peer connects, and invoke and query work', async () => {
    const pkg = await servicePackage({ address, dial_timeout: '10s', tls_required: false });
    assert.equal((await runWeft(['chaincode', 'install', pkg, '-n', 'svc', '-v', '1.0', '-l', 'node'], client)).code, 0);
    const inst = await runWeft(['chaincode', 'instantiate', '-C', 'ch', '-n', 'svc', '-v', '1.0', '-c', '{"Args":["init","k","v1"]}'], client);
    assert.equal(inst.code, 0, `${inst.stderr}\n${peer.lines.slice(-10).join('\n')}`);
    assert.ok(peer.lines.some((l) => l.endsWith(`connected to chaincode svc:1.0 served at ${address}`)));
    assert.equal((await runWeft(['chaincode', 'query', '-C', 'ch', '-n', 'svc', '-c', '{"Args":["get","k"]}'], client)).stdout, 'v1\n');
    assert.equal((await runWeft(['chaincode', 'invoke', '-C', 'ch', '-n', 'svc', '-c', '{"Args":["put","k","v2"]}'], client)).code, 0);
    assert.equal((await runWeft(['chaincode', 'query', '-C', 'ch', '-n', 'svc', '-c', '{"Args":["get","k"]}'], client)).stdout, 'v2\n');
  });

  test('a server nobody answers at, or a connection.json without an address, fails the launch naming it', async () => {
    const closed = `127.0.0.1:${await freePort()}`;
    const pkg = await servicePackage({ address: closed, dial_timeout: '300ms' });
    await runWeft(['chaincode', 'install', pkg, '-n', 'gone', '-v', '1.0'], client);
    const inst = await runWeft(['chaincode', 'instantiate', '-C', 'ch', '-n', 'gone', '-v', '1.0'], client);
    assert.equal(inst.code, 1);
    assert.match(inst.stderr, new RegExp(`could not launch chaincode gone:1\\.0: error starting container: could not connect to chaincode server at ${closed.replace(/\./g, '\\.')}`));

    const bad = await servicePackage({ dial_timeout: '1s' });
    await runWeft(['chaincode', 'install', bad, '-n', 'noaddr', '-v', '1.0'], client);
    const noAddr = await runWeft(['chaincode', 'instantiate', '-C', 'ch', '-n', 'noaddr', '-v', '1.0'], client);
    assert.match(noAddr.stderr, /noaddr\.1\.0\/connection\.json: \\"address\\" must be host:port, got undefined/);
  });

  test('over TLS: the peer checks the chaincode server against the root in connection.json', async () => {
    const tls = await makeTestTls(await tempDir('weft-ccaas-tls-'));
    const tlsAddress = `127.0.0.1:${await freePort()}`;
    const tlsServer = spawn(process.execPath, ['index.js'], {
      cwd: await installedFixture('kv-shim'),
      env: {
        PATH: process.env.PATH,
        CHAINCODE_SERVER_ADDRESS: tlsAddress,
        CHAINCODE_ID: 'svctls:1.0',
        CHAINCODE_TLS_KEY_FILE: tls.serverKey,
        CHAINCODE_TLS_CERT_FILE: tls.serverCert,
      },
      stdio: 'ignore',
    });
    try {
      const rootCert = await readFile(tls.rootCert, 'utf8');
      const pkg = await servicePackage({ address: tlsAddress, dial_timeout: '10s', tls_required: true, root_cert: rootCert });
      assert.equal((await runWeft(['chaincode', 'install', pkg, '-n', 'svctls', '-v', '1.0'], client)).code, 0);
      const inst = await runWeft(['chaincode', 'instantiate', '-C', 'ch', '-n', 'svctls', '-v', '1.0', '-c', '{"Args":["init","t","secure"]}'], client);
      assert.equal(inst.code, 0, inst.stderr);
      assert.equal((await runWeft(['chaincode', 'query', '-C', 'ch', '-n', 'svctls', '-c', '{"Args":["get","t"]}'], client)).stdout, 'secure\n');

      // A root that did not sign the server's certificate: the peer refuses to talk to it.
      const other = await makeTestTls(await tempDir('weft-ccaas-tls-'));
      const wrong = await servicePackage({ address: tlsAddress, dial_timeout: '2s', tls_required: true, root_cert: await readFile(other.rootCert, 'utf8') });
      await runWeft(['chaincode', 'install', wrong, '-n', 'svcwrong', '-v', '1.0'], client);
      const refused = await runWeft(['chaincode', 'instantiate', '-C', 'ch', '-n', 'svcwrong', '-v', '1.0'], client);
      assert.equal(refused.code, 1);
      assert.match(refused.stderr, /could not launch chaincode svcwrong:1\.0: error starting container: could not connect to chaincode server at 127\.0\.0\.1:\d+/);
    } finally {
      tlsServer.kill('SIGKILL');
    }
  });
});
