import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { credentials } from '@grpc/grpc-js';
import { fixtureSource } from '../helpers/chaincode-fixture.js';
import { chaincodeIdPayload, registerAs } from '../helpers/raw-register.js';
import { tempDir } from '../helpers/temp-dir.js';
import { makeTestTls, writeTlsCoreYaml } from '../helpers/test-tls.js';
import { messageOf, runWeft, startPeerProcess, type WeftProcess } from '../helpers/weft-process.js';

const cc = (...args: string[]) => ['chaincode', ...args];

/**
 * A chaincode the peer launches but that never registers (test/fixtures/chaincode/never-registers):
 * its launch stays pending, as a relaunch does for the moment before the real process dials in. An
 * intruder that registers its name then must not be given the client's transaction.
 */
describe('a launch pending: only the process the peer launched may register its name', () => {
  describe('with TLS: the per-launch client certificate is the launch', () => {
    let root: string;
    let peer: WeftProcess;
    let client: NodeJS.ProcessEnv;
    let address: string;
    let peerEnv: NodeJS.ProcessEnv;
    let instantiate: Promise<{ code: number | null; stderr: string }>;

    before(async () => {
      root = await tempDir('weft-cc-race-');
      const tls = await makeTestTls(join(root, 'tls'));
      await writeTlsCoreYaml(join(root, 'config'), { cert: tls.serverCert, key: tls.serverKey, rootcert: tls.rootCert });
      peerEnv = { FABRIC_CFG_PATH: join(root, 'config'), CORE_PEER_FILESYSTEMPATH: join(root, 'data'), CORE_CHAINCODE_STARTUPTIMEOUT: '60s' };
      let chaincodeAddress: string;
      ({ peer, client, chaincodeAddress } = await startPeerProcess(['--join', 'ch', '--application-capability', 'V1_4_2'], peerEnv));
      address = chaincodeAddress.replace(/ \(TLS.*$/, '');
      assert.equal((await runWeft(cc('install', fixtureSource('never-registers'), '-n', 'slow', '-v', '1.0'), client)).code, 0);
      instantiate = runWeft(cc('instantiate', '-C', 'ch', '-n', 'slow', '-v', '1.0', '-c', '{"Args":[]}'), client);
      await peer.waitFor(/started chaincode slow-1\.0 \(pid \d+\)/);
    });

    after(async () => {
      await peer.stop();
      await instantiate;
    });

    /** TLS credentials the peer's CA issued for `name` (`weft chaincode dev-credentials`), as a gRPC client's. */
    const issuedFor = async (name: string) => {
      const out = join(root, `creds-${name.replace(':', '-')}`);
      const issued = await runWeft(cc('dev-credentials', name, '-o', out), peerEnv);
      assert.equal(issued.code, 0, issued.stderr);
      const base64File = async (file: string) => Buffer.from(await readFile(join(out, file), 'utf8'), 'base64');
      return credentials.createSsl(await readFile(join(out, 'peer.crt')), await base64File('client.key'), await base64File('client.crt'));
    };

    test("a certificate issued for another chaincode cannot register the pending launch's name", async () => {
      const seen = await registerAs(address, chaincodeIdPayload('slow:1.0'), { creds: await issuedFor('other:1.0'), awaitWork: true });
      assert.deepEqual(seen, ['ERROR refused REGISTER of slow:1.0: the client certificate was issued for other:1.0']);
      // The log line may come a moment after the chaincode's ERROR.
      const logged = await peer.waitFor(/refused REGISTER of slow:1\.0/);
      assert.match(logged, / ERRO [0-9a-f]+ refused REGISTER of slow:1\.0: the client certificate was issued for other:1\.0$/);
      assert.equal(messageOf(logged), 'refused REGISTER of slow:1.0: the client certificate was issued for other:1.0');
    });

    test("a certificate for the same name, but not the launch's own, cannot register it either", async () => {
      const seen = await registerAs(address, chaincodeIdPayload('slow:1.0'), { creds: await issuedFor('slow:1.0'), awaitWork: true });
      assert.deepEqual(seen, ['ERROR refused REGISTER of slow:1.0: the peer is launching slow:1.0 and this is not the process it launched (its client certificate is not the launch\'s)']);
    });
  });

  describe('on the embedded defaults (no TLS settings): launched chaincodes are on TLS all the same (chaincode.launchTls)', () => {
    let peer: WeftProcess;
    let client: NodeJS.ProcessEnv;
    let chaincodeAddress: string;
    let instantiate: Promise<{ code: number | null; stderr: string }>;

    before(async () => {
      ({ peer, client, chaincodeAddress } = await startPeerProcess(['--join', 'ch', '--application-capability', 'V1_4_2'], { CORE_CHAINCODE_STARTUPTIMEOUT: '60s' }));
      assert.equal((await runWeft(cc('install', fixtureSource('never-registers'), '-n', 'slow', '-v', '1.0'), client)).code, 0);
      instantiate = runWeft(cc('instantiate', '-C', 'ch', '-n', 'slow', '-v', '1.0', '-c', '{"Args":[]}'), client);
      await peer.waitFor(/started chaincode slow-1\.0 \(pid \d+\)/);
    });

    after(async () => {
      await peer.stop();
      await instantiate;
    });

    test('the chaincode listener requires a client certificate, though the peer listener is plaintext', () => {
      assert.match(chaincodeAddress, /\(TLS, chaincode client certificates required\)$/);
      assert.ok(peer.lines.some((l) => /Peer server listening on \S+$/.test(l)), 'the peer listener serves plaintext');
    });

    test('a local process that registers the pending launch\'s name without the launch\'s certificate is refused at the handshake', async () => {
      const address = chaincodeAddress.replace(/ \(TLS.*$/, '');
      const plaintext = await registerAs(address, chaincodeIdPayload('slow:1.0'), { awaitWork: true });
      assert.equal(plaintext.length, 1);
      assert.match(plaintext[0] ?? '', /^\(stream error: 14 UNAVAILABLE/);
      assert.ok(!plaintext.some((m) => m.startsWith('REGISTERED') || m.startsWith('INIT')), 'the intruder is never registered nor given the Init');
    });
  });
});
