import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { credentials } from '@grpc/grpc-js';
import shimGrpc from '@hyperledger/fabric-protos/lib/peer/chaincode_shim_grpc_pb.js';
import { ChaincodeID, ChaincodeMessage, MessageTypes as T, messageTypeName } from '../../src/common/protos/peer.js';
import { tempDir } from '../helpers/temp-dir.js';
import { messageOf, WeftProcess } from '../helpers/weft-process.js';

const LOG_LINE = /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3} UTC \[[a-zA-Z_.]+\] \w+ -> (DEBU|INFO|WARN|ERRO|FATA) [0-9a-f]{3,} /;

async function peerEnv(extra: NodeJS.ProcessEnv = {}): Promise<NodeJS.ProcessEnv> {
  const dir = await tempDir('weft-e2e-');
  return { CORE_PEER_FILESYSTEMPATH: join(dir, 'data'), CORE_PEER_CHAINCODELISTENADDRESS: '127.0.0.1:0', CORE_PEER_LISTENADDRESS: '127.0.0.1:0', CORE_PEER_ORDERER_LISTENADDRESS: '127.0.0.1:0', CORE_PEER_ORDERER_ADMINLISTENADDRESS: '127.0.0.1:0', ...extra };
}

const deployLines = (channel: string) => [
  `system chaincode lscc/${channel}(weft/src/scc/lscc) deployed`,
  'Init CSCC',
  `system chaincode cscc/${channel}(weft/src/scc/cscc) deployed`,
  'Init QSCC',
  `system chaincode qscc/${channel}(weft/src/scc/qscc) deployed`,
  `system chaincode _lifecycle/${channel}(weft/src/scc/lifecycle) deployed`,
];

/** The lines of `messages` that appear in `log`, which must be all of them, in order. */
function assertInOrder(log: string[], messages: string[]): void {
  const texts = log.map(messageOf);
  let from = 0;
  for (const message of messages) {
    const at = texts.indexOf(message, from);
    assert.ok(at >= 0, `missing, or out of order: "${message}"\nlog:\n${texts.join('\n')}`);
    from = at + 1;
  }
}

describe('weft node start', () => {
  test('registers and deploys the SCCs for "" then mychannel in the seed\'s order, restarts from disk, exits 0 on signals', async () => {
    const env = await peerEnv();
    const first = new WeftProcess(['node', 'start', '--join', 'mychannel'], env);
    await first.waitFor(/Started peer with ID=/);
    assertInOrder(first.lines, [
      `Generated the crypto of Org1MSP (org1.example.com) and OrdererMSP (example.com) under ${join(env.CORE_PEER_FILESYSTEMPATH ?? '', 'crypto')}`,
      'system chaincode lscc(weft/src/scc/lscc) registered',
      'system chaincode cscc(weft/src/scc/cscc) registered',
      'system chaincode qscc(weft/src/scc/qscc) registered',
      'system chaincode _lifecycle(weft/src/scc/lifecycle) registered',
      ...deployLines(''),
      'Deployed system chaincodes',
      'Created ledger [mychannel] with genesis block',
      ...deployLines('mychannel'),
      'Started peer with ID=[peer0.org1.example.com], network ID=[dev], address=[0.0.0.0:7051]',
    ]);
    for (const line of first.lines.filter((l) => l.includes(' UTC ['))) assert.match(line, LOG_LINE);
    assert.equal(await first.stop('SIGTERM'), 0);

    const second = new WeftProcess(['node', 'start'], env);
    await second.waitFor(/Started peer with ID=/);
    assertInOrder(second.lines, [...deployLines(''), 'Deployed system chaincodes', 'Loading chain mychannel', ...deployLines('mychannel')]);
    assert.ok(!second.lines.some((l) => l.includes('Created ledger')));
    // The crypto is made once: the restarted peer runs with the identity it had.
    assert.ok(!second.lines.some((l) => l.includes('Generated the crypto')));
    assert.equal(await second.stop('SIGINT'), 0);
  });

  test('with chaincode and container at debug, one deployment prints the conversation of the seed', async () => {
    const proc = new WeftProcess(['node', 'start'], await peerEnv({ FABRIC_LOGGING_SPEC: 'info:chaincode,container=debug' }));
    await proc.waitFor(/Started peer/);
    const lscc = proc.lines.slice(0, proc.lines.findIndex((l) => l.includes('system chaincode lscc/(')) + 1);
    const texts = lscc.map(messageOf);
    const expectations: RegExp[] = [
      /^launchConfig: executable:"chaincode",Args:\[chaincode,-peer\.address=127\.0\.0\.1:\d+\],Envs:\[.*CORE_CHAINCODE_ID_NAME=lscc:0\.1\.0,CORE_PEER_TLS_ENABLED=false\],Files:\[\]$/,
      /^start container: lscc:0\.1\.0$/,
      /^waiting for container\(lscc-0\.1\.0\) lock$/,
      /^got container \(lscc-0\.1\.0\) lock$/,
      /^\[\] Fabric side handling ChaincodeMessage of type: REGISTER in state created$/,
      /^Received REGISTER in state created$/,
      /^registered handler complete for chaincode lscc:0\.1\.0$/,
      /^Got REGISTER for chaincodeID = name:"lscc:0\.1\.0" , sending back REGISTERED$/,
      /^Changed state to established for name:"lscc:0\.1\.0"$/,
      /^sending READY for chaincode name:"lscc:0\.1\.0"$/,
      /^Changed to state ready for chaincode name:"lscc:0\.1\.0"$/,
      /^launch complete$/,
      /^Entry$/,
      /^\[[0-9a-f]{8}\] Fabric side handling ChaincodeMessage of type: COMPLETED in state ready$/,
      /^\[[0-9a-f]{8}\] notifying Txid:[0-9a-f-]{36}, channelID:$/,
      /^Exit$/,
      /^system chaincode lscc\/\(weft\/src\/scc\/lscc\) deployed$/,
    ];
    let from = 0;
    for (const re of expectations) {
      const at = texts.findIndex((t, i) => i >= from && re.test(t));
      assert.ok(at >= 0, `missing, or out of order: ${String(re)}\nlog:\n${texts.join('\n')}`);
      from = at + 1;
    }
    assert.equal(await proc.stop(), 0);
  });

  test('the operations service changes the running peer\'s log levels (PUT /logspec) and gives its version', async () => {
    const proc = new WeftProcess(['node', 'start'], await peerEnv({ CORE_OPERATIONS_LISTENADDRESS: '127.0.0.1:0' }));
    const address = (await proc.waitFor(/Operations server listening on/)).replace(/^.* listening on /, '');
    await proc.waitFor(/Started peer/);
    const logspec = `http://${address}/logspec`;
    const put = async (spec: string): Promise<number> => (await fetch(logspec, { method: 'PUT', body: JSON.stringify({ spec }) })).status;
    const version = (await (await fetch(`http://${address}/version`)).json()) as { Version: string };
    assert.match(version.Version, /^\d+\.\d+\.\d+/);
    assert.deepEqual(await (await fetch(logspec)).json(), { spec: 'info' });
    // At warning, even the service's own note of the change is no longer printed.
    assert.equal(await put('warning'), 204);
    assert.equal(await put('operations=info:warning'), 204);
    await proc.waitFor(/Logging spec set to operations=info:warning/);
    assert.ok(!proc.lines.some((l) => l.includes('Logging spec set to warning')), 'the info line was not printed at warning');
    assert.equal(await put('operations=noisy'), 400);
    assert.deepEqual(await (await fetch(logspec)).json(), { spec: 'operations=info:warning' });
    assert.equal(await proc.stop(), 0);
    // nodeCmd is at warning now: its info line at stop is not printed.
    assert.ok(!proc.lines.some((l) => messageOf(l) === 'Peer stopped'), 'nodeCmd logs at warning');
  });

  test('a config value of the wrong type stops start with one line naming the key and the value', async () => {
    const proc = new WeftProcess(['node', 'start'], await peerEnv({ CORE_CHAINCODE_STARTUPTIMEOUT: 'soon' }));
    assert.equal(await proc.exitCode(), 1);
    const fatal = proc.lines.filter((l) => / FATA /.test(l));
    assert.equal(fatal.length, 1);
    assert.equal(
      messageOf(fatal[0] ?? ''),
      'invalid value for chaincode.startuptimeout (from CORE_CHAINCODE_STARTUPTIMEOUT): "soon" is not a duration (such as 300s, 1m30s or 500ms)',
    );
  });

  test("an operations TLS certificate that cannot be read stops start with one line naming operations.tls.cert.file and the file", async () => {
    const proc = new WeftProcess(
      ['node', 'start'],
      await peerEnv({
        CORE_OPERATIONS_LISTENADDRESS: '127.0.0.1:0',
        CORE_OPERATIONS_TLS_ENABLED: 'true',
        CORE_OPERATIONS_TLS_CERT_FILE: '/nonexistent/ops.crt',
        CORE_OPERATIONS_TLS_KEY_FILE: '/nonexistent/ops.key',
      }),
    );
    assert.equal(await proc.exitCode(), 1);
    const fatal = proc.lines.filter((l) => / FATA /.test(l));
    assert.equal(fatal.length, 1, proc.lines.join('\n'));
    assert.match(messageOf(fatal[0] ?? ''), /^operations\.tls\.cert\.file: cannot read \/nonexistent\/ops\.crt: ENOENT/);
  });

  test('FABRIC_CFG_PATH without a core.yaml, or a bad FABRIC_LOGGING_SPEC, stops start with the reason', async () => {
    const empty = await tempDir();
    const noConfig = new WeftProcess(['node', 'start'], await peerEnv({ FABRIC_CFG_PATH: empty }));
    assert.equal(await noConfig.exitCode(), 1);
    assert.ok(noConfig.lines.some((l) => l.endsWith(`Config File "core" Not Found in "[${empty}]" (FABRIC_CFG_PATH)`)), noConfig.lines.join('\n'));

    const badSpec = new WeftProcess(['node', 'start'], await peerEnv({ FABRIC_LOGGING_SPEC: 'chaincode=loud' }));
    assert.equal(await badSpec.exitCode(), 1);
    assert.deepEqual(badSpec.lines.filter((l) => l !== ''), ["Error: invalid logging specification 'chaincode=loud': unknown level 'loud' (FABRIC_LOGGING_SPEC)"]);
  });

  test('plugin SCCs from chaincode.systemPlugins deploy on every channel; a plugin named like a built-in stops start naming both', async () => {
    const cfg = await tempDir('weft-cfg-');
    await writeFile(
      join(cfg, 'hello.mjs'),
      "export default { init: () => ({ status: 200 }), invoke: () => ({ status: 200, payload: new TextEncoder().encode('hi') }) };",
    );
    const yaml = (plugins: string) =>
      `chaincode:\n  system:\n    lscc: enable\n    cscc: enable\n    qscc: enable\n    hello: enable\n  systemPlugins:\n${plugins}`;
    await writeFile(join(cfg, 'core.yaml'), yaml(`    - enabled: true\n      name: hello\n      path: ${join(cfg, 'hello.mjs')}\n      invokableExternal: true\n      invokableCC2CC: true\n`));
    const good = new WeftProcess(['node', 'start', '--join', 'ch1'], await peerEnv({ FABRIC_CFG_PATH: cfg }));
    await good.waitFor(/Started peer/);
    assertInOrder(good.lines, [
      `system chaincode hello(${join(cfg, 'hello.mjs')}) registered`,
      `system chaincode hello/(${join(cfg, 'hello.mjs')}) deployed`,
      `system chaincode hello/ch1(${join(cfg, 'hello.mjs')}) deployed`,
    ]);
    assert.equal(await good.stop(), 0);

    const clash = await tempDir('weft-cfg-');
    await writeFile(join(clash, 'lscc.mjs'), 'export default { init: () => ({ status: 200 }), invoke: () => ({ status: 200 }) };');
    await writeFile(join(clash, 'core.yaml'), yaml(`    - enabled: true\n      name: lscc\n      path: ${join(clash, 'lscc.mjs')}\n`));
    const bad = new WeftProcess(['node', 'start'], await peerEnv({ FABRIC_CFG_PATH: clash }));
    assert.equal(await bad.exitCode(), 1);
    const fatal = bad.lines.filter((l) => / FATA /.test(l)).map(messageOf);
    assert.deepEqual(fatal, [
      `system chaincode lscc (${join(clash, 'lscc.mjs')}) conflicts with system chaincode lscc (weft/src/scc/lscc): two system chaincodes cannot share a name`,
    ]);
    assert.ok(!bad.lines.some((l) => /^\s+at /.test(l)), 'no stack trace');
  });

  test('a plugin SCC whose Init fails, or that cannot be loaded, stops start naming it and the reason', async () => {
    const cfg = await tempDir('weft-cfg-');
    await writeFile(join(cfg, 'grumpy.mjs'), "export default { init: () => ({ status: 500, message: 'no database' }), invoke: () => ({ status: 200 }) };");
    await writeFile(
      join(cfg, 'core.yaml'),
      `chaincode:\n  system:\n    grumpy: enable\n  systemPlugins:\n    - enabled: true\n      name: grumpy\n      path: plugins/gone.mjs\n`,
    );
    const proc = new WeftProcess(['node', 'start'], await peerEnv({ FABRIC_CFG_PATH: cfg }));
    assert.equal(await proc.exitCode(), 1);
    const fatal = proc.lines.filter((l) => / FATA /.test(l)).map(messageOf);
    assert.equal(fatal.length, 1);
    assert.ok(fatal[0]?.startsWith(`could not load system chaincode plugin grumpy from ${join(cfg, 'plugins/gone.mjs')}: `), fatal[0]);
    assert.match(fatal[0] ?? '', /Cannot find module/);

    // A relative path is taken from core.yaml's folder.
    await writeFile(
      join(cfg, 'core.yaml'),
      `chaincode:\n  system:\n    grumpy: enable\n  systemPlugins:\n    - enabled: true\n      name: grumpy\n      path: grumpy.mjs\n`,
    );
    const failing = new WeftProcess(['node', 'start'], await peerEnv({ FABRIC_CFG_PATH: cfg }));
    assert.equal(await failing.exitCode(), 1);
    assert.ok(failing.lines.some((l) => / ERRO /.test(l) && messageOf(l) === `system chaincode grumpy/(${join(cfg, 'grumpy.mjs')}) failed to deploy: no database`));
    assert.deepEqual(failing.lines.filter((l) => / FATA /.test(l)).map(messageOf), ["system chaincode grumpy failed to deploy on channel '': no database"]);
    assert.ok(!failing.lines.some((l) => l.includes('grumpy/(') && l.endsWith('deployed')));
  });

  test('the chaincode listener speaks gRPC: an unknown chaincode is refused, and accepted in dev mode', async () => {
    const exchange = async (address: string): Promise<string[]> => {
      const client = new shimGrpc.ChaincodeSupportClient(address, credentials.createInsecure());
      const call = client.register();
      const seen: string[] = [];
      const done = new Promise<void>((resolve) => {
        call.on('data', (msg: ChaincodeMessage) => {
          seen.push(`${messageTypeName(msg.getType())} ${Buffer.from(msg.getPayload_asU8()).toString()}`.trim());
          if (msg.getType() === T.READY || msg.getType() === T.ERROR) resolve();
        });
        call.on('error', () => resolve());
        call.on('end', () => resolve());
      });
      const id = new ChaincodeID();
      id.setName('outsider:1.0');
      const reg = new ChaincodeMessage();
      reg.setType(T.REGISTER);
      reg.setPayload(id.serializeBinary());
      call.write(reg);
      await done;
      call.end();
      client.close();
      return seen;
    };
    const addressOf = async (proc: WeftProcess) => (await proc.waitFor(/Chaincode server listening on/)).replace(/^.* listening on /, '');

    // A plaintext chaincode listener (chaincode.launchTls off), so that an outsider gets as far as REGISTER.
    const net = new WeftProcess(['node', 'start'], await peerEnv({ CORE_CHAINCODE_LAUNCHTLS: 'false' }));
    assert.deepEqual(await exchange(await addressOf(net)), ['ERROR peer will not accept external chaincode connection outsider:1.0 (except in dev mode)']);
    assert.equal(await net.stop(), 0);

    const dev = new WeftProcess(['node', 'start', '--peer-chaincodedev'], await peerEnv());
    await dev.waitFor(/Running in chaincode development mode/);
    assert.deepEqual(await exchange(await addressOf(dev)), ['REGISTERED', 'READY']);
    assert.equal(await dev.stop(), 0);
  });
});
