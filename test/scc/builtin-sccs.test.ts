import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import commonPb from '@hyperledger/fabric-protos/lib/common/common_pb.js';
import transactionPb from '@hyperledger/fabric-protos/lib/peer/transaction_pb.js';
import ledgerPb from '@hyperledger/fabric-protos/lib/common/ledger_pb.js';
import queryPb from '@hyperledger/fabric-protos/lib/peer/query_pb.js';
import { Cscc } from '../../src/scc/cscc/cscc.js';
import { LifecycleScc } from '../../src/scc/lifecycle/lifecycle-scc.js';
import { Lscc } from '../../src/scc/lscc/lscc.js';
import { decodeCollections, LsccCollectionStore } from '../../src/scc/lscc/collection-config.js';
import { collectionConfigFromJson } from '../../src/client/collection-config-file.js';
import { PackageStore } from '../../src/chaincode/package-store.js';
import { ChaincodeDefinitions } from '../../src/peer/chaincode-definitions.js';
import { LsccDefinitionSource } from '../../src/chaincode/lscc-definition-source.js';
import { formatSignaturePolicy, parseSignaturePolicy, signedByAnyMember } from '../../src/policies/index.js';
import { ChaincodeData, ChaincodeDeploymentSpec, ChaincodeID, ChaincodeSpec } from '../../src/common/protos/peer.js';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Qscc } from '../../src/scc/qscc/qscc.js';
import type { SccAcl } from '../../src/scc/scc-acl.js';
import type { SystemChaincode } from '../../src/scc/system-chaincode.js';
import { createEndorserTxEnvelope, hashOfBlock, KvLedgerProvider, newBlock } from '../../src/ledger/index.js';
import { ChannelManager } from '../../src/peer/channel-manager.js';
import { ChannelRegistry } from '../../src/peer/channel-registry.js';
import { captureLogging } from '../helpers/capture-logging.js';
import { testConfigBlock } from '../helpers/channel-block.js';
import { tempDir } from '../helpers/temp-dir.js';
import { input, testStack } from '../helpers/stack.js';
import { commitWrites, testLedger } from '../helpers/test-ledger.js';

/** Every check passes: these tests are about what the SCCs do; test/endorser and test/cli/trust test who may. */
const allowAll: SccAcl = { checkACL: () => undefined };

/** Deploys the SCC in the real in-process VM and returns a way to invoke it like a client would. */
async function running(scc: SystemChaincode) {
  const stack = testStack();
  const ccci = stack.add(scc.name, scc.chaincode);
  let n = 0;
  return async (...args: Array<string | Uint8Array>) => {
    const chaincodeInput = input();
    chaincodeInput.setArgsList(args.map((a) => (typeof a === 'string' ? Buffer.from(a) : a)));
    const { response } = await stack.chaincodeSupport.execute(
      { txId: `tx${n++}`, channelId: '' },
      { name: scc.name, version: '1.0' },
      chaincodeInput,
      ccci,
    );
    return { status: response.getStatus(), message: response.getMessage(), payload: response.getPayload_asU8() };
  };
}

type Invoke = Awaited<ReturnType<typeof running>>;

function invokeBytes(invoke: Invoke, fn: string, arg: Uint8Array) {
  return invoke(fn, arg);
}

/** cscc over a real ledger store, with a channel manager whose SCC deployments are recorded. */
async function csccOnLedgers() {
  const { logging, lines } = captureLogging();
  const root = await tempDir('weft-cscc-');
  const provider = await KvLedgerProvider.start({ rootPath: root, sync: false });
  after(() => provider.close());
  const channels = new ChannelRegistry();
  const deployed: string[] = [];
  const manager = new ChannelManager({ channels, deployer: { deploySysCCs: async (id) => void deployed.push(id) }, genesisBlock: testConfigBlock, logging });
  await manager.loadAll(provider);
  const cscc = new Cscc({ channels: manager, acl: allowAll, logger: logging.logger('cscc') });
  return { cscc, invoke: await running(cscc), deployed, lines, provider };
}

describe('cscc', () => {
  test('Init logs "Init CSCC"; JoinChain creates the channel from its genesis block and deploys the SCCs on it', async () => {
    const { cscc, invoke, deployed, lines, provider } = await csccOnLedgers();
    assert.equal(cscc.init().status, 200);
    assert.match(lines[0] ?? '', /\[cscc\] Init -> INFO \w+ Init CSCC$/);
    const joined = await invokeBytes(invoke, 'JoinChain', (await testConfigBlock('alpha')).serializeBinary());
    assert.equal(joined.status, 200, joined.message);
    assert.deepEqual(deployed, ['alpha']);
    assert.deepEqual(await provider.list(), ['alpha']);
    const res = await invoke('GetChannels');
    const listed = queryPb.ChannelQueryResponse.deserializeBinary(res.payload).getChannelsList().map((c) => c.getChannelId());
    assert.deepEqual(listed, ['alpha']);
  });

  test('joining a channel twice, a bad block or no block are error responses naming the problem', async () => {
    const { invoke } = await csccOnLedgers();
    const block = (await testConfigBlock('beta')).serializeBinary();
    assert.equal((await invokeBytes(invoke, 'JoinChain', block)).status, 200);
    const again = await invokeBytes(invoke, 'JoinChain', block);
    assert.equal(again.status, 500);
    assert.equal(again.message, 'cannot create ledger from genesis block: ledger [beta] already exists');
    assert.equal((await invokeBytes(invoke, 'JoinChain', Buffer.from([0xff, 0xff, 0xff]))).message, 'Failed to reconstruct the genesis block, the bytes are not a common.Block protobuf');
    assert.equal((await invokeBytes(invoke, 'JoinChain', new Uint8Array())).message, 'Cannot join the channel <nil> configuration block provided');
    assert.equal((await invoke('JoinChain')).message, 'Incorrect number of arguments, 1');
  });

  test('GetConfigBlock answers the genesis block of a joined channel, and names an unknown one', async () => {
    const { invoke } = await csccOnLedgers();
    const genesis = await testConfigBlock('gamma');
    await invokeBytes(invoke, 'JoinChain', genesis.serializeBinary());
    const res = await invoke('GetConfigBlock', 'gamma');
    assert.equal(res.status, 200, res.message);
    const block = commonPb.Block.deserializeBinary(res.payload);
    assert.equal(block.getHeader()?.getNumber(), 0);
    assert.deepEqual(Buffer.from(block.getData()?.getDataList_asU8()[0] ?? []), Buffer.from(genesis.getData()?.getDataList_asU8()[0] ?? []));
    assert.equal((await invoke('GetConfigBlock', 'nochannel')).message, 'Unknown chain ID, nochannel');
  });

  test('unknown functions and missing arguments are error responses naming what was wrong', async () => {
    const { invoke } = await csccOnLedgers();
    assert.deepEqual(await invoke('Bogus', 'x'), { status: 500, message: 'Requested function Bogus not found.', payload: new Uint8Array() });
    assert.equal((await invoke()).message, 'Incorrect number of arguments, 0');
  });
});

describe('qscc', () => {
  test('GetChainInfo answers the BlockchainInfo of the channel ledger', async () => {
    const { logging, lines } = captureLogging();
    const { ledger } = await testLedger('chan');
    const expected = await ledger.getBlockchainInfo();
    const qscc = new Qscc({ ledgers: { getLedger: (id) => (id === 'chan' ? ledger : undefined) }, acl: allowAll, logger: logging.logger('qscc') });
    qscc.init();
    assert.match(lines[0] ?? '', /\[qscc\] Init -> INFO \w+ Init QSCC$/);
    const invoke = await running(qscc);
    const res = await invoke('GetChainInfo', 'chan');
    assert.equal(res.status, 200);
    const info = ledgerPb.BlockchainInfo.deserializeBinary(res.payload);
    assert.equal(info.getHeight(), expected.getHeight());
    assert.equal(info.getHeight(), 1);
    assert.equal(Buffer.from(info.getCurrentblockhash_asU8()).toString('hex'), Buffer.from(expected.getCurrentblockhash_asU8()).toString('hex'));
  });

  test('an unknown channel, an unknown function and too few arguments are error responses', async () => {
    const { logging } = captureLogging();
    const { ledger } = await testLedger('chan');
    const invoke = await running(new Qscc({ ledgers: { getLedger: (id) => (id === 'chan' ? ledger : undefined) }, acl: allowAll, logger: logging.logger('qscc') }));
    assert.equal((await invoke('GetChainInfo', 'nochan')).message, 'Invalid chain ID, nochan');
    assert.equal((await invoke('GetNothing', 'chan', 'x')).message, 'Requested function GetNothing not found.');
    assert.equal((await invoke('GetChainInfo')).message, 'Incorrect number of arguments, 1');
  });
});

describe('qscc blocks and transactions', () => {
  test('answer the marshalled block by number, by hash and by txid, and the processed transaction', async () => {
    const { logging } = captureLogging();
    const { ledger } = await testLedger('chan');
    const txId = await commitWrites(ledger, 'mycc', { a: '1' }).then(async (n) => {
      const block = await ledger.getBlockByNumber(n);
      return { n, block };
    });
    const invoke = await running(new Qscc({ ledgers: { getLedger: (id) => (id === 'chan' ? ledger : undefined) }, acl: allowAll, logger: logging.logger('qscc') }));
    const byNumber = await invoke('GetBlockByNumber', 'chan', String(txId.n));
    assert.equal(byNumber.status, 200, byNumber.message);
    const block = commonPb.Block.deserializeBinary(byNumber.payload);
    assert.equal(block.getHeader()?.getNumber(), 1);
    const hash = hashOfBlock(block);
    const byHash = await invoke('GetBlockByHash', 'chan', hash);
    assert.equal(commonPb.Block.deserializeBinary(byHash.payload).getHeader()?.getNumber(), 1);
    const envelope = commonPb.Envelope.deserializeBinary(block.getData()?.getDataList_asU8()[0] ?? new Uint8Array());
    const header = commonPb.ChannelHeader.deserializeBinary(
      commonPb.Header.deserializeBinary(commonPb.Payload.deserializeBinary(envelope.getPayload_asU8()).getHeader()?.serializeBinary() ?? new Uint8Array()).getChannelHeader_asU8(),
    );
    const id = header.getTxId();
    const tx = await invoke('GetTransactionByID', 'chan', id);
    assert.equal(tx.status, 200, tx.message);
    const processed = transactionPb.ProcessedTransaction.deserializeBinary(tx.payload);
    assert.equal(processed.getValidationcode(), 0);
    assert.deepEqual(Buffer.from(processed.getTransactionenvelope()?.serializeBinary() ?? []), Buffer.from(envelope.serializeBinary()));
    const byTx = await invoke('GetBlockByTxID', 'chan', id);
    assert.equal(commonPb.Block.deserializeBinary(byTx.payload).getHeader()?.getNumber(), 1);
  });

  test('a missing block or txid, a bad number and a missing argument are error responses', async () => {
    const { logging } = captureLogging();
    const { ledger } = await testLedger('chan');
    const invoke = await running(new Qscc({ ledgers: { getLedger: () => ledger }, acl: allowAll, logger: logging.logger('qscc') }));
    assert.equal((await invoke('GetBlockByNumber', 'chan', '7')).message, 'Failed to get block number 7, error no such block number [7] in index');
    assert.match((await invoke('GetBlockByNumber', 'chan', 'seven')).message, /^Failed to parse block number with error .*"seven"/);
    assert.match((await invoke('GetTransactionByID', 'chan', 'nope')).message, /^Failed to get transaction with id nope, error .*nope/);
    assert.match((await invoke('GetBlockByTxID', 'chan', 'nope')).message, /^Failed to get block for txID nope, error /);
    assert.match((await invoke('GetBlockByHash', 'chan', Buffer.from('00ff', 'hex'))).message, /^Failed to get block hash 00ff, error no such block hash/);
    assert.equal((await invoke('GetBlockByNumber', 'chan')).message, 'missing 3rd argument for GetBlockByNumber');
  });
});

/**
 * lscc with a real package store and channel ledger, invoked on that channel like the endorser
 * does; the channel has the 1.4 lifecycle unless other Application capabilities are given.
 */
async function lsccOnChannel(capabilities: readonly string[] = ['V1_4_2']) {
  const { logging, lines } = captureLogging();
  const packages = await PackageStore.open({ root: join(await tempDir('weft-pkgs-'), 'chaincodes') });
  const { ledger } = await testLedger('chan');
  const lscc = new Lscc({ packages, definitions: new ChaincodeDefinitions({ getLedger: () => ledger }), acl: allowAll, logger: logging.logger('lscc'), applicationMspIds: () => ['Org1MSP'], applicationCapabilities: () => capabilities });
  const stack = testStack();
  const ccci = stack.add('lscc', lscc);
  let n = 0;
  const invoke = async (channelId: string, ...args: Array<string | Uint8Array>) => {
    const txId = `lscc${n++}`;
    const sim = channelId === '' ? undefined : await ledger.newTxSimulator(txId);
    const chaincodeInput = input();
    chaincodeInput.setArgsList(args.map((a) => (typeof a === 'string' ? Buffer.from(a) : a)));
    const { response } = await stack.chaincodeSupport.execute({ txId, channelId, txSimulator: sim }, { name: 'lscc', version: '1.0' }, chaincodeInput, ccci);
    const writes = sim?.getTxSimulationResults().namespaces.flatMap((ns) => ns.writes.map((w) => `${ns.namespace}/${w.key}`)) ?? [];
    sim?.done();
    return { status: response.getStatus(), message: response.getMessage(), payload: response.getPayload_asU8(), writes };
  };
  return { invoke, packages, lines, ledger };
}

async function deploymentSpec(name: string, version: string, files: Record<string, string> = { 'package.json': '{"name":"x","scripts":{"start":"node index.js"}}', 'index.js': '' }): Promise<Uint8Array> {
  const dir = await tempDir('weft-src-');
  for (const [file, text] of Object.entries(files)) await writeFile(join(dir, file), text);
  const { c } = await import('tar');
  const chunks: Buffer[] = [];
  for await (const chunk of c({ gzip: true, cwd: dir, portable: true }, Object.keys(files))) chunks.push(Buffer.from(chunk as Uint8Array));
  const id = new ChaincodeID();
  id.setName(name);
  id.setVersion(version);
  const spec = new ChaincodeSpec();
  spec.setType(2);
  spec.setChaincodeId(id);
  spec.setInput(input('init', 'a'));
  const cds = new ChaincodeDeploymentSpec();
  cds.setChaincodeSpec(spec);
  cds.setCodePackage(Buffer.concat(chunks));
  return cds.serializeBinary();
}

describe('lscc and _lifecycle', () => {
  test('install stores the package; getinstalledchaincodes lists it; installing it again is refused', async () => {
    const { invoke, packages } = await lsccOnChannel();
    const cds = await deploymentSpec('mycc', '1.0');
    const res = await invoke('', 'install', cds);
    assert.equal(res.status, 200, res.message);
    assert.ok(packages.sourceDir({ name: 'mycc', version: '1.0' }));
    const listed = queryPb.ChaincodeQueryResponse.deserializeBinary((await invoke('', 'getinstalledchaincodes')).payload).getChaincodesList();
    assert.deepEqual(listed.map((c) => `${c.getName()}:${c.getVersion()}`), ['mycc:1.0']);
    assert.equal((await invoke('', 'install', cds)).message, "chaincode with name 'mycc' and version '1.0' already exists");
  });

  test('install refuses a bad name, a package that is not a tar.gz, and one without package.json', async () => {
    const { invoke } = await lsccOnChannel();
    assert.match((await invoke('', 'install', await deploymentSpec('bad name', '1'))).message, /^invalid chaincode name 'bad name'/);
    assert.match((await invoke('', 'install', await deploymentSpec('nopkg', '1', { 'index.js': '' }))).message, /has no package\.json/);
    const notTar = ChaincodeDeploymentSpec.deserializeBinary(await deploymentSpec('junk', '1'));
    notTar.setCodePackage(Buffer.from('not a tarball'));
    assert.match((await invoke('', 'install', notTar.serializeBinary())).message, /is not a gzipped tar archive/);
    assert.equal((await invoke('', 'install', Buffer.from([0xff, 0xff]))).message, 'the chaincode deployment spec is not a ChaincodeDeploymentSpec protobuf');
  });

  test('on a channel with the 2.x lifecycle (V2_0 and later), lscc is read-only: deploy and upgrade are refused with Fabric\'s words', async () => {
    for (const capability of ['V2_0', 'V2_5']) {
      const { invoke } = await lsccOnChannel([capability]);
      const cds = await deploymentSpec('mycc', '1.0');
      assert.equal((await invoke('', 'install', cds)).status, 200);
      for (const fn of ['deploy', 'upgrade']) {
        const refused = await invoke('chan', fn, 'chan', cds);
        assert.deepEqual([refused.status, refused.message, refused.writes], [500, "Channel 'chan' has been migrated to the new lifecycle, LSCC is now read-only", []]);
      }
      // Its queries still answer.
      assert.equal((await invoke('chan', 'getchaincodes')).status, 200);
    }
  });

  test('deploy records the definition in lscc\'s namespace; getccdata and getchaincodes read it back', async () => {
    const { invoke, ledger } = await lsccOnChannel();
    const cds = await deploymentSpec('mycc', '1.0');
    assert.match((await invoke('chan', 'deploy', 'chan', cds)).message, /^cannot get package for chaincode \(mycc:1.0\)/);
    await invoke('', 'install', cds);
    const deployed = await invoke('chan', 'deploy', 'chan', cds);
    assert.equal(deployed.status, 200, deployed.message);
    assert.deepEqual(deployed.writes, ['lscc/mycc']);
    // Commit the definition as the orderer would, then read it back.
    const sim = await ledger.newTxSimulator('commit-def');
    sim.setState('lscc', 'mycc', deployed.payload);
    const results = sim.getTxSimulationResults();
    sim.done();
    const info = await ledger.getBlockchainInfo();
    await ledger.commit(newBlock({ number: info.getHeight(), previousHash: info.getCurrentblockhash_asU8(), envelopes: [createEndorserTxEnvelope({ channelId: 'chan', txId: 'commit-def', results, chaincodeName: 'lscc' })] }));
    const data = await invoke('chan', 'getccdata', 'chan', 'mycc');
    assert.equal(data.status, 200, data.message);
    const listed = queryPb.ChaincodeQueryResponse.deserializeBinary((await invoke('chan', 'getchaincodes')).payload).getChaincodesList();
    assert.deepEqual(listed.map((c) => `${c.getName()}:${c.getVersion()}`), ['mycc:1.0']);
    assert.equal((await invoke('chan', 'deploy', 'chan', cds)).message, "chaincode with name 'mycc' already exists");
    assert.equal((await invoke('chan', 'getccdata', 'chan', 'other')).message, "could not find chaincode with name 'other'");
  });

  test("deploy records the endorsement policy given (-P), or a member of any channel organisation, and the definition source reads it", async () => {
    const { invoke, ledger } = await lsccOnChannel();
    const given = await deploymentSpec('withpolicy', '1.0');
    const defaulted = await deploymentSpec('nopolicy', '1.0');
    await invoke('', 'install', given);
    await invoke('', 'install', defaulted);
    const policy = parseSignaturePolicy("AND('Org1MSP.peer','Org2MSP.peer')").serializeBinary();
    const withPolicy = await invoke('chan', 'deploy', 'chan', given, policy, 'escc', 'vscc');
    assert.equal(withPolicy.status, 200, withPolicy.message);
    assert.deepEqual(ChaincodeData.deserializeBinary(withPolicy.payload).getPolicy()?.serializeBinary(), policy);
    const withoutPolicy = await invoke('chan', 'deploy', 'chan', defaulted);
    assert.equal(withoutPolicy.status, 200, withoutPolicy.message);
    const recorded = ChaincodeData.deserializeBinary(withoutPolicy.payload).getPolicy();
    assert.ok(recorded !== undefined);
    assert.equal(formatSignaturePolicy(recorded), "OR('Org1MSP.member')");
    assert.deepEqual(recorded.serializeBinary(), signedByAnyMember(['Org1MSP']).serializeBinary());
    const bad = await invoke('chan', 'deploy', 'chan', defaulted, Buffer.from([0xff, 0xff]), 'escc', 'vscc');
    assert.match(bad.message, /^invalid endorsement policy: /);

    const sim = await ledger.newTxSimulator('commit-defs');
    sim.setState('lscc', 'withpolicy', withPolicy.payload);
    const results = sim.getTxSimulationResults();
    sim.done();
    const info = await ledger.getBlockchainInfo();
    await ledger.commit(newBlock({ number: info.getHeight(), previousHash: info.getCurrentblockhash_asU8(), envelopes: [createEndorserTxEnvelope({ channelId: 'chan', txId: 'commit-defs', results, chaincodeName: 'lscc' })] }));
    const source = new LsccDefinitionSource({ ledgers: { getLedger: (id) => (id === 'chan' ? ledger : undefined) } });
    assert.deepEqual(await source.definition('chan', 'withpolicy'), { name: 'withpolicy', version: '1.0', endorsementPolicy: policy, validationPlugin: 'vscc', endorsementPlugin: 'escc' });
    assert.equal(await source.definition('chan', 'nopolicy'), undefined);
    assert.equal(await source.definition('other', 'withpolicy'), undefined);
  });

  test('deploy with a collection configuration records it beside the definition; GetCollectionsConfig reads it back', async () => {
    const { invoke, ledger } = await lsccOnChannel();
    const cds = await deploymentSpec('pdc', '1.0');
    await invoke('', 'install', cds);
    const config = collectionConfigFromJson(JSON.stringify([{ name: 'secrets', policy: "OR('SampleOrg.member')", maxPeerCount: 2, blockToLive: 5 }]));
    const args = ['deploy', 'chan', cds, new Uint8Array(), 'escc', 'vscc'] as const;
    const dup = collectionConfigFromJson(JSON.stringify([{ name: 'a', policy: "OR('X.member')" }, { name: 'a', policy: "OR('Y.member')" }]));
    assert.equal((await invoke('chan', ...args, dup)).message, 'collection-name: a -- found duplicate collection configuration');
    const badName = collectionConfigFromJson(JSON.stringify([{ name: 'no spaces', policy: "OR('X.member')" }]));
    assert.equal((await invoke('chan', ...args, badName)).message, 'collection-name: no spaces not allowed. A valid collection name follows the pattern: [A-Za-z0-9_-]+');
    assert.match((await invoke('chan', ...args, Buffer.from([0xff]))).message, /^invalid collection configuration supplied for chaincode pdc:1\.0/);

    const deployed = await invoke('chan', ...args, config);
    assert.equal(deployed.status, 200, deployed.message);
    assert.deepEqual(deployed.writes, ['lscc/pdc', 'lscc/pdc~collection']);
    const sim = await ledger.newTxSimulator('commit-pdc');
    sim.setState('lscc', 'pdc', deployed.payload);
    sim.setState('lscc', 'pdc~collection', config);
    const results = sim.getTxSimulationResults();
    sim.done();
    const info = await ledger.getBlockchainInfo();
    await ledger.commit(newBlock({ number: info.getHeight(), previousHash: info.getCurrentblockhash_asU8(), envelopes: [createEndorserTxEnvelope({ channelId: 'chan', txId: 'commit-pdc', results, chaincodeName: 'lscc' })] }));

    const read = await invoke('chan', 'GetCollectionsConfig', 'pdc');
    assert.equal(read.status, 200, read.message);
    assert.deepEqual(decodeCollections(read.payload), [
      { name: 'secrets', memberOrgs: ['SampleOrg'], requiredPeerCount: 0, maximumPeerCount: 2, blockToLive: 5, memberOnlyRead: false, memberOnlyWrite: false },
    ]);
    assert.equal((await invoke('chan', 'GetCollectionsConfig', 'other')).message, 'collections config not defined for chaincode other');
    const listed = queryPb.ChaincodeQueryResponse.deserializeBinary((await invoke('chan', 'getchaincodes')).payload).getChaincodesList();
    assert.deepEqual(listed.map((c) => c.getName()), ['pdc'], 'the collection configuration is not listed as a chaincode');

    const store = new LsccCollectionStore('SampleOrg');
    const qe = await ledger.newQueryExecutor();
    const infos = await store.collections('pdc', (ns, key) => qe.getState(ns, key));
    assert.deepEqual([...(infos ?? [])], [['secrets', { name: 'secrets', blockToLive: 5, memberOfThisPeer: true }]]);
    assert.equal((await new LsccCollectionStore('Org2MSP').collections('pdc', (ns, key) => qe.getState(ns, key)))?.get('secrets')?.memberOfThisPeer, false);
    assert.equal(await store.collections('other', (ns, key) => qe.getState(ns, key)), undefined);
    qe.done();
  });

  test('upgrade moves a defined chaincode to another installed version; existing collections must stay, with their blockToLive', async () => {
    const { invoke, ledger } = await lsccOnChannel();
    const v1 = await deploymentSpec('up', '1.0');
    const v2 = await deploymentSpec('up', '2.0');
    await invoke('', 'install', v1);
    await invoke('', 'install', v2);
    const rest = [new Uint8Array(), 'escc', 'vscc'] as const;
    const collections = (json: unknown[]) => collectionConfigFromJson(JSON.stringify(json));
    const a = { name: 'a', policy: "OR('SampleOrg.member')", blockToLive: 10 };
    const b = { name: 'b', policy: "OR('SampleOrg.member')" };
    assert.equal((await invoke('chan', 'upgrade', 'chan', v2, ...rest)).message, "could not find chaincode with name 'up'");

    const deployed = await invoke('chan', 'deploy', 'chan', v1, ...rest, collections([a]));
    assert.equal(deployed.status, 200, deployed.message);
    const sim = await ledger.newTxSimulator('commit-up');
    sim.setState('lscc', 'up', deployed.payload);
    sim.setState('lscc', 'up~collection', collections([a]));
    const results = sim.getTxSimulationResults();
    sim.done();
    const info = await ledger.getBlockchainInfo();
    await ledger.commit(newBlock({ number: info.getHeight(), previousHash: info.getCurrentblockhash_asU8(), envelopes: [createEndorserTxEnvelope({ channelId: 'chan', txId: 'commit-up', results, chaincodeName: 'lscc' })] }));

    assert.equal((await invoke('chan', 'upgrade', 'chan', v1, ...rest)).message, "version already exists for chaincode with name 'up'");
    assert.equal(
      (await invoke('chan', 'upgrade', 'chan', v2, ...rest, collections([b]))).message,
      'the following existing collections are missing in the new collection configuration package: [a]',
    );
    assert.equal(
      (await invoke('chan', 'upgrade', 'chan', v2, ...rest, collections([{ ...a, blockToLive: 5 }, b]))).message,
      'the BlockToLive in an existing collection [a] modified. Existing value [10]',
    );
    const kept = await invoke('chan', 'upgrade', 'chan', v2, ...rest);
    assert.equal(kept.status, 200, kept.message);
    assert.deepEqual(kept.writes, ['lscc/up'], 'without a new configuration the collections stay as they are');
    const added = await invoke('chan', 'upgrade', 'chan', v2, ...rest, collections([a, b]));
    assert.deepEqual(added.writes, ['lscc/up', 'lscc/up~collection']);
    assert.equal(ChaincodeData.deserializeBinary(added.payload).getVersion(), '2.0');
  });

  test('lscc names an unknown function and missing arguments', async () => {
    const { invoke } = await lsccOnChannel();
    assert.equal((await invoke('', 'bogus')).message, 'invalid function to lscc: bogus');
    assert.equal((await invoke('')).message, 'Incorrect number of arguments, 0');
    assert.equal((await invoke('', 'install')).message, 'Incorrect number of arguments, 1');
  });

  test('_lifecycle names a wrong argument count and an unknown function', async () => {
    const { logging } = captureLogging();
    const invoke = await running(
      new LifecycleScc({
        localMspId: 'SampleOrg',
        packages: { install: async () => ({ packageId: '', label: '' }), get: () => undefined, list: () => [], load: async () => undefined },
        channel: () => undefined,
        definedNamespaces: async () => [],
        acl: { checkACL: () => undefined },
        logger: logging.logger('lifecycle'),
      }),
    );
    assert.equal((await invoke()).message, 'lifecycle scc must be invoked with arguments');
    assert.equal((await invoke('QueryInstalledChaincodes')).message, 'lifecycle scc operations require exactly two arguments but received 1');
    const res = await invoke('Bogus', new Uint8Array());
    assert.equal(res.status, 500);
    assert.equal(res.message, "failed to invoke backing implementation of 'Bogus': no such function of _lifecycle");
  });
});

describe('system chaincodes check the ACL of each function on the proposal they run for', () => {
  /** Records what was checked, and refuses everything with the ACL provider's words. */
  function refusing() {
    const checked: Array<[string, string]> = [];
    const acl: SccAcl = {
      checkACL: (resource, channelId) => {
        checked.push([resource, channelId]);
        throw new Error(`policy for [${resource}] not satisfied`);
      },
    };
    return { acl, checked };
  }

  test('qscc: each function is its own resource on the channel it reads; a refusal names function and channel', async () => {
    const { logging } = captureLogging();
    const { ledger } = await testLedger('chan');
    const { acl, checked } = refusing();
    const invoke = await running(new Qscc({ ledgers: { getLedger: () => ledger }, acl, logger: logging.logger('qscc') }));
    const res = await invoke('GetChainInfo', 'chan');
    assert.equal(res.status, 500);
    assert.equal(res.message, 'access denied for [GetChainInfo][chan]: [policy for [qscc/GetChainInfo] not satisfied]');
    assert.equal(res.payload.length, 0);
    await invoke('GetBlockByNumber', 'chan', '0');
    assert.deepEqual(checked, [['qscc/GetChainInfo', 'chan'], ['qscc/GetBlockByNumber', 'chan']]);
  });

  test('cscc: JoinChain and GetChannels are the peer’s own (no channel); nothing is joined when refused', async () => {
    const { logging } = captureLogging();
    const root = await tempDir('weft-cscc-');
    const provider = await KvLedgerProvider.start({ rootPath: root, sync: false });
    after(() => provider.close());
    const manager = new ChannelManager({ channels: new ChannelRegistry(), deployer: { deploySysCCs: async () => undefined }, genesisBlock: testConfigBlock, logging });
    await manager.loadAll(provider);
    const { acl, checked } = refusing();
    const invoke = await running(new Cscc({ channels: manager, acl, logger: logging.logger('cscc') }));
    const joined = await invoke('JoinChain', (await testConfigBlock('delta')).serializeBinary());
    assert.equal(joined.message, 'access denied for [JoinChain][]: [policy for [cscc/JoinChain] not satisfied]');
    assert.deepEqual(await provider.list(), []);
    assert.equal((await invoke('GetChannels')).message, 'access denied for [GetChannels]: policy for [cscc/GetChannels] not satisfied');
    assert.deepEqual(checked, [['cscc/JoinChain', ''], ['cscc/GetChannels', '']]);
  });

  test('lscc: install is the peer’s own, deploy a proposal to the channel; nothing is installed when refused', async () => {
    const { logging } = captureLogging();
    const { ledger } = await testLedger('chan');
    const packages = await PackageStore.open({ root: await tempDir('weft-pkg-') });
    const { acl, checked } = refusing();
    const invoke = await running(new Lscc({ packages, definitions: new ChaincodeDefinitions({ getLedger: () => ledger }), acl, logger: logging.logger('lscc'), applicationMspIds: () => ['Org1MSP'], applicationCapabilities: () => ['V1_4_2'] }));
    const res = await invoke('install', new Uint8Array([1]));
    assert.equal(res.message, 'access denied for [install]: policy for [lscc/Install] not satisfied');
    assert.deepEqual(packages.list(), []);
    await invoke('getchaincodes');
    assert.deepEqual(checked, [['lscc/Install', ''], ['lscc/GetInstantiatedChaincodes', '']]);
  });
});
