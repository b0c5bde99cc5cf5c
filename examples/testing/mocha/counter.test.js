import assert from 'node:assert/strict';
import { startTestNetwork } from 'weft/testing';
import { CounterContract } from '../contract/counter-contract.js';

const text = (bytes) => Buffer.from(bytes).toString();

describe('CounterContract (Mocha)', function () {
  let network;
  let contract;

  before(async function () {
    network = await startTestNetwork({ chaincodes: [{ name: 'counter', contracts: [CounterContract] }] });
    const gateway = await network.gateway({ org: 'Org1MSP', user: 'User1' });
    contract = gateway.getNetwork('mychannel').getContract('counter');
  });

  after(async function () {
    await network?.close();
  });

  it('counts, and the count is committed to the ledger', async function () {
    assert.equal(text(await contract.submitTransaction('Increment', 'apples')), '1');
    assert.equal(text(await contract.submitTransaction('Increment', 'apples')), '2');
    assert.equal(text(await contract.evaluateTransaction('Get', 'apples')), '2');
    assert.equal(text(await network.getState('counter', 'apples')), '2');
  });
});
