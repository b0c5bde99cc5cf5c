import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fixtureSource } from '../helpers/chaincode-fixture.js';
import { tempDir } from '../helpers/temp-dir.js';
import { runWeft, startPeerProcess, type WeftProcess } from '../helpers/weft-process.js';

const COLLECTIONS = [
  // This peer's organisation (the default crypto's Org1MSP) is the member.
  { name: 'shared', policy: "OR('Org1MSP.member')", requiredPeerCount: 0, maxPeerCount: 3, blockToLive: 0, memberOnlyRead: true, memberOnlyWrite: true },
  // Kept for 2 blocks after each write.
  { name: 'short', policy: "OR('Org1MSP.member')", requiredPeerCount: 0, maxPeerCount: 3, blockToLive: 2 },
  // Another organisation's: this peer keeps hashes only; its clients may write but not read.
  { name: 'foreign', policy: "OR('Org2MSP.member')", requiredPeerCount: 0, maxPeerCount: 3, blockToLive: 0, memberOnlyRead: true, memberOnlyWrite: false },
];

const sha256hex = (s: string) => createHash('sha256').update(s).digest('hex');
const transient = (value: string) => JSON.stringify({ value: Buffer.from(value).toString('base64') });

describe('private data collections, with a fabric-contract-api chaincode the peer runs', () => {
  let peer: WeftProcess;
  let client: NodeJS.ProcessEnv;
  let dir: string;
  const cc = (...args: string[]) => ['chaincode', ...args];
  const query = (args: string[]) => runWeft(cc('query', '-C', 'ch', '-n', 'pdc', '-c', JSON.stringify({ Args: args })), client);
  const invoke = (args: string[], value?: string) =>
    runWeft(cc('invoke', '-C', 'ch', '-n', 'pdc', '-c', JSON.stringify({ Args: args }), ...(value === undefined ? [] : ['--transient', transient(value)])), client);

  before(async () => {
    ({ peer, client } = await startPeerProcess(['--join', 'ch', '--application-capability', 'V1_4_2']));
    dir = await tempDir('weft-pdc-');
    await writeFile(join(dir, 'collections.json'), JSON.stringify(COLLECTIONS));
    const install = await runWeft(cc('install', fixtureSource('asset-contract'), '-n', 'pdc', '-v', '1.0'), client);
    assert.equal(install.code, 0, install.stderr);
    const inst = await runWeft(cc('instantiate', '-C', 'ch', '-n', 'pdc', '-v', '1.0', '--collections-config', join(dir, 'collections.json')), client);
    assert.equal(inst.code, 0, `${inst.stderr}\n${peer.lines.slice(-20).join('\n')}`);
  });

  after(async () => {
    await peer.stop();
  });

  test('a private value written with transient data is read back; its hash is public; the block holds neither the value nor the key', async () => {
    const put = await invoke(['PutPrivate', 'shared', 'k1'], 'top-secret-42');
    assert.equal(put.code, 0, put.stderr);
    assert.equal((await query(['GetPrivate', 'shared', 'k1'])).stdout, 'top-secret-42\n');
    assert.equal((await query(['PrivateHash', 'shared', 'k1'])).stdout, `${sha256hex('top-secret-42')}\n`);

    const file = join(dir, 'newest.block');
    assert.equal((await runWeft(['channel', 'fetch', 'newest', file, '-c', 'ch'], client)).code, 0);
    const block = await readFile(file);
    assert.equal(block.includes('top-secret-42'), false, 'the private value is not in the block');
    assert.equal(block.includes(Buffer.from(sha256hex('top-secret-42'), 'hex')), true, "the value's hash is");
  });

  test('range and partial composite key queries over a collection', async () => {
    assert.equal((await invoke(['PutPrivate', 'shared', 'k2'], 'two')).code, 0);
    assert.equal((await invoke(['PutPrivate', 'shared', 'k3'], 'three')).code, 0);
    const range = await query(['PrivateRange', 'shared', 'k1', 'k3']);
    assert.deepEqual(JSON.parse(range.stdout), [
      ['k1', 'top-secret-42'],
      ['k2', 'two'],
    ], range.stderr);
    assert.equal((await invoke(['TagPrivate', 'shared', 'red', 'a1'])).code, 0);
    assert.equal((await invoke(['TagPrivate', 'shared', 'red', 'a2'])).code, 0);
    assert.equal((await invoke(['TagPrivate', 'shared', 'blue', 'a3'])).code, 0);
    assert.deepEqual(JSON.parse((await query(['PrivateByColor', 'shared', 'red'])).stdout), ['a1', 'a2']);
  });

  test('delete removes the value and its hash; purge does too', async () => {
    assert.equal((await invoke(['DeletePrivate', 'shared', 'k2'])).code, 0);
    assert.equal((await query(['GetPrivate', 'shared', 'k2'])).stdout, '\n');
    assert.equal((await query(['PrivateHash', 'shared', 'k2'])).stdout, '\n');
    const purge = await invoke(['PurgePrivate', 'shared', 'k3']);
    assert.equal(purge.code, 0, purge.stderr);
    assert.equal((await query(['GetPrivate', 'shared', 'k3'])).stdout, '\n');
    assert.equal((await query(['PrivateHash', 'shared', 'k3'])).stdout, '\n');
    assert.equal((await query(['GetPrivate', 'shared', 'k1'])).stdout, 'top-secret-42\n', 'other keys stay');
  });

  test("another organisation's collection (memberOnlyRead): written, its hash read, its value refused to this client", async () => {
    const put = await invoke(['PutPrivate', 'foreign', 'f1'], 'theirs');
    assert.equal(put.code, 0, put.stderr);
    assert.equal((await query(['PrivateHash', 'foreign', 'f1'])).stdout, `${sha256hex('theirs')}\n`);
    const read = await query(['GetPrivate', 'foreign', 'f1']);
    assert.equal(read.code, 1);
    assert.match(read.stderr, /tx creator does not have read access permission on privatedata in chaincodeName:pdc collectionName: foreign/);
  });

  test('a collection the chaincode does not define is named in the error, and the peer goes on', async () => {
    const read = await query(['GetPrivate', 'nosuch', 'k']);
    assert.equal(read.code, 1);
    assert.match(read.stderr, /collection \[nosuch\] not defined in the collection config for chaincode \[pdc\]/);
    const write = await invoke(['PutPrivate', 'nosuch', 'k'], 'v');
    assert.equal(write.code, 1);
    assert.match(write.stderr, /collection \[nosuch\] not defined in the collection config for chaincode \[pdc\]/);
    assert.equal((await query(['GetPrivate', 'shared', 'k1'])).stdout, 'top-secret-42\n');
  });

  test('a value of a collection with blockToLive 2 is purged when the third block after its own commits', async () => {
    assert.equal((await invoke(['PutPrivate', 'short', 's1'], 'fleeting')).code, 0);
    for (const id of ['x1', 'x2']) assert.equal((await invoke(['CreateAsset', id, 'someone'])).code, 0);
    assert.equal((await query(['GetPrivate', 'short', 's1'])).stdout, 'fleeting\n', 'kept for two blocks');
    assert.equal((await invoke(['CreateAsset', 'x3', 'someone'])).code, 0);
    assert.equal((await query(['GetPrivate', 'short', 's1'])).stdout, '\n');
    assert.equal((await query(['PrivateHash', 'short', 's1'])).stdout, '\n', 'the hash goes too');
  });

  test('private data in Init is refused, as Fabric refuses it', async () => {
    assert.equal((await runWeft(cc('install', fixtureSource('asset-contract'), '-n', 'pdcinit', '-v', '1.0'), client)).code, 0);
    const inst = await runWeft(
      cc('instantiate', '-C', 'ch', '-n', 'pdcinit', '-v', '1.0', '-c', '{"Args":["PrivateHash","shared","k"]}', '--collections-config', join(dir, 'collections.json')),
      client,
    );
    assert.equal(inst.code, 1);
    assert.match(inst.stderr, /private data APIs are not allowed in chaincode Init\(\)/);
  });

  test('a collection configuration lscc refuses, or the CLI cannot read, is named', async () => {
    assert.equal((await runWeft(cc('install', fixtureSource('asset-contract'), '-n', 'pdcbad', '-v', '1.0'), client)).code, 0);
    const instantiate = (file: string) => runWeft(cc('instantiate', '-C', 'ch', '-n', 'pdcbad', '-v', '1.0', '--collections-config', file), client);
    const dup = join(dir, 'dup.json');
    await writeFile(dup, JSON.stringify([COLLECTIONS[0], COLLECTIONS[0]]));
    const dupRes = await instantiate(dup);
    assert.equal(dupRes.code, 1);
    assert.match(dupRes.stderr, /collection-name: shared -- found duplicate collection configuration/);
    const counts = join(dir, 'counts.json');
    await writeFile(counts, JSON.stringify([{ name: 'c', policy: "OR('Org1MSP.member')", requiredPeerCount: 3, maxPeerCount: 1 }]));
    assert.match((await instantiate(counts)).stderr, /collection-name: c -- maximum peer count \(1\) cannot be less than the required peer count \(3\)/);
    const badPolicy = join(dir, 'policy.json');
    await writeFile(badPolicy, JSON.stringify([{ name: 'c', policy: "ANY('Org1MSP.member')" }]));
    assert.match((await instantiate(badPolicy)).stderr, /^Error: collection c: invalid policy ANY\('Org1MSP\.member'\): .*unknown operator ANY/);
    assert.match((await instantiate(join(dir, 'missing.json'))).stderr, /^Error: cannot read the collection configuration file .*missing\.json/);
    // Nothing was instantiated: the chaincode is still free to be.
    const ok = await instantiate(join(dir, 'collections.json'));
    assert.equal(ok.code, 0, ok.stderr);
  });
});
