import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { ChaincodeDeploymentSpec, ChaincodeID, ChaincodeInput, ChaincodeSpec } from '../../src/common/protos/peer.js';
import { fixtureSource, installedFixture } from '../helpers/chaincode-fixture.js';
import { tempDir } from '../helpers/temp-dir.js';
import { runWeft, startPeerProcess, type WeftProcess } from '../helpers/weft-process.js';

/** A deployment spec as `peer chaincode install` sends it, with a small node package when `files` are given. */
async function deploymentSpec(name: string, files?: Record<string, string>): Promise<string> {
  const id = new ChaincodeID();
  id.setName(name);
  id.setVersion('1.0');
  const spec = new ChaincodeSpec();
  spec.setType(2);
  spec.setChaincodeId(id);
  spec.setInput(new ChaincodeInput());
  const cds = new ChaincodeDeploymentSpec();
  cds.setChaincodeSpec(spec);
  if (files !== undefined) {
    const dir = await tempDir('weft-sneaky-');
    for (const [file, text] of Object.entries(files)) await writeFile(join(dir, file), text);
    const { c } = await import('tar');
    const chunks: Buffer[] = [];
    for await (const chunk of c({ gzip: true, cwd: dir, portable: true }, Object.keys(files))) chunks.push(Buffer.from(chunk as Uint8Array));
    cds.setCodePackage(Buffer.concat(chunks));
  }
  return Buffer.from(cds.serializeBinary()).toString('base64');
}

const b64 = (text: string): string => Buffer.from(text).toString('base64');

describe('weft peer, against a chaincode that misbehaves (fabric-shim, dev mode)', () => {
  let peer: WeftProcess;
  let admin: NodeJS.ProcessEnv;
  let user: NodeJS.ProcessEnv;
  let chaincode: ChildProcess | undefined;
  const invoke = (env: NodeJS.ProcessEnv, ...args: string[]) =>
    runWeft(['chaincode', 'invoke', '-C', 'ch', '-n', 'hostile', '-c', JSON.stringify({ Args: args }), '--waitForEvent'], env);
  const query = (env: NodeJS.ProcessEnv, ...args: string[]) => runWeft(['chaincode', 'query', '-C', 'ch', '-n', 'hostile', '-c', JSON.stringify({ Args: args })], env);

  before(async () => {
    const ccDir = await installedFixture('hostile');
    let ccAddress: string;
    ({ peer, client: admin, chaincodeAddress: ccAddress } = await startPeerProcess(['--peer-chaincodedev', '--join', 'ch', '--application-capability', 'V1_4_2'], {
      CORE_CHAINCODE_EXECUTETIMEOUT: '2s',
      CORE_CHAINCODE_MAXWRITESETBYTES: '100000',
    }));
    const data = admin.CORE_PEER_FILESYSTEMPATH ?? '';
    user = { ...admin, CORE_PEER_LOCALMSPID: 'Org1MSP', CORE_PEER_MSPCONFIGPATH: join(data, 'crypto/peerOrganizations/org1.example.com/users/User1@org1.example.com/msp') };
    chaincode = spawn(process.execPath, ['index.js', '--peer.address', ccAddress], {
      cwd: ccDir,
      env: { PATH: process.env.PATH, CORE_CHAINCODE_ID_NAME: 'hostile:1.0' },
      stdio: 'ignore',
    });
    assert.equal((await runWeft(['chaincode', 'install', fixtureSource('hostile'), '-n', 'hostile', '-v', '1.0'], admin)).code, 0);
    const inst = await runWeft(['chaincode', 'instantiate', '-C', 'ch', '-n', 'hostile', '-v', '1.0', '-c', '{"Args":[]}'], admin);
    assert.equal(inst.code, 0, inst.stderr);
  });

  after(async () => {
    chaincode?.kill('SIGKILL');
    await peer.stop();
  });

  test('a chaincode cannot install a package through lscc, even when an admin invokes it; nothing is installed', async () => {
    const cds = await deploymentSpec('sneaky', { 'package.json': '{"name":"sneaky","scripts":{"start":"node index.js"}}', 'index.js': '' });
    const res = await invoke(admin, 'call', 'lscc', b64('install'), cds);
    assert.equal(res.code, 1, res.stdout);
    assert.match(res.stderr, /call failed: .*lscc function install cannot be invoked with a cc2cc invocation/);
    const listed = await runWeft(['chaincode', 'list', '--installed'], admin);
    assert.doesNotMatch(listed.stdout, /sneaky/);
  });

  test('a chaincode cannot instantiate an installed chaincode through lscc: refused at endorsement with Fabric\'s words', async () => {
    assert.equal((await runWeft(['chaincode', 'install', fixtureSource('kv-shim'), '-n', 'sneaky', '-v', '1.0'], admin)).code, 0);
    const res = await invoke(admin, 'call', 'lscc', b64('deploy'), b64('ch'), await deploymentSpec('sneaky'));
    assert.equal(res.code, 1, res.stdout);
    assert.match(res.stderr, /call failed: .*chaincode hostile attempted to write to the namespace of LSCC/);
    const upgrade = await invoke(admin, 'call', 'lscc', b64('upgrade'), b64('ch'), await deploymentSpec('hostile'));
    assert.match(upgrade.stderr, /chaincode hostile attempted to write to the namespace of LSCC/);
    const listed = await runWeft(['chaincode', 'list', '--instantiated', '-C', 'ch'], admin);
    assert.equal(listed.stdout, 'Get instantiated chaincodes on channel ch:\nName: hostile, Version: 1.0\n');
    const join = await query(admin, 'call', 'cscc', b64('JoinChain'), b64('block'));
    assert.match(join.stderr, /system chaincode cscc cannot be invoked with a cc2cc invocation/);
  });

  test("a system chaincode called by a chaincode checks its ACL on the client's proposal", async () => {
    const asAdmin = await query(admin, 'call', 'lscc', b64('getinstalledchaincodes'));
    assert.equal(asAdmin.stdout, '200 \n', asAdmin.stderr);
    const asUser = await query(user, 'call', 'lscc', b64('getinstalledchaincodes'));
    assert.equal(asUser.stdout, '500 access denied for [getinstalledchaincodes]: failed verifying that the signed data identity satisfies local MSP principal during channelless check policy with policy [Admins]: [The identity is not an admin under this MSP [Org1MSP]]\n', asUser.stderr);
  });

  test('a chaincode that throws (fabric-shim never answers) fails its transaction at the execute timeout, named in the log; the peer goes on', async () => {
    const res = await invoke(admin, 'throw');
    assert.equal(res.code, 1);
    assert.match(res.stderr, /timeout expired while executing transaction/);
    assert.ok(
      peer.lines.some((l) => / (WARN|ERRO) .*hostile.*timeout expired while executing transaction/.test(l)),
      peer.lines.slice(-10).join('\n'),
    );
    assert.equal((await invoke(admin, 'put', 'after', 'throw')).code, 0);
    assert.equal((await query(admin, 'get', 'after')).stdout, 'throw\n');
  });

  test('a response status of 400 or more is not endorsed, whatever the number', async () => {
    for (const status of ['404', '600']) {
      const res = await invoke(admin, 'status', status);
      assert.equal(res.stderr, `Error: endorsement failure during invoke. response: status:${status} message:"odd status" payload:"odd"`);
    }
  });

  test('a transaction writing more than chaincode.maxWriteSetBytes fails naming the limit; nothing is written, the peer goes on', async () => {
    const res = await invoke(admin, 'putmany', '20', '10000');
    assert.equal(res.code, 1);
    assert.match(res.stderr, /exceed chaincode\.maxWriteSetBytes \(100000 bytes\)/);
    assert.equal((await query(admin, 'get', 'big0')).stdout, '\n');
    assert.equal((await invoke(admin, 'putmany', '2', '10000')).code, 0);
    assert.equal((await query(admin, 'get', 'big1')).stdout.length, 10001);
  });
});
