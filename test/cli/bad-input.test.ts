import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { createServer, type AddressInfo, type Server } from 'node:net';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { defaultCryptoDir, defaultOrdererIdentity, ensureDefaultCrypto } from '../../src/msp/default-identities.js';
import { tempDir } from '../helpers/temp-dir.js';
import { messageOf, runWeft, startPeerProcess, WeftProcess } from '../helpers/weft-process.js';

// What a careless user sees: each bad input is one line that names the key or the file at fault,
// and never a stack trace (a line starting with "    at ").

async function peerEnv(extra: NodeJS.ProcessEnv = {}): Promise<NodeJS.ProcessEnv> {
  const dir = await tempDir('weft-bad-input-');
  return {
    CORE_PEER_FILESYSTEMPATH: join(dir, 'data'),
    CORE_PEER_CHAINCODELISTENADDRESS: '127.0.0.1:0',
    CORE_PEER_LISTENADDRESS: '127.0.0.1:0',
    CORE_PEER_ORDERER_LISTENADDRESS: '127.0.0.1:0',
    CORE_PEER_ORDERER_ADMINLISTENADDRESS: '127.0.0.1:0',
    ...extra,
  };
}

/** A peer start that must fail: its one FATA line's message. */
async function failedStart(env: NodeJS.ProcessEnv): Promise<string> {
  const proc = new WeftProcess(['node', 'start'], env);
  // A peer that accepts the input starts and runs on: it is stopped, and the test fails.
  const timer = setTimeout(() => void proc.stop(), 20_000);
  const code = await proc.exitCode();
  clearTimeout(timer);
  assert.equal(code, 1, proc.lines.join('\n'));
  assertNoStack(proc.lines);
  const fatal = proc.lines.filter((l) => / FATA /.test(l));
  assert.equal(fatal.length, 1, proc.lines.join('\n'));
  return messageOf(fatal[0] ?? '');
}

function assertNoStack(lines: readonly string[]): void {
  assert.ok(!lines.some((l) => /^\s+at /.test(l)), `a stack trace reached the user:\n${lines.join('\n')}`);
}

/** A port this test holds, so that a listener asked to bind it finds it in use. */
async function takenPort(): Promise<{ address: string; server: Server }> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { address: `127.0.0.1:${String((server.address() as AddressInfo).port)}`, server };
}

async function configFolder(yaml: string): Promise<string> {
  const dir = await tempDir('weft-bad-cfg-');
  await writeFile(join(dir, 'core.yaml'), yaml);
  return dir;
}

describe('weft node start: bad input is one line naming what is at fault', () => {
  test('a data folder (peer.fileSystemPath) that is a file', async () => {
    const dir = await tempDir('weft-bad-input-');
    const file = join(dir, 'not-a-folder');
    await writeFile(file, 'x');
    const message = await failedStart(await peerEnv({ CORE_PEER_FILESYSTEMPATH: file }));
    assert.equal(message, `invalid value for peer.fileSystemPath (from CORE_PEER_FILESYSTEMPATH): "${file}" is not a folder`);
  });

  test('a TLS certificate file holding garbage names the key and the file', async () => {
    const dir = await tempDir('weft-bad-input-');
    const garbage = join(dir, 'garbage.pem');
    await writeFile(garbage, 'this is not a certificate\n');
    const message = await failedStart(
      await peerEnv({ CORE_PEER_TLS_ENABLED: 'true', CORE_PEER_TLS_CERT_FILE: garbage, CORE_PEER_TLS_KEY_FILE: garbage, CORE_PEER_TLS_ROOTCERT_FILE: garbage }),
    );
    assert.equal(message, `peer.tls.cert.file: ${garbage} holds no PEM certificate`);
  });

  test('core.yaml with `chaincode: 5` names chaincode', async () => {
    const message = await failedStart(await peerEnv({ FABRIC_CFG_PATH: await configFolder('chaincode: 5\n') }));
    assert.match(message, /^invalid value for chaincode: 5 is not a mapping/);
  });

  test('core.yaml with `peer: [1]` names peer, instead of starting without its settings', async () => {
    const message = await failedStart(await peerEnv({ FABRIC_CFG_PATH: await configFolder('peer: [1]\n') }));
    assert.match(message, /^invalid value for peer: \[1\] is not a mapping/);
  });

  test('a core.yaml that does not parse is one line with the file, line and column', async () => {
    const cfg = await configFolder('peer:\n  id: [\n');
    const message = await failedStart(await peerEnv({ FABRIC_CFG_PATH: cfg }));
    assert.match(message, new RegExp(`^error when reading core config file ${join(cfg, 'core.yaml')}: .* at line \\d+, column \\d+$`));
  });

  test('out-of-range values are refused: executetimeout 0s, a negative keepalive, a zero gRPC message size', async () => {
    assert.equal(
      await failedStart(await peerEnv({ CORE_CHAINCODE_EXECUTETIMEOUT: '0s' })),
      'invalid value for chaincode.executetimeout (from CORE_CHAINCODE_EXECUTETIMEOUT): "0s" must be more than 0s',
    );
    assert.equal(
      await failedStart(await peerEnv({ FABRIC_CFG_PATH: await configFolder('chaincode:\n  keepalive: -5\n') })),
      'invalid value for chaincode.keepalive: -5 must be 0 (no keepalive) or more seconds',
    );
    assert.equal(
      await failedStart(await peerEnv({ CORE_PEER_MAXRECVMSGSIZE: '0' })),
      'invalid value for peer.maxRecvMsgSize (from CORE_PEER_MAXRECVMSGSIZE): "0" must be from 1 to 2147483647 bytes',
    );
  });

  test('an address in use names the core.yaml key it came from, for each of the peer\'s listeners', async () => {
    const { address, server } = await takenPort();
    try {
      for (const [variable, key] of [
        ['CORE_PEER_LISTENADDRESS', 'peer.listenAddress'],
        ['CORE_PEER_CHAINCODELISTENADDRESS', 'peer.chaincodeListenAddress'],
        ['CORE_PEER_ORDERER_LISTENADDRESS', 'peer.orderer.listenAddress'],
        ['CORE_PEER_ORDERER_ADMINLISTENADDRESS', 'peer.orderer.adminListenAddress'],
      ] as const) {
        assert.equal(await failedStart(await peerEnv({ [variable]: address })), `failed to listen on ${address} (${key}): address already in use`);
      }
    } finally {
      server.close();
    }
  });

  test('CouchDB as the state database, with no CouchDB at its address: the address and its key are named', async () => {
    const { address, server } = await takenPort();
    // A port that takes connections but never answers HTTP would wait for requestTimeout: a closed one refuses at once.
    server.close();
    const message = await failedStart(
      await peerEnv({ CORE_LEDGER_STATE_STATEDATABASE: 'CouchDB', CORE_LEDGER_STATE_COUCHDBCONFIG_COUCHDBADDRESS: address, CORE_LEDGER_STATE_COUCHDBCONFIG_MAXRETRIESONSTARTUP: '1' }),
    );
    assert.match(
      message,
      new RegExp(`^unable to connect to CouchDB at ${address} \\(ledger\\.state\\.couchDBConfig\\.couchDBAddress\\), check the hostname and port: http error calling couchdb: GET http://${address}/: fetch failed \\(connect ECONNREFUSED`),
    );
    assert.equal(
      await failedStart(await peerEnv({ CORE_LEDGER_STATE_STATEDATABASE: 'MongoDB' })),
      'invalid value for ledger.state.stateDatabase (from CORE_LEDGER_STATE_STATEDATABASE): "MongoDB" must be goleveldb or CouchDB',
    );
  });

  test('an unknown or misspelt core.yaml key is warned about once at start, with the closest known key', async () => {
    // Fabric's own keys that Weft does not use (gossip, ledger) are not unknown.
    const cfg = await configFolder(
      'peer:\n  listenAdress: 0.0.0.0:7051\n  gossip:\n    bootstrap: 127.0.0.1:7051\nchaincode:\n  exectimeout: 10s\nledger:\n  state:\n    totalQueryLimit: 100000\nmystery: 1\n',
    );
    const proc = new WeftProcess(['node', 'start'], await peerEnv({ FABRIC_CFG_PATH: cfg }));
    await proc.waitFor(/Started peer/);
    const warnings = proc.lines.filter((l) => / WARN /.test(l) && l.includes('unknown key'));
    assert.deepEqual(
      warnings.map((l) => l.replace(/^.* UTC /, '').replace(/ WARN [0-9a-f]+ /, ' WARN ')),
      [
        '[nodeCmd] serve -> WARN unknown key peer.listenAdress in core.yaml; did you mean peer.listenAddress?',
        '[nodeCmd] serve -> WARN unknown key chaincode.exectimeout in core.yaml; did you mean chaincode.executetimeout?',
        '[nodeCmd] serve -> WARN unknown key mystery in core.yaml; it is ignored',
      ],
    );
    assert.equal(await proc.stop(), 0);
  });
});

describe('weft CLI: bad input is one line naming what is at fault', () => {
  test('channel fetch into a folder that does not exist names the file, without a stack', async () => {
    const { peer, client } = await startPeerProcess(['--join', 'ch']);
    const out = await runWeft(['channel', 'fetch', 'newest', '/no/such/folder/x.block', '-c', 'ch'], client);
    assert.equal(out.code, 1);
    assertNoStack(out.stderr.split('\n'));
    assert.equal(out.stderr.trim(), 'Error: cannot write the block to /no/such/folder/x.block: no such file or directory');
    await peer.stop();
  });

  test('channel genesis into a folder that does not exist names the file', async () => {
    const out = await runWeft(['channel', 'genesis', '-c', 'ch2', '-o', '/no/such/folder/x.block'], {});
    assert.equal(out.code, 1);
    assertNoStack(out.stderr.split('\n'));
    assert.equal(out.stderr.trim(), 'Error: cannot write the block to /no/such/folder/x.block: no such file or directory');
  });

  test('--tls with garbage certificate, key and CA files names the file', async () => {
    const dir = await tempDir('weft-bad-input-');
    const garbage = join(dir, 'garbage.pem');
    await writeFile(garbage, 'garbage\n');
    const out = await runWeft(['channel', 'list', '--tls', '--cafile', garbage, '--clientauth', '--certfile', garbage, '--keyfile', garbage], {
      CORE_PEER_ADDRESS: '127.0.0.1:1',
    });
    assert.equal(out.code, 1);
    assertNoStack(out.stderr.split('\n'));
    assert.equal(out.stderr.trim(), `Error: peer.tls.rootcert.file (--cafile): ${garbage} holds no PEM certificate`);
  });

  test('--transient values that are not base64 are refused naming the key', async () => {
    const out = await runWeft(['chaincode', 'query', '-C', 'ch', '-n', 'qscc', '-c', '{"Args":["GetChainInfo","ch"]}', '--transient', '{"secret":"!!!not base64"}'], {
      CORE_PEER_ADDRESS: '127.0.0.1:1',
    });
    assert.equal(out.code, 1);
    assert.equal(out.stderr.trim(), 'Error: error parsing transient string: the value of secret is not base64: "!!!not base64"');
  });

  test('signconfigtx with a file that is not an envelope names the file', async () => {
    const dir = await tempDir('weft-bad-input-');
    const file = join(dir, 'update.tx');
    await writeFile(file, 'garbage\n');
    const out = await runWeft(['channel', 'signconfigtx', '-f', file], {});
    assert.equal(out.code, 1);
    assert.match(out.stderr.trim(), new RegExp(`^Error: ${file} is not a configtx envelope`));
  });
});

describe('weft orderer start: a listen failure names the orderer.yaml key', () => {
  /** `weft orderer start` that must fail: its one FATA line's message. */
  async function failedOrdererStart(env: NodeJS.ProcessEnv): Promise<string> {
    const dir = await tempDir('weft-bad-input-');
    const { code, stderr } = await runWeft(['orderer', 'start'], { ORDERER_GENERAL_LISTENPORT: '0', ORDERER_FILELEDGER_LOCATION: join(dir, 'data', 'orderer'), ...env });
    const lines = stderr.split('\n');
    assert.equal(code, 1, stderr);
    assertNoStack(lines);
    const fatal = lines.filter((l) => / FATA /.test(l));
    assert.equal(fatal.length, 1, stderr);
    return messageOf(fatal[0] ?? '');
  }

  test('General.ListenPort and Admin.ListenAddress in use', async () => {
    const { address, server } = await takenPort();
    try {
      const port = address.replace(/^.*:/, '');
      assert.equal(
        await failedOrdererStart({ ORDERER_GENERAL_LISTENADDRESS: '127.0.0.1', ORDERER_GENERAL_LISTENPORT: port }),
        `failed to listen on ${address} (General.ListenAddress, General.ListenPort): address already in use`,
      );
      assert.equal(await failedOrdererStart({ ORDERER_ADMIN_LISTENADDRESS: address }), `failed to listen on ${address} (Admin.ListenAddress): address already in use`);
    } finally {
      server.close();
    }
  });
});

describe('weft osnadmin and configtxgen: a file that is not what it should be is named', () => {
  test('osnadmin --ca-file, --client-key holding garbage', async () => {
    const dir = await tempDir('weft-bad-input-');
    const garbage = join(dir, 'garbage.pem');
    await writeFile(garbage, 'garbage\n');
    const caOut = await runWeft(['osnadmin', 'channel', 'list', '-o', '127.0.0.1:1', '--ca-file', garbage], {});
    assert.equal(caOut.code, 1);
    assertNoStack(caOut.stderr.split('\n'));
    assert.equal(caOut.stderr.trim(), `Error: --ca-file: ${garbage} holds no PEM certificate`);

    const cryptoDir = defaultCryptoDir(join(dir, 'data'));
    await ensureDefaultCrypto(cryptoDir);
    const tlsDir = defaultOrdererIdentity(cryptoDir).tlsDir;
    const keyOut = await runWeft(
      ['osnadmin', 'channel', 'list', '-o', '127.0.0.1:1', '--ca-file', join(tlsDir, 'ca.crt'), '--client-cert', join(tlsDir, 'server.crt'), '--client-key', garbage],
      {},
    );
    assert.equal(keyOut.code, 1);
    assert.equal(keyOut.stderr.trim(), `Error: --client-key: ${garbage} holds no PEM private key`);
  });

  test('configtxgen with a configtx.yaml whose top level is a number, or a list', async () => {
    for (const yaml of ['5\n', '- Organizations\n- Profiles\n']) {
      const dir = await tempDir('weft-bad-configtx-');
      await writeFile(join(dir, 'configtx.yaml'), yaml);
      const out = await runWeft(['configtxgen', '-profile', 'P', '-channelID', 'ch', '-outputBlock', join(dir, 'ch.block'), '-configPath', dir], {});
      assert.equal(out.code, 1);
      assertNoStack(out.stderr.split('\n'));
      assert.equal(out.stderr.trim(), `Error: ${join(dir, 'configtx.yaml')} is not a YAML mapping (of Organizations, Profiles, ...)`);
    }
  });
});
