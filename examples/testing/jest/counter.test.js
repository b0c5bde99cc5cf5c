import { startTestNetwork } from 'weft/testing';
import { CounterContract } from '../contract/counter-contract.js';

const text = (bytes) => Buffer.from(bytes).toString();

describe('CounterContract (Jest)', () => {
  let network;
  let contract;

  beforeAll(async () => {
    network = await startTestNetwork({ chaincodes: [{ name: 'counter', contracts: [CounterContract] }] });
    const gateway = await network.gateway({ org: 'Org1MSP', user: 'User1' });
    contract = gateway.getNetwork('mychannel').getContract('counter');
  }, 60_000);

  afterAll(async () => {
    await network?.close();
  });

  test('counts, and the count is committed to the ledger', async () => {
    expect(text(await contract.submitTransaction('Increment', 'pears'))).toBe('1');
    expect(text(await contract.submitTransaction('Increment', 'pears'))).toBe('2');
    expect(text(await network.getState('counter', 'pears'))).toBe('2');
  }, 60_000);
});
