import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { installedFixture } from '../helpers/chaincode-fixture.js';
import { freePort } from '../helpers/free-ports.js';
import { tempDir } from '../helpers/temp-dir.js';
import { startTwoOrgNetwork, type NetworkPeer, type TwoOrgNetwork } from '../helpers/two-org-network.js';
import { runWeft } from '../helpers/weft-process.js';
import { connectGateway } from '../helpers/gateway-client.js';


/**
 * fabric-samples' deployCC.sh against two organisations' peers of `weft` processes, TLS on: a
 * chaincode-as-a-service package installed on both, approved by each org, committed with both
 * peers' endorsements, initialised, invoked, and upgraded to sequence 2.
 */
describe("two organisations deploy a chaincode with _lifecycle, as test-network's deployCC.sh does", () => {
  let net: TwoOrgNetwork;
  let dir: string;
  const servers: ChildProcess[] = [];
  let address = '';

  before(async () => {
    net = await startTwoOrgNetwork();
    dir = await tempDir('weft-2org-lifecycle-');
    address = `127.0.0.1:${String(await freePort())}`;
  });

  after(async () => {
    for (const server of servers) server.kill('SIGKILL');
    await net.stop();
  });

  const as = async (peer: NetworkPeer, args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> => runWeft(args, peer.cliEnv('Admin'));
  const ok = async (peer: NetworkPeer, args: string[]): Promise<string> => {
    const res = await as(peer, args);
    assert.equal(res.code, 0, `weft ${args.join(' ')} (${peer.mspId}):\n${res.stderr}\n${res.stdout}`);
    return res.stdout;
  };
  const bothPeers = (): string[] => [
    '--peerAddresses', net.peers.org1.address, '--tlsRootCertFiles', net.peers.org1.tlsRootCert,
    '--peerAddresses', net.peers.org2.address, '--tlsRootCertFiles', net.peers.org2.tlsRootCert,
  ];

  /** A ccaas package naming the chaincode server, and the server itself started with the package's ID. */
  async function ccaasPackage(label: string): Promise<{ file: string; packageId: string }> {
    const source = join(dir, label);
    await mkdir(source, { recursive: true });
    await writeFile(join(source, 'connection.json'), JSON.stringify({ address, dial_timeout: '10s', tls_required: false }));
    const file = join(dir, `${label}.tar.gz`);
    await ok(net.peers.org1, ['lifecycle', 'chaincode', 'package', file, '-p', source, '-l', 'ccaas', '--label', label]);
    const packageId = (await ok(net.peers.org1, ['lifecycle', 'chaincode', 'calculatepackageid', file])).trim();
    return { file, packageId };
  }

  async function startServer(packageId: string): Promise<void> {
    for (const old of servers.splice(0)) old.kill('SIGKILL');
    const server = spawn(process.execPath, ['index.js'], {
      cwd: await installedFixture('kv-shim'),
      env: { PATH: process.env.PATH, CHAINCODE_SERVER_ADDRESS: address, CHAINCODE_ID: packageId },
      stdio: 'ignore',
    });
    servers.push(server);
  }

  const definition = (version: string, sequence: number, ...more: string[]): string[] => ['-C', net.channel, '-n', 'kv', '-v', version, '--sequence', String(sequence), ...more];
  /** approveformyorg and commit send a transaction: to the network's orderer. */
  const ordered = (version: string, sequence: number, ...more: string[]): string[] => [...definition(version, sequence, ...more), ...net.orderer.cliFlags];

  test('package, install on both peers, approve as Org1, Org2, commit with both endorsements, init, invoke, query', async () => {
    const { org1, org2 } = net.peers;
    const { file, packageId } = await ccaasPackage('kv_1.0');
    await startServer(packageId);
    await Promise.all([org1, org2].map((peer) => ok(peer, ['lifecycle', 'chaincode', 'install', file])));
    for (const peer of [org1, org2]) {
      const installed = JSON.parse(await ok(peer, ['lifecycle', 'chaincode', 'queryinstalled', '--output', 'json'])) as { installed_chaincodes: Array<{ package_id: string; label: string }> };
      assert.deepEqual(installed.installed_chaincodes.map((c) => [c.package_id, c.label]), [[packageId, 'kv_1.0']]);
    }

    await ok(org1, ['lifecycle', 'chaincode', 'approveformyorg', ...ordered('1.0', 1, '--package-id', packageId, '--init-required')]);
    const readiness = async (peer: NetworkPeer): Promise<unknown> =>
      JSON.parse(await ok(peer, ['lifecycle', 'chaincode', 'checkcommitreadiness', ...definition('1.0', 1, '--init-required'), '--output', 'json']));
    assert.deepEqual(await readiness(org1), { approvals: { Org1MSP: true, Org2MSP: false } });

    // Org2 has not approved: its peer will not endorse the commit.
    const early = await as(org1, ['lifecycle', 'chaincode', 'commit', ...ordered('1.0', 1, '--init-required'), ...bothPeers()]);
    assert.equal(early.code, 1);
    assert.match(early.stderr, /chaincode definition not agreed to by this org \(Org2MSP\)/);
    // Endorsed by Org1's peer alone, the commit fails the LifecycleEndorsement policy (MAJORITY of two orgs) at validation.
    const alone = await as(org1, ['lifecycle', 'chaincode', 'commit', ...ordered('1.0', 1, '--init-required')]);
    assert.equal(alone.code, 1);
    assert.match(alone.stderr, /ENDORSEMENT_POLICY_FAILURE/);

    await ok(org2, ['lifecycle', 'chaincode', 'approveformyorg', ...ordered('1.0', 1, '--package-id', packageId, '--init-required')]);
    // Each peer sees the other org's approval through its hashes alone.
    assert.deepEqual(await readiness(org2), { approvals: { Org1MSP: true, Org2MSP: true } });
    assert.deepEqual(await readiness(org1), { approvals: { Org1MSP: true, Org2MSP: true } });
    await ok(org1, ['lifecycle', 'chaincode', 'commit', ...ordered('1.0', 1, '--init-required'), ...bothPeers()]);
    for (const peer of [org1, org2]) {
      assert.match(await ok(peer, ['lifecycle', 'chaincode', 'querycommitted', '-C', net.channel, '-n', 'kv']), /Version: 1\.0, Sequence: 1, Endorsement Plugin: escc, Validation Plugin: vscc, Approvals: \[Org1MSP: true, Org2MSP: true\]/);
    }

    const invoke = (json: string, ...more: string[]): string[] => ['chaincode', 'invoke', '-C', net.channel, '-n', 'kv', '-c', json, ...bothPeers(), ...more, ...net.orderer.cliFlags];
    await ok(org1, invoke('{"Args":["init","k","v0"]}', '--isInit'));
    await ok(org1, invoke('{"Args":["put","k","v1"]}'));
    assert.equal(await ok(org2, ['chaincode', 'query', '-C', net.channel, '-n', 'kv', '-c', '{"Args":["get","k"]}']), 'v1\n');
  });

  test('sequence 2 with a new package on both peers: the state is kept', async () => {
    const { org1, org2 } = net.peers;
    const { file, packageId } = await ccaasPackage('kv_2.0');
    await startServer(packageId);
    await Promise.all([org1, org2].map((peer) => ok(peer, ['lifecycle', 'chaincode', 'install', file])));
    await Promise.all([org1, org2].map((peer) => ok(peer, ['lifecycle', 'chaincode', 'approveformyorg', ...ordered('2.0', 2, '--package-id', packageId)])));
    await ok(org2, ['lifecycle', 'chaincode', 'commit', ...ordered('2.0', 2), ...bothPeers()]);
    assert.equal(await ok(org1, ['chaincode', 'query', '-C', net.channel, '-n', 'kv', '-c', '{"Args":["get","k"]}']), 'v1\n');
    await ok(org2, ['chaincode', 'invoke', '-C', net.channel, '-n', 'kv', '-c', '{"Args":["put","k","v2"]}', ...bothPeers(), ...net.orderer.cliFlags]);
    assert.equal(await ok(org1, ['chaincode', 'query', '-C', net.channel, '-n', 'kv', '-c', '{"Args":["get","k"]}']), 'v2\n');
    assert.match(await ok(org2, ['lifecycle', 'chaincode', 'querycommitted', '-C', net.channel]), /Name: kv, Version: 2\.0, Sequence: 2/);
  });

  test("an application's Gateway submits to the chaincode: the channel's default policy (a majority of the orgs) has it ask the other org's peer", async () => {
    const { org1 } = net.peers;
    const connection = await connectGateway({ address: org1.address, mspId: org1.mspId, mspDir: org1.userMsp, tlsRootCert: await readFile(org1.tlsRootCert) });
    try {
      const kv = connection.gateway.getNetwork(net.channel).getContract('kv');
      assert.equal(Buffer.from(await kv.submitTransaction('put', 'g', 'gateway')).toString(), 'ok');
      assert.equal(Buffer.from(await kv.evaluateTransaction('get', 'g')).toString(), 'gateway');
    } finally {
      connection.close();
    }
  });
});
