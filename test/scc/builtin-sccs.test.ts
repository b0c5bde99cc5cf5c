import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import ledgerPb from '@hyperledger/fabric-protos/lib/common/ledger_pb.js';
import queryPb from '@hyperledger/fabric-protos/lib/peer/query_pb.js';
import { Cscc } from '../../src/scc/cscc/cscc.js';
import { LifecycleScc } from '../../src/scc/lifecycle/lifecycle-scc.js';
import { Lscc } from '../../src/scc/lscc/lscc.js';
import { Qscc } from '../../src/scc/qscc/qscc.js';
import type { SystemChaincode } from '../../src/scc/system-chaincode.js';
import { captureLogging } from '../helpers/capture-logging.js';
import { input, testStack } from '../helpers/stack.js';
import { testLedger } from '../helpers/test-ledger.js';

/** Deploys the SCC in the real in-process VM and returns a way to invoke it like a client would. */
async function running(scc: SystemChaincode) {
  const stack = testStack();
  const ccci = stack.add(scc.name, scc.chaincode);
  let n = 0;
  return async (...args: string[]) => {
    const { response } = await stack.chaincodeSupport.execute(
      { txId: `tx${n++}`, channelId: '' },
      { name: scc.name, version: '1.0' },
      input(...args),
      ccci,
    );
    return { status: response.getStatus(), message: response.getMessage(), payload: response.getPayload_asU8() };
  };
}

describe('cscc', () => {
  test('Init logs "Init CSCC"; GetChannels lists the channels the peer is on', async () => {
    const { logging, lines } = captureLogging();
    const channels = ['alpha', 'beta'];
    const cscc = new Cscc({ channels: { channelIds: () => channels }, logger: logging.logger('cscc') });
    assert.equal((await cscc.init()).status, 200);
    assert.match(lines[0] ?? '', /\[cscc\] Init -> INFO \w+ Init CSCC$/);
    const invoke = await running(cscc);
    const res = await invoke('GetChannels');
    assert.equal(res.status, 200);
    const listed = queryPb.ChannelQueryResponse.deserializeBinary(res.payload).getChannelsList().map((c) => c.getChannelId());
    assert.deepEqual(listed, ['alpha', 'beta']);
  });

  test('unknown functions and missing arguments are error responses naming what was wrong', async () => {
    const { logging } = captureLogging();
    const invoke = await running(new Cscc({ channels: { channelIds: () => [] }, logger: logging.logger('cscc') }));
    assert.deepEqual(await invoke('Bogus'), { status: 500, message: 'Requested function Bogus not found.', payload: new Uint8Array() });
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
    assert.equal((await invoke('GetNothing', 'chan')).message, 'Requested function GetNothing not found.');
    assert.equal((await invoke('GetChainInfo')).message, 'Incorrect number of arguments, 1');
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
