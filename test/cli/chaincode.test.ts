import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { after, before, describe, test } from 'node:test';
import { fixtureSource, installedFixture } from '../helpers/chaincode-fixture.js';
import { runWeft, startPeerProcess, type WeftProcess } from '../helpers/weft-process.js';

/** A chaincode started by hand, as a developer does in dev mode. */
function startChaincode(dir: string, name: string, peerAddress: string): ChildProcess {
  return spawn(process.execPath, ['index.js', '--peer.address', peerAddress], {
    cwd: dir,
    env: { PATH: process.env.PATH, CORE_CHAINCODE_ID_NAME: name },
    stdio: 'ignore',
  });
}

describe('weft chaincode, with an unmodified fabric-shim chaincode in dev mode', () => {
  let peer: WeftProcess;
  let client: NodeJS.ProcessEnv;
  let chaincode: ChildProcess | undefined;
  let ccDir: string;

  before(async () => {
    ccDir = await installedFixture('kv-shim');
    let ccAddress: string;
    ({ peer, client, chaincodeAddress: ccAddress } = await startPeerProcess(['--peer-chaincodedev', '--join', 'ch', '--application-capability', 'V1_4_2'], { CORE_CHAINCODE_STARTUPTIMEOUT: '5s' }));
    chaincode = startChaincode(ccDir, 'kvcc:1.0', ccAddress);
  });

  after(async () => {
    chaincode?.kill('SIGKILL');
    await peer.stop();
  });

  test('install, instantiate, invoke and query go through the chaincode and the ledger', async () => {
    const install = await runWeft(['chaincode', 'install', fixtureSource('kv-shim'), '-n', 'kvcc', '-v', '1.0', '-l', 'node'], client);
    assert.equal(install.stdout, 'Installed remotely response:<status:200 payload:"OK" >\n', install.stderr);

    const inst = await runWeft(['chaincode', 'instantiate', '-C', 'ch', '-n', 'kvcc', '-v', '1.0', '-c', '{"Args":["init","a","100"]}'], client);
    assert.equal(inst.code, 0, inst.stderr);
    assert.match(inst.stdout, /^Chaincode kvcc:1\.0 instantiated on channel ch \(txid [0-9a-f]{64}, VALID in block 1\)\n$/);

    assert.equal((await runWeft(['chaincode', 'query', '-C', 'ch', '-n', 'kvcc', '-c', '{"Args":["get","a"]}'], client)).stdout, '100\n');
    const invoke = await runWeft(['chaincode', 'invoke', '-C', 'ch', '-n', 'kvcc', '-c', '{"Args":["put","a","200"]}'], client);
    assert.equal(invoke.stdout, 'Chaincode invoke successful. result: status:200 payload:"ok"\n', invoke.stderr);
    assert.equal((await runWeft(['chaincode', 'query', '-C', 'ch', '-n', 'kvcc', '-c', '{"Function":"get","Args":["a"]}'], client)).stdout, '200\n');

    // Fabric's ordering flags: -o names the ordering service (here the peer's embedded one, by its own address).
    const viaO = await runWeft(['chaincode', 'invoke', '-C', 'ch', '-n', 'kvcc', '-c', '{"Args":["put","b","1"]}', '-o', client.CORE_PEER_ADDRESS ?? '', '--waitForEvent', '--waitForEventTimeout', '10s'], client);
    assert.equal(viaO.code, 0, viaO.stderr);
    const info = await runWeft(['channel', 'getinfo', '-c', 'ch'], client);
    assert.match(info.stdout, /"height":4,/);
    const listed = await runWeft(['chaincode', 'list', '--instantiated', '-C', 'ch'], client);
    assert.equal(listed.stdout, 'Get instantiated chaincodes on channel ch:\nName: kvcc, Version: 1.0\n');
  });

  test("the chaincode's error response, bad arguments and an unknown chaincode are clear errors", async () => {
    const fail = await runWeft(['chaincode', 'invoke', '-C', 'ch', '-n', 'kvcc', '-c', '{"Args":["fail"]}'], client);
    assert.equal(fail.code, 1);
    assert.equal(fail.stderr, 'Error: endorsement failure during invoke. response: status:500 message:"asked to fail"');
    const badJson = await runWeft(['chaincode', 'query', '-C', 'ch', '-n', 'kvcc', '-c', '{"Args":'], client);
    assert.equal(badJson.code, 1);
    assert.match(badJson.stderr, /^Error: chaincode argument error: /);
    const badWait = await runWeft(['chaincode', 'invoke', '-C', 'ch', '-n', 'kvcc', '-c', '{"Args":["put","a","1"]}', '--waitForEventTimeout', 'soon'], client);
    assert.equal(badWait.stderr, 'Error: invalid --waitForEventTimeout soon: expected a duration such as 30s');
    const noOrderer = await runWeft(['chaincode', 'invoke', '-C', 'ch', '-n', 'kvcc', '-c', '{"Args":["put","a","1"]}', '-o', '127.0.0.1:1'], client);
    assert.equal(noOrderer.code, 1);
    assert.match(noOrderer.stderr, /^Error: broadcast to 127\.0\.0\.1:1 failed: /);
    const unknown = await runWeft(['chaincode', 'query', '-C', 'ch', '-n', 'nosuchcc', '-c', '{"Args":["get","a"]}'], client);
    assert.equal(
      unknown.stderr,
      'Error: endorsement failure during query. response: status:500 message:"make sure the chaincode nosuchcc has been successfully defined on channel ch and try again: chaincode nosuchcc not found"',
    );
  });

  test('when the chaincode process dies, the next call fails clearly after the startup timeout; restarted, it works again', async () => {
    chaincode?.kill('SIGKILL');
    await new Promise((r) => chaincode?.once('exit', r));
    const down = await runWeft(['chaincode', 'query', '-C', 'ch', '-n', 'kvcc', '-c', '{"Args":["get","a"]}'], client);
    assert.equal(down.code, 1);
    assert.match(down.stderr, /timeout expired while starting chaincode kvcc:1\.0 for transaction/);
    const ccAddress = (await peer.waitFor(/Chaincode server listening on/)).replace(/^.* listening on /, '');
    chaincode = startChaincode(ccDir, 'kvcc:1.0', ccAddress);
    let value = '';
    for (let i = 0; i < 50 && value !== '200\n'; i++) {
      value = (await runWeft(['chaincode', 'query', '-C', 'ch', '-n', 'kvcc', '-c', '{"Args":["get","a"]}'], client)).stdout;
    }
    assert.equal(value, '200\n');
  });
});
