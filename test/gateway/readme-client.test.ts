import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, test } from 'node:test';
import { transform } from 'esbuild';
import { fixtureSource } from '../helpers/chaincode-fixture.js';
import { tempDir } from '../helpers/temp-dir.js';
import { messageOf, runWeft, startPeerProcess, type WeftProcess } from '../helpers/weft-process.js';

const README = fileURLToPath(new URL('../../../README.md', import.meta.url));
// Next to the compiled tests, so that the client's imports resolve to this repository's node_modules.
const APP = fileURLToPath(new URL('./readme-app.mjs', import.meta.url));

/** The README's client: the TypeScript block that starts with `// app.mts`. */
async function readmeClient(): Promise<string> {
  const readme = await readFile(README, 'utf8');
  const match = /```ts\n(\/\/ app\.mts\n[\s\S]*?)```/.exec(readme);
  if (match?.[1] === undefined) throw new Error('the README has no ```ts block starting with // app.mts');
  return match[1];
}

/** KEY=value pairs of the peer's "Gateway applications connect with" line. */
function settingsOf(line: string): Record<string, string> {
  const settings = messageOf(line).replace(/^Gateway applications connect with /, '').replace(/ \(.*\)$/, '');
  return Object.fromEntries(settings.split(' ').map((pair) => [pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1)]));
}

describe("the README's Gateway client, as written, against a peer on its default crypto with TLS on", () => {
  let peer: WeftProcess;
  let settings: Record<string, string>;

  before(async () => {
    let client: NodeJS.ProcessEnv;
    ({ peer, client } = await startPeerProcess(['--join', 'mychannel'], { CORE_PEER_TLS_ENABLED: 'true' }));
    settings = settingsOf(await peer.waitFor(/Gateway applications connect with/));
    // The README's deployment, with `_lifecycle`.
    const ok = async (args: string[]): Promise<string> => {
      const res = await runWeft(args, client);
      assert.equal(res.code, 0, `weft ${args.join(' ')}:\n${res.stderr}`);
      return res.stdout.trim();
    };
    const file = join(await tempDir('weft-readme-'), 'assets.tar.gz');
    await ok(['lifecycle', 'chaincode', 'package', file, '-p', fixtureSource('asset-contract'), '-l', 'node', '--label', 'assets_1.0']);
    await ok(['lifecycle', 'chaincode', 'install', file]);
    const packageId = await ok(['lifecycle', 'chaincode', 'calculatepackageid', file]);
    await ok(['lifecycle', 'chaincode', 'approveformyorg', '-C', 'mychannel', '-n', 'assets', '-v', '1.0', '--sequence', '1', '--package-id', packageId]);
    await ok(['lifecycle', 'chaincode', 'commit', '-C', 'mychannel', '-n', 'assets', '-v', '1.0', '--sequence', '1']);
    const { code } = await transform(await readmeClient(), { loader: 'ts', format: 'esm', target: 'node20' });
    await writeFile(APP, code);
  });

  after(async () => {
    await peer.stop();
  });

  test('the peer prints the settings fabric-samples applications read, with test-network\'s paths', () => {
    assert.deepEqual(Object.keys(settings).sort(), ['CERT_DIRECTORY_PATH', 'CRYPTO_PATH', 'KEY_DIRECTORY_PATH', 'MSP_ID', 'PEER_ENDPOINT', 'PEER_HOST_ALIAS', 'TLS_CERT_PATH']);
    assert.equal(settings.MSP_ID, 'Org1MSP');
    assert.equal(settings.PEER_HOST_ALIAS, 'peer0.org1.example.com');
    const crypto = settings.CRYPTO_PATH ?? '';
    assert.match(crypto, /\/crypto\/peerOrganizations\/org1\.example\.com$/);
    assert.equal(settings.KEY_DIRECTORY_PATH, `${crypto}/users/User1@org1.example.com/msp/keystore`);
    assert.equal(settings.CERT_DIRECTORY_PATH, `${crypto}/users/User1@org1.example.com/msp/signcerts`);
    assert.equal(settings.TLS_CERT_PATH, `${crypto}/peers/peer0.org1.example.com/tls/ca.crt`);
  });

  test('it submits, evaluates and sees its chaincode event', async () => {
    const app = spawn(process.execPath, [APP], { env: { PATH: process.env.PATH, ...settings }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    app.stdout.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
    app.stderr.setEncoding('utf8').on('data', (chunk: string) => (err += chunk));
    const code = await new Promise<number | null>((resolve) => app.on('exit', resolve));
    assert.equal(code, 0, err);
    assert.match(out, /^submitted: \{"id":"(asset-\d+)","owner":"alice"\}\nevaluated: \{"id":"\1","owner":"alice"\}\nevent: AssetCreated in block \d+: \1\n$/);
  });
});
