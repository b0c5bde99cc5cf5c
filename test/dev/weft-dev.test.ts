import assert from 'node:assert/strict';
import { cp, mkdir, readFile, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Contract } from '@hyperledger/fabric-gateway';
import { fixtureSource } from '../helpers/chaincode-fixture.js';
import { DEV_FREE_PORTS, devConnectionOf, devProject } from '../helpers/dev-project.js';
import { connectGateway, type GatewayConnection } from '../helpers/gateway-client.js';
import { freePort } from '../helpers/free-ports.js';
import { tempDir } from '../helpers/temp-dir.js';
import { runWeft, WeftProcess } from '../helpers/weft-process.js';

// A chaincode call that takes longer than this fails, except under --debug.
const SHORT_TIMEOUT = { CORE_CHAINCODE_EXECUTETIMEOUT: '1s' };
const text = (bytes: Uint8Array): string => Buffer.from(bytes).toString('utf8');
const project = async (fixture: string, withTypeScript: boolean): Promise<string> => devProject(await tempDir('weft-dev-'), fixture, withTypeScript);

describe('weft dev, on a TypeScript contract', () => {
  let dir: string;
  let dev: WeftProcess;
  let client: GatewayConnection;
  const contract = () => client.gateway.getNetwork('mychannel').getContract('dev-assets');
  const source = () => join(dir, 'src', 'index.ts');
  const edit = async (change: (code: string) => string) => writeFile(source(), change(await readFile(source(), 'utf8')));

  before(async () => {
    dir = await project('dev-assets-ts', true);
    dev = new WeftProcess(['dev', dir], { ...DEV_FREE_PORTS, ...SHORT_TIMEOUT });
    await dev.waitForOutput(/^ready in \d+ ms/m);
    client = await connectGateway(devConnectionOf(dev.stdout));
  });

  after(async () => {
    client.close();
    await dev.stop('SIGINT');
  });

  test('builds the project, defines it through _lifecycle, and serves it to a fabric-gateway client at the printed endpoint', async () => {
    assert.match(dev.stdout, /dev-assets defined at sequence 1 on mychannel \(package ID dev-assets:0\.1\.0\)/);
    assert.match(dev.stdout, /MSP ID +Org1MSP/);
    assert.equal(text(await contract().evaluateTransaction('Greeting')), 'hello');
    const from = dev.stdout.length;
    await contract().submitTransaction('CreateAsset', 'a1', 'blue');
    assert.equal(text(await contract().evaluateTransaction('ReadAsset', 'a1')), '{"id":"a1","colour":"blue"}');
    // Each call as the chaincode answered it, and the transaction as the peer committed it.
    const { match } = await dev.waitForOutput(/invoke CreateAsset\("a1", "blue"\) -> 200 \([\d.]+ ms, tx ([0-9a-f]{8})\)/, from);
    await dev.waitForOutput(new RegExp(`commit ${match[1] ?? ''} VALID in block \\d+, event AssetCreated \\{"id":"a1","colour":"blue"\\}`), from);
    await assert.rejects(contract().evaluateTransaction('ReadAsset', 'nope'));
    await dev.waitForOutput(/invoke ReadAsset\("nope"\) -> 500 asset nope does not exist/, from);
  });

  test("rich queries use the indexes under the project's META-INF (a sort needs one, as with CouchDB)", async () => {
    await contract().submitTransaction('CreateAsset', 'a2', 'blue');
    await contract().submitTransaction('CreateAsset', 'a3', 'green');
    assert.equal(text(await contract().evaluateTransaction('AssetsOfColour', 'blue')), 'a1,a2');
  });

  test('an edit of the source is live on the next transaction', async () => {
    const from = dev.stdout.length;
    await edit((code) => code.replace("return 'hello';", "return 'hello again';"));
    await dev.waitForOutput(/^reloaded in \d+ ms/m, from);
    assert.equal(text(await contract().evaluateTransaction('Greeting')), 'hello again');
    assert.equal(text(await contract().evaluateTransaction('ReadAsset', 'a1')), '{"id":"a1","colour":"blue"}', 'the ledger is kept');
  });

  test('a syntax error is reported with its location, and the previous build keeps serving until it is fixed', async () => {
    let from = dev.stdout.length;
    await edit((code) => code.replace("return 'hello again';", "return 'hello again' +;"));
    await dev.waitForOutput(/^build failed: error TS1109: Expression expected\.\n {4}at src\/index\.ts:\d+:\d+\n {2}the previous build keeps serving/m, from);
    assert.equal(text(await contract().evaluateTransaction('Greeting')), 'hello again');
    from = dev.stdout.length;
    await edit((code) => code.replace("return 'hello again' +;", "return 'fixed';"));
    await dev.waitForOutput(/^reloaded in \d+ ms/m, from);
    assert.equal(text(await contract().evaluateTransaction('Greeting')), 'fixed');
  });

  test('a chaincode that throws as it loads: its first line and where it threw (the TypeScript source), and the previous build keeps serving', async () => {
    const from = dev.stdout.length;
    await edit((code) => `${code}\nthrow new Error('no configuration');\n`);
    await dev.waitForOutput(/^Error: no configuration\n {4}at \S+\/src\/index\.ts:\d+:\d+\n {2}the previous build keeps serving/m, from);
    assert.equal(text(await contract().evaluateTransaction('Greeting')), 'fixed');
    await edit((code) => code.replace("\nthrow new Error('no configuration');\n", ''));
    await dev.waitForOutput(/^reloaded in \d+ ms/m, from);
  });

  test('run again on the same project: the network in .weft is reused, and a changed definition gets the next sequence', async () => {
    await dev.stop('SIGINT');
    client.close();
    dev = new WeftProcess(['dev', dir, '--signature-policy', "OR('Org1MSP.member')"], { ...DEV_FREE_PORTS, ...SHORT_TIMEOUT });
    await dev.waitForOutput(/^ready in \d+ ms/m);
    assert.match(dev.stdout, /dev-assets defined at sequence 2 on mychannel/);
    client = await connectGateway(devConnectionOf(dev.stdout));
    assert.equal(text(await contract().evaluateTransaction('ReadAsset', 'a1')), '{"id":"a1","colour":"blue"}');
    await dev.stop('SIGINT');
    client.close();
    dev = new WeftProcess(['dev', dir, '--signature-policy', "OR('Org1MSP.member')"], { ...DEV_FREE_PORTS, ...SHORT_TIMEOUT });
    await dev.waitForOutput(/^ready in \d+ ms/m);
    assert.match(dev.stdout, /dev-assets already defined at sequence 2 on mychannel/);
    client = await connectGateway(devConnectionOf(dev.stdout));
    assert.equal(text(await contract().evaluateTransaction('Greeting')), 'fixed');
  });

  test('--debug: the chaincode runs under the inspector at the address given, and a call may take longer than the execute timeout', async () => {
    await assert.rejects(contract().evaluateTransaction('Pause', '1500'), (err: { details?: Array<{ message: string }> }) => /timeout/i.test(err.details?.[0]?.message ?? ''));
    await dev.stop('SIGINT');
    client.close();
    const port = await freePort();
    dev = new WeftProcess(['dev', dir, '--signature-policy', "OR('Org1MSP.member')", '--debug', `127.0.0.1:${port}`], { ...DEV_FREE_PORTS, ...SHORT_TIMEOUT });
    await dev.waitForOutput(/^ready in \d+ ms/m);
    const { match } = await dev.waitForOutput(new RegExp(`debugger listening on (ws://127\\.0\\.0\\.1:${port}/\\S+)`));
    const targets = (await (await fetch(`http://127.0.0.1:${port}/json/list`)).json()) as Array<{ webSocketDebuggerUrl: string }>;
    assert.deepEqual(
      targets.map((t) => t.webSocketDebuggerUrl),
      [match[1]],
      'the inspector is the chaincode process',
    );
    client = await connectGateway(devConnectionOf(dev.stdout));
    assert.equal(text(await contract().evaluateTransaction('Pause', '1500')), 'paused 1500');
  });
});

/**
 * `weft dev` of a kv-shim project started with `args`, ready (within `readyMs`), and a fabric-gateway
 * client's contract for it at the printed endpoint; both stopped after `use`.
 */
async function withKvDev(args: string[], env: NodeJS.ProcessEnv, use: (dev: WeftProcess, kv: Contract) => Promise<void>, readyMs?: number): Promise<void> {
  const dev = new WeftProcess(['dev', ...args], { ...DEV_FREE_PORTS, ...env });
  try {
    await dev.waitForOutput(/^ready in \d+ ms/m, 0, readyMs);
    const client = await connectGateway(devConnectionOf(dev.stdout));
    try {
      await use(dev, client.gateway.getNetwork('mychannel').getContract('kv-shim'));
    } finally {
      client.close();
    }
  } finally {
    await dev.stop('SIGINT');
  }
}

/** A gateway error whose first detail is the chaincode's own message. */
const chaincodeSaid = (message: string) => (err: { details?: Array<{ message: string }> }) => err.details?.[0]?.message === message;

async function replaceIn(file: string, from: string, to: string): Promise<void> {
  await writeFile(file, (await readFile(file, 'utf8')).replace(from, to));
}

describe('weft dev, on a fabric-shim chaincode in JavaScript', () => {
  test('reloads on save (no build), defines anew when the collections file changes, and names a start file that does not exist', async () => {
    const dir = await project('kv-shim', false);
    const collections = (...names: string[]) => JSON.stringify(names.map((name) => ({ name, policy: "OR('Org1MSP.member')", requiredPeerCount: 0, maxPeerCount: 1, blockToLive: 0 })));
    await writeFile(join(dir, 'collections_config.json'), collections('secrets'));
    await withKvDev([dir, '--collections-config', 'collections_config.json'], {}, async (dev, kv) => {
      assert.match(dev.stdout, /kv-shim defined at sequence 1 on mychannel/);
      let from = dev.stdout.length;
      await writeFile(join(dir, 'collections_config.json'), collections('secrets', 'moreSecrets'));
      await dev.waitForOutput(/^kv-shim defined at sequence 2 \(package ID kv-shim:1\.0\.0\)\nreloaded in \d+ ms/m, from);
      await kv.submitTransaction('put', 'k', 'v1');
      assert.equal(text(await kv.evaluateTransaction('get', 'k')), 'v1');
      from = dev.stdout.length;
      await replaceIn(join(dir, 'index.js'), "'asked to fail'", "'asked to fail, edited'");
      await dev.waitForOutput(/^reloaded in \d+ ms/m, from);
      await assert.rejects(kv.evaluateTransaction('fail'), chaincodeSaid('asked to fail, edited'));
      await dev.waitForOutput(/invoke fail\(\) -> 500 asked to fail, edited/, from);
      from = dev.stdout.length;
      await replaceIn(join(dir, 'package.json'), '"node index.js"', '"node server.js"');
      await dev.waitForOutput(/^the file its start script runs, server\.js, does not exist: give the project a build script .*\n {2}the previous build keeps serving/m, from);
      assert.equal(text(await kv.evaluateTransaction('get', 'k')), 'v1');
    });
  });

  test('a project without node_modules: its dependencies are installed first (npm install)', async () => {
    const dir = join(await tempDir('weft-dev-'), 'kv-shim');
    await cp(fixtureSource('kv-shim'), dir, { recursive: true });
    await withKvDev([dir], { HOME: process.env.HOME }, async (dev, kv) => {
      assert.match(dev.stdout, /^installing dependencies \(npm install\)$/m);
      await kv.submitTransaction('put', 'k', 'v1');
      assert.equal(text(await kv.evaluateTransaction('get', 'k')), 'v1');
    }, 120_000);
  });

  test('a folder it cannot run, and a peer configured with TLS: one line saying why, exit 1, nothing started', async () => {
    const empty = await tempDir('weft-dev-');
    let run = await runWeft(['dev', empty], DEV_FREE_PORTS);
    assert.equal(run.code, 1);
    assert.match(run.stderr, /^Error: \S+\/package\.json cannot be read: .*\(weft dev runs in a Node\.js chaincode project's folder\)$/m);
    await writeFile(join(empty, 'package.json'), JSON.stringify({ name: '@scope/!!!', version: '1.0.0' }));
    run = await runWeft(['dev', empty], DEV_FREE_PORTS);
    assert.match(run.stderr, /^Error: "" is not a valid chaincode name .*: give one with --name$/m);
    const dir = join(await tempDir('weft-dev-'), 'kv-shim');
    await cp(fixtureSource('kv-shim'), dir, { recursive: true });
    run = await runWeft(['dev', dir], { ...DEV_FREE_PORTS, CORE_PEER_TLS_ENABLED: 'true' });
    assert.equal(run.code, 1);
    assert.match(run.stderr, /^Error: weft dev runs the peer in chaincode dev mode, which Fabric runs with TLS disabled: unset CORE_PEER_TLS_ENABLED/m);
  });

  test('a build script other than tsc runs as npm run build after each change, and what it writes does not set off another', async () => {
    const dir = join(await tempDir('weft-dev-'), 'kv-built');
    await cp(await project('kv-shim', false), dir, { recursive: true, verbatimSymlinks: true });
    // The chaincode's source under src/, copied to index.js (the start script's file, at the top) by the build.
    await mkdir(join(dir, 'src'));
    await cp(join(dir, 'index.js'), join(dir, 'src', 'cc.js'));
    await writeFile(join(dir, 'build.js'), "require('node:fs').copyFileSync('src/cc.js', 'index.js');\n");
    const manifest = JSON.parse(await readFile(join(dir, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
    manifest.scripts.build = 'node build.js';
    await writeFile(join(dir, 'package.json'), JSON.stringify(manifest));
    await utimes(join(dir, 'node_modules'), new Date(Date.now() + 1000), new Date(Date.now() + 1000));
    await withKvDev([dir], { HOME: process.env.HOME }, async (dev, kv) => {
      assert.match(dev.stdout, /^building \(npm run build\)$/m);
      const from = dev.stdout.length;
      await replaceIn(join(dir, 'src', 'cc.js'), "'asked to fail'", "'asked to fail, built'");
      await dev.waitForOutput(/^reloaded in \d+ ms/m, from);
      await assert.rejects(kv.evaluateTransaction('fail'), chaincodeSaid('asked to fail, built'));
      // The build's own output (index.js) came back as a change: no second build, no second reload.
      await new Promise((resolve) => setTimeout(resolve, 1500));
      assert.equal(dev.stdout.slice(from).match(/^reloaded in/gm)?.length, 1, dev.stdout.slice(from));
    });
  });
});
