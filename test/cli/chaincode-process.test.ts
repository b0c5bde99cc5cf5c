import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import commonPb from '@hyperledger/fabric-protos/lib/common/common_pb.js';
import eventPb from '@hyperledger/fabric-protos/lib/peer/chaincode_event_pb.js';
import proposalPb from '@hyperledger/fabric-protos/lib/peer/proposal_pb.js';
import responsePb from '@hyperledger/fabric-protos/lib/peer/proposal_response_pb.js';
import transactionPb from '@hyperledger/fabric-protos/lib/peer/transaction_pb.js';
import { after, before, describe, test } from 'node:test';
import { fixtureSource } from '../helpers/chaincode-fixture.js';
import { tempDir } from '../helpers/temp-dir.js';
import { runWeft, startPeerProcess, type WeftProcess } from '../helpers/weft-process.js';

describe('weft chaincode, with a fabric-contract-api chaincode the peer builds and runs', () => {
  let peer: WeftProcess;
  let client: NodeJS.ProcessEnv;
  const cc = (...args: string[]) => ['chaincode', ...args];
  const query = async (args: string[]) => runWeft(cc('query', '-C', 'ch', '-n', 'assets', '-c', JSON.stringify({ Args: args })), client);
  const invoke = async (args: string[]) => runWeft(cc('invoke', '-C', 'ch', '-n', 'assets', '-c', JSON.stringify({ Args: args })), client);

  before(async () => {
    ({ peer, client } = await startPeerProcess(['--join', 'ch', '--application-capability', 'V1_4_2']));
  });

  after(async () => {
    await peer.stop();
  });

  test('install and instantiate build the package and launch it; transactions reach the contract', async () => {
    const install = await runWeft(cc('install', fixtureSource('asset-contract'), '-n', 'assets', '-v', '1.0', '-l', 'node'), client);
    assert.equal(install.code, 0, install.stderr);
    const inst = await runWeft(cc('instantiate', '-C', 'ch', '-n', 'assets', '-v', '1.0', '-c', '{"Args":[]}'), client);
    assert.equal(inst.code, 0, `${inst.stderr}\n${peer.lines.slice(-20).join('\n')}`);
    assert.ok(peer.lines.some((l) => l.includes('[peer.chaincode.assets-1.0]')), 'the chaincode output is in the peer log');

    const created = await invoke(['CreateAsset', 'a1', 'alice']);
    // The transaction's chaincode event follows, with its payload whole, and the block it was committed in.
    assert.match(
      created.stdout,
      /^Chaincode invoke successful\. result: status:200 payload:"\{\\"id\\":\\"a1\\",\\"owner\\":\\"alice\\"\}"\nChaincode event "AssetCreated" of assets in block \d+: "a1"\n$/,
      created.stderr,
    );
    assert.equal((await invoke(['CreateAsset', 'a2', 'bob'])).code, 0);
    assert.equal((await invoke(['TransferAsset', 'a1', 'carol'])).code, 0);
    assert.equal((await query(['ReadAsset', 'a1'])).stdout, '{"id":"a1","owner":"carol"}\n');
    const all = await query(['GetAllAssets']);
    assert.equal(all.code, 0, all.stderr);
    assert.deepEqual(JSON.parse(all.stdout), [
      { id: 'a1', owner: 'carol' },
      { id: 'a2', owner: 'bob' },
    ]);
    const history = await query(['AssetHistory', 'a1']);
    assert.equal(history.code, 0, history.stderr);
    assert.deepEqual(JSON.parse(history.stdout), ['carol', 'alice']);
  });

  test('range queries page by page, with a bookmark', async () => {
    const first = JSON.parse((await query(['Page', '1', ''])).stdout) as { ids: string[]; fetched: number; bookmark: string };
    assert.deepEqual(first, { ids: ['a1'], fetched: 1, bookmark: 'a2' });
    const second = JSON.parse((await query(['Page', '5', first.bookmark])).stdout) as { ids: string[]; fetched: number; bookmark: string };
    assert.deepEqual(second, { ids: ['a2'], fetched: 1, bookmark: '' });
  });

  test('composite keys and partial composite key queries', async () => {
    assert.equal((await invoke(['Tag', 'red', 'a1'])).code, 0);
    assert.equal((await invoke(['Tag', 'red', 'a2'])).code, 0);
    assert.equal((await invoke(['Tag', 'blue', 'a3'])).code, 0);
    assert.deepEqual(JSON.parse((await query(['ByColor', 'red'])).stdout), ['a1', 'a2']);
    // Composite keys stay out of a simple range scan.
    assert.equal((JSON.parse((await query(['GetAllAssets'])).stdout) as unknown[]).length, 2);
  });

  test('an event set by the contract is recorded in the committed transaction', async () => {
    assert.equal((await invoke(['CreateAsset', 'a9', 'dave'])).code, 0);
    const file = join(await tempDir('weft-fetch-'), 'newest.block');
    assert.equal((await runWeft(['channel', 'fetch', 'newest', file, '-c', 'ch'], client)).code, 0);
    const block = commonPb.Block.deserializeBinary(await readFile(file));
    const envelope = block.getData()?.getDataList_asU8()[0] ?? new Uint8Array();
    const payload = commonPb.Payload.deserializeBinary(commonPb.Envelope.deserializeBinary(envelope).getPayload_asU8());
    const tx = transactionPb.Transaction.deserializeBinary(payload.getData_asU8());
    const cap = transactionPb.ChaincodeActionPayload.deserializeBinary(tx.getActionsList()[0]?.getPayload_asU8() ?? new Uint8Array());
    const prp = responsePb.ProposalResponsePayload.deserializeBinary(cap.getAction()?.getProposalResponsePayload_asU8() ?? new Uint8Array());
    const action = proposalPb.ChaincodeAction.deserializeBinary(prp.getExtension_asU8());
    const event = eventPb.ChaincodeEvent.deserializeBinary(action.getEvents_asU8());
    assert.deepEqual([event.getChaincodeId(), event.getEventName(), Buffer.from(event.getPayload_asU8()).toString()], ['assets', 'AssetCreated', 'a9']);
    assert.equal(event.getTxId(), commonPb.ChannelHeader.deserializeBinary(payload.getHeader()?.getChannelHeader_asU8() ?? new Uint8Array()).getTxId());
  });

  test('transient data reaches the contract', async () => {
    const secret = Buffer.from('hush').toString('base64');
    const res = await runWeft(cc('query', '-C', 'ch', '-n', 'assets', '-c', '{"Args":["Secret"]}', '--transient', `{"secret":"${secret}"}`), client);
    assert.equal(res.stdout, 'hush\n', res.stderr);
    assert.equal((await query(['Secret'])).stdout, '(none)\n');
    const bad = await runWeft(cc('query', '-C', 'ch', '-n', 'assets', '-c', '{"Args":["Secret"]}', '--transient', '{"secret":1}'), client);
    assert.equal(bad.stderr, 'Error: error parsing transient string: the value of secret is not a base64 string');
  });

  test('the contract sees the client identity of the proposal', async () => {
    const who = (await query(['WhoAmI'])).stdout;
    // The CLI's default identity: the Admin of the crypto the peer made, issued by the org's CA.
    assert.equal(
      who,
      'Org1MSP x509::/C=US/ST=California/L=San Francisco/OU=admin/CN=Admin@org1.example.com::/C=US/ST=California/L=San Francisco/O=org1.example.com/CN=ca.org1.example.com\n',
    );
  });

  test("the chaincode knows its peer's organisation (CORE_PEER_LOCALMSPID, as Fabric 2.x sets it)", async () => {
    assert.equal((await query(['PeerMsp'])).stdout, 'Org1MSP\n');
  });

  test('an error thrown by a contract function is an error response, and the peer goes on', async () => {
    const missing = await query(['ReadAsset', 'nope']);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /^Error: endorsement failure during query\. response: status:500 message:"asset nope does not exist"/);
    assert.equal((await query(['ReadAsset', 'a2'])).stdout, '{"id":"a2","owner":"bob"}\n');
  });

  test('a contract calls another chaincode on its channel: reads come back, writes join its transaction', async () => {
    assert.equal((await runWeft(cc('install', fixtureSource('asset-contract'), '-n', 'other', '-v', '1.0'), client)).code, 0);
    const inst = await runWeft(cc('instantiate', '-C', 'ch', '-n', 'other', '-v', '1.0', '-c', '{"Args":[]}'), client);
    assert.equal(inst.code, 0, inst.stderr);
    assert.equal((await runWeft(cc('invoke', '-C', 'ch', '-n', 'other', '-c', '{"Args":["CreateAsset","b1","eve"]}'), client)).code, 0);
    const called = await query(['CallOther', 'other', '["ReadAsset","b1"]']);
    assert.equal(called.stdout, '{"id":"b1","owner":"eve"}\n', called.stderr);
    const written = await invoke(['CallOther', 'other', '["CreateAsset","b2","frank"]']);
    assert.equal(written.code, 0, written.stderr);
    const read = await runWeft(cc('query', '-C', 'ch', '-n', 'other', '-c', '{"Args":["ReadAsset","b2"]}'), client);
    assert.equal(read.stdout, '{"id":"b2","owner":"frank"}\n', read.stderr);
    const refused = await query(['CallOther', 'cscc', '["GetChannels"]']);
    assert.match(refused.stderr, /system chaincode cscc cannot be invoked with a cc2cc invocation/);
  });

  test('a called chaincode that is not running is launched for the call', async () => {
    const started = await peer.waitFor(/started chaincode other-1\.0 \(pid \d+\)/);
    process.kill(Number(/\(pid (\d+)\)/.exec(started)?.[1]), 'SIGKILL');
    await peer.waitFor(/chaincode other-1\.0 exited with/);
    const called = await query(['CallOther', 'other', '["ReadAsset","b1"]']);
    assert.equal(called.stdout, '{"id":"b1","owner":"eve"}\n', called.stderr);
    assert.equal(peer.lines.filter((l) => /started chaincode other-1\.0 \(pid/.test(l)).length, 2);
  });

  test('upgrade moves the chaincode to a new version: its Init runs, state stays, the new version serves calls', async () => {
    const same = await runWeft(cc('upgrade', '-C', 'ch', '-n', 'assets', '-v', '1.0'), client);
    assert.equal(same.code, 1);
    assert.match(same.stderr, /version already exists for chaincode with name 'assets'/);
    assert.equal((await runWeft(cc('install', fixtureSource('asset-contract'), '-n', 'assets', '-v', '2.0'), client)).code, 0);
    const up = await runWeft(cc('upgrade', '-C', 'ch', '-n', 'assets', '-v', '2.0', '-c', '{"Args":["CreateAsset","u1","upgrader"]}'), client);
    assert.match(up.stdout, /^Chaincode assets:2\.0 upgraded on channel ch \(txid [0-9a-f]{64}, /, up.stderr);
    await peer.waitFor(/started chaincode assets-2\.0 \(pid \d+\)/);
    assert.equal((await query(['ReadAsset', 'u1'])).stdout, '{"id":"u1","owner":"upgrader"}\n', 'Init of the new version ran');
    assert.equal((await query(['ReadAsset', 'a2'])).stdout, '{"id":"a2","owner":"bob"}\n', 'state written by 1.0 stays');
    const listed = await runWeft(cc('list', '--instantiated', '-C', 'ch'), client);
    assert.match(listed.stdout, /Name: assets, Version: 2\.0/);
  });

  test('stopping the peer stops the chaincode it runs', async () => {
    const started = await peer.waitFor(/started chaincode assets-2\.0 \(pid \d+\)/);
    const pid = Number(/\(pid (\d+)\)/.exec(started)?.[1]);
    assert.doesNotThrow(() => process.kill(pid, 0), 'the chaincode runs while the peer does');
    assert.equal(await peer.stop(), 0);
    assert.throws(() => process.kill(pid, 0), /ESRCH/);
  });
});
