import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import commonPb from '@hyperledger/fabric-protos/lib/common/common_pb.js';
import { tempDir } from '../helpers/temp-dir.js';
import { messageOf, peerAddressOf, runWeft, WeftProcess } from '../helpers/weft-process.js';

describe('weft channel', () => {
  test('genesis writes a block; join puts the running peer on the channel, which it keeps across a restart', async () => {
    const dir = await tempDir('weft-channel-');
    const blockFile = join(dir, 'ch1.block');
    const env = { CORE_PEER_FILESYSTEMPATH: join(dir, 'data'), CORE_PEER_CHAINCODELISTENADDRESS: '127.0.0.1:0', CORE_PEER_LISTENADDRESS: '127.0.0.1:0', CORE_PEER_ORDERER_LISTENADDRESS: '127.0.0.1:0', CORE_PEER_ORDERER_ADMINLISTENADDRESS: '127.0.0.1:0' };
    // The block's organisations are the default crypto under the data folder, which the peer then runs as.
    const gen = await runWeft(['channel', 'genesis', '-c', 'ch1', '-o', blockFile], { CORE_PEER_FILESYSTEMPATH: env.CORE_PEER_FILESYSTEMPATH });
    assert.equal(gen.code, 0, gen.stderr);
    const block = commonPb.Block.deserializeBinary(await readFile(blockFile));
    assert.equal(block.getHeader()?.getNumber(), 0);

    const peer = new WeftProcess(['node', 'start'], env);
    const client = { CORE_PEER_ADDRESS: await peerAddressOf(peer), CORE_PEER_FILESYSTEMPATH: env.CORE_PEER_FILESYSTEMPATH };
    await peer.waitFor(/Started peer/);

    const joined = await runWeft(['channel', 'join', '-b', blockFile], client);
    assert.equal(joined.code, 0, joined.stderr);
    assert.equal(joined.stdout, 'Successfully submitted proposal to join channel\n');
    await peer.waitFor(/system chaincode qscc\/ch1\(weft\/src\/scc\/qscc\) deployed/);
    assert.ok(peer.lines.some((l) => messageOf(l) === 'Created ledger [ch1] with genesis block'));

    const list = await runWeft(['channel', 'list'], client);
    assert.equal(list.stdout, 'Channels peers has joined: \nch1\n');
    const info = await runWeft(['channel', 'getinfo', '-c', 'ch1'], client);
    assert.match(info.stdout, /^Blockchain info: \{"height":1,"currentBlockHash":"[A-Za-z0-9+/=]{44}","previousBlockHash":""\}\n$/);

    const again = await runWeft(['channel', 'join', '-b', blockFile], client);
    assert.equal(again.code, 1);
    assert.equal(again.stderr, 'Error: received bad response, status 500: cannot create ledger from genesis block: ledger [ch1] already exists');

    const fetched = join(dir, 'fetched.block');
    const fetch = await runWeft(['channel', 'fetch', 'oldest', fetched, '-c', 'ch1'], client);
    assert.equal(fetch.code, 0, fetch.stderr);
    // The same block as written: header and data; the peer's ledger adds the TRANSACTIONS_FILTER metadata, as Fabric's does.
    const stored = commonPb.Block.deserializeBinary(await readFile(fetched));
    const written = commonPb.Block.deserializeBinary(await readFile(blockFile));
    assert.deepEqual(Buffer.from(stored.getHeader()?.serializeBinary() ?? []), Buffer.from(written.getHeader()?.serializeBinary() ?? []));
    assert.deepEqual(Buffer.from(stored.getData()?.serializeBinary() ?? []), Buffer.from(written.getData()?.serializeBinary() ?? []));
    assert.deepEqual(Buffer.from(stored.getMetadata()?.getMetadataList_asU8()[2] ?? []), Buffer.from([0]));
    const config = await runWeft(['channel', 'fetch', 'config', join(dir, 'config.block'), '-c', 'ch1'], client);
    assert.equal(config.stdout, `Received block: 0\nWrote it to ${join(dir, 'config.block')}\n`);
    const missing = await runWeft(['channel', 'fetch', '5', join(dir, 'x.block'), '-c', 'ch1'], client);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /^Error: deliver from .* on channel ch1: status NOT_FOUND$/);
    // The embedded orderer serves the same chain through its own Deliver (-o): the block as it signed it.
    const ordererAddress = peer.lines.map(messageOf).find((m) => m.startsWith('Beginning to serve requests on '))?.replace('Beginning to serve requests on ', '') ?? '';
    const fromOrderer = await runWeft(['channel', 'fetch', 'newest', join(dir, 'o.block'), '-c', 'ch1', '-o', ordererAddress], client);
    assert.equal(fromOrderer.stdout, `Received block: 0\nWrote it to ${join(dir, 'o.block')}\n`, fromOrderer.stderr);
    const ordered = commonPb.Block.deserializeBinary(await readFile(join(dir, 'o.block')));
    assert.deepEqual(Buffer.from(ordered.getHeader()?.serializeBinary() ?? []), Buffer.from(written.getHeader()?.serializeBinary() ?? []));
    const bogus = await runWeft(['channel', 'fetch', 'latest', '-c', 'ch1'], client);
    assert.equal(bogus.stderr, 'Error: fetch target illegal: latest (newest, oldest, config or a block number)');
    assert.equal(await peer.stop(), 0);

    const restarted = new WeftProcess(['node', 'start'], env);
    const client2 = { CORE_PEER_ADDRESS: await peerAddressOf(restarted), CORE_PEER_FILESYSTEMPATH: env.CORE_PEER_FILESYSTEMPATH };
    await restarted.waitFor(/Started peer/);
    assert.ok(restarted.lines.some((l) => messageOf(l) === 'Loading chain ch1'));
    assert.equal((await runWeft(['channel', 'list'], client2)).stdout, 'Channels peers has joined: \nch1\n');
    assert.equal(await restarted.stop(), 0);
  });

  test('join with a file that is missing or not a block fails naming it; the peer goes on serving', async () => {
    const dir = await tempDir('weft-channel-');
    const env = { CORE_PEER_FILESYSTEMPATH: join(dir, 'data'), CORE_PEER_CHAINCODELISTENADDRESS: '127.0.0.1:0', CORE_PEER_LISTENADDRESS: '127.0.0.1:0', CORE_PEER_ORDERER_LISTENADDRESS: '127.0.0.1:0', CORE_PEER_ORDERER_ADMINLISTENADDRESS: '127.0.0.1:0' };
    const peer = new WeftProcess(['node', 'start', '--join', 'keep'], env);
    const client = { CORE_PEER_ADDRESS: await peerAddressOf(peer), CORE_PEER_FILESYSTEMPATH: env.CORE_PEER_FILESYSTEMPATH };
    await peer.waitFor(/Started peer/);

    const missing = await runWeft(['channel', 'join', '-b', join(dir, 'nope.block')], client);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, new RegExp(`^Error: error getting genesis block from ${join(dir, 'nope.block')}: `));

    await writeFile(join(dir, 'junk.block'), Buffer.from('this is not a block'));
    const junk = await runWeft(['channel', 'join', '-b', join(dir, 'junk.block')], client);
    assert.equal(junk.code, 1);
    assert.match(junk.stderr, /status 500: (Failed to reconstruct the genesis block|cannot create ledger from genesis block)/);

    assert.equal((await runWeft(['channel', 'list'], client)).stdout, 'Channels peers has joined: \nkeep\n');
    const bad = await runWeft(['channel', 'genesis', '-c', 'Bad_Name', '-o', join(dir, 'b.block')], {});
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /channel ID 'Bad_Name' contains illegal characters/);
    assert.equal(await peer.stop(), 0);
  });

  test('create makes a channel on the embedded orderer and joins the peer to it', async () => {
    const dir = await tempDir('weft-channel-');
    const env = { CORE_PEER_FILESYSTEMPATH: join(dir, 'data'), CORE_PEER_CHAINCODELISTENADDRESS: '127.0.0.1:0', CORE_PEER_LISTENADDRESS: '127.0.0.1:0', CORE_PEER_ORDERER_LISTENADDRESS: '127.0.0.1:0', CORE_PEER_ORDERER_ADMINLISTENADDRESS: '127.0.0.1:0' };
    const peer = new WeftProcess(['node', 'start'], env);
    const peerAddress = await peerAddressOf(peer);
    const adminAddress = (await peer.waitFor(/Starting admin server on /)).replace(/^.*Starting admin server on /, '');
    await peer.waitFor(/Started peer/);
    // The CLI reaches the orderer's admin endpoint where the peer's configuration puts it.
    const client = { CORE_PEER_ADDRESS: peerAddress, CORE_PEER_FILESYSTEMPATH: env.CORE_PEER_FILESYSTEMPATH, CORE_PEER_ORDERER_ADMINLISTENADDRESS: adminAddress };
    const blockFile = join(dir, 'made.block');
    const created = await runWeft(['channel', 'create', '-c', 'made', '--outputBlock', blockFile], client);
    assert.equal(created.stdout, `Created channel made: the orderer and the peer joined it; its genesis block is in ${blockFile}\n`, created.stderr);
    assert.equal(commonPb.Block.deserializeBinary(await readFile(blockFile)).getHeader()?.getNumber(), 0);
    assert.equal((await runWeft(['channel', 'list'], client)).stdout, 'Channels peers has joined: \nmade\n');
    const listed = await runWeft(['osnadmin', 'channel', 'list', '-o', adminAddress, '--channelID', 'made'], client);
    assert.match(listed.stdout, /^Status: 200\n\{\n\t"name": "made",\n[^]*"height": 1\n\}\n/, listed.stderr);

    const again = await runWeft(['channel', 'create', '-c', 'made', '--outputBlock', blockFile], client);
    assert.equal(again.code, 1);
    assert.match(again.stderr, /^Error: the orderer did not join channel made: status 405: /);
    assert.equal(await peer.stop(), 0);
  });

  test('a peer that is not running is a clear error naming its address', async () => {
    const res = await runWeft(['channel', 'list'], { CORE_PEER_ADDRESS: '127.0.0.1:1' });
    assert.equal(res.code, 1);
    assert.match(res.stderr, /^Error: failed to connect to the peer at 127\.0\.0\.1:1: /);
  });
});
