import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import commonPb from '@hyperledger/fabric-protos/lib/common/common_pb.js';
import transactionPb from '@hyperledger/fabric-protos/lib/peer/transaction_pb.js';
import ledgerPb from '@hyperledger/fabric-protos/lib/common/ledger_pb.js';
import queryPb from '@hyperledger/fabric-protos/lib/peer/query_pb.js';
import { Cscc } from '../../src/scc/cscc/cscc.js';
import { LifecycleScc } from '../../src/scc/lifecycle/lifecycle-scc.js';
import { Lscc } from '../../src/scc/lscc/lscc.js';
import { Qscc } from '../../src/scc/qscc/qscc.js';
import type { SystemChaincode } from '../../src/scc/system-chaincode.js';
import { createGenesisBlock, hashOfBlock, KvLedgerProvider } from '../../src/ledger/index.js';
import { ChannelManager } from '../../src/peer/channel-manager.js';
import { ChannelRegistry } from '../../src/peer/channel-registry.js';
import { captureLogging } from '../helpers/capture-logging.js';
import { tempDir } from '../helpers/temp-dir.js';
import { input, testStack } from '../helpers/stack.js';
import { commitWrites, testLedger } from '../helpers/test-ledger.js';

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
  const manager = new ChannelManager({ channels, deployer: { deploySysCCs: async (id) => void deployed.push(id) }, logging });
  await manager.loadAll(provider);
  const cscc = new Cscc({ channels: manager, logger: logging.logger('cscc') });
  return { cscc, invoke: await running(cscc), deployed, lines, provider };
}

describe('cscc', () => {
  test('Init logs "Init CSCC"; JoinChain creates the channel from its genesis block and deploys the SCCs on it', async () => {
    const { cscc, invoke, deployed, lines, provider } = await csccOnLedgers();
    assert.equal((await cscc.init()).status, 200);
    assert.match(lines[0] ?? '', /\[cscc\] Init -> INFO \w+ Init CSCC$/);
    const joined = await invokeBytes(invoke, 'JoinChain', createGenesisBlock('alpha').serializeBinary());
    assert.equal(joined.status, 200, joined.message);
    assert.deepEqual(deployed, ['alpha']);
    assert.deepEqual(await provider.list(), ['alpha']);
    const res = await invoke('GetChannels');
    const listed = queryPb.ChannelQueryResponse.deserializeBinary(res.payload).getChannelsList().map((c) => c.getChannelId());
    assert.deepEqual(listed, ['alpha']);
  });

  test('joining a channel twice, a bad block or no block are error responses naming the problem', async () => {
    const { invoke } = await csccOnLedgers();
    const block = createGenesisBlock('beta').serializeBinary();
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
    const genesis = createGenesisBlock('gamma');
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
    const qscc = new Qscc({ ledgers: { getLedger: (id) => (id === 'chan' ? ledger : undefined) }, logger: logging.logger('qscc') });
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
    const invoke = await running(new Qscc({ ledgers: { getLedger: (id) => (id === 'chan' ? ledger : undefined) }, logger: logging.logger('qscc') }));
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
    const invoke = await running(new Qscc({ ledgers: { getLedger: (id) => (id === 'chan' ? ledger : undefined) }, logger: logging.logger('qscc') }));
    const byNumber = await invoke('GetBlockByNumber', 'chan', String(txId.n));
    assert.equal(byNumber.status, 200, byNumber.message);
    const block = commonPb.Block.deserializeBinary(byNumber.payload);
    assert.equal(block.getHeader()?.getNumber(), 1);
    const hash = hashOfBlock(block);
    const byHash = await invoke('GetBlockByHash', 'chan', hash);
    assert.equal(commonPb.Block.deserializeBinary(byHash.payload).getHeader()?.getNumber(), 1);
    const envelope = commonPb.Envelope.deserializeBinary(block.getData()!.getDataList_asU8()[0]!);
    const header = commonPb.ChannelHeader.deserializeBinary(
      commonPb.Header.deserializeBinary(commonPb.Payload.deserializeBinary(envelope.getPayload_asU8()).getHeader()!.serializeBinary()).getChannelHeader_asU8(),
    );
    const id = header.getTxId();
    const tx = await invoke('GetTransactionByID', 'chan', id);
    assert.equal(tx.status, 200, tx.message);
    const processed = transactionPb.ProcessedTransaction.deserializeBinary(tx.payload);
    assert.equal(processed.getValidationcode(), 0);
    assert.deepEqual(Buffer.from(processed.getTransactionenvelope()!.serializeBinary()), Buffer.from(envelope.serializeBinary()));
    const byTx = await invoke('GetBlockByTxID', 'chan', id);
    assert.equal(commonPb.Block.deserializeBinary(byTx.payload).getHeader()?.getNumber(), 1);
  });

  test('a missing block or txid, a bad number and a missing argument are error responses', async () => {
    const { logging } = captureLogging();
    const { ledger } = await testLedger('chan');
    const invoke = await running(new Qscc({ ledgers: { getLedger: () => ledger }, logger: logging.logger('qscc') }));
    assert.equal((await invoke('GetBlockByNumber', 'chan', '7')).message, 'Failed to get block number 7, error no such block number [7] in index');
    assert.match((await invoke('GetBlockByNumber', 'chan', 'seven')).message, /^Failed to parse block number with error .*"seven"/);
    assert.match((await invoke('GetTransactionByID', 'chan', 'nope')).message, /^Failed to get transaction with id nope, error .*nope/);
    assert.match((await invoke('GetBlockByTxID', 'chan', 'nope')).message, /^Failed to get block for txID nope, error /);
    assert.match((await invoke('GetBlockByHash', 'chan', Buffer.from('00ff', 'hex'))).message, /^Failed to get block hash 00ff, error no such block hash/);
    assert.equal((await invoke('GetBlockByNumber', 'chan')).message, 'missing 3rd argument for GetBlockByNumber');
  });
});

describe('lscc and _lifecycle', () => {
  test('lscc answers its chaincode queries with empty lists and names an unknown function', async () => {
    const invoke = await running(new Lscc());
    const res = await invoke('getchaincodes');
    assert.equal(res.status, 200);
    assert.equal(queryPb.ChaincodeQueryResponse.deserializeBinary(res.payload).getChaincodesList().length, 0);
    assert.equal((await invoke('deploy')).message, 'invalid function to lscc: deploy');
    assert.equal((await invoke()).message, 'Incorrect number of arguments, 0');
  });

  test('_lifecycle names an unknown function', async () => {
    const invoke = await running(new LifecycleScc());
    const res = await invoke('QueryInstalledChaincodes');
    assert.equal(res.status, 500);
    assert.equal(res.message, "unknown function 'QueryInstalledChaincodes' of _lifecycle");
  });
});
