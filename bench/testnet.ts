// Testing library benchmark (weft/testing): what a test file pays for its network, all in this
// process. `testnet_start_ms`: startTestNetwork with the fabric-contract-api asset contract
// deployed in-process through `_lifecycle` (install, approve, commit: two blocks at the library's
// default BatchTimeout of 10ms), a Gateway connected as User1, and the first evaluate answered;
// the median of fresh networks after one warm-up. `testnet_start_cold_ms`: the same, the first
// time in the process (it loads fabric-gateway, fabric-shim and the chaincode). `testnet_tx_per_s`:
// one-get-one-put submits through the Gateway, each waited for until committed, 32 in flight; the
// median of rounds on one network once V8's optimising compiler has settled (a few thousand
// transactions); `testnet_cold_tx_per_s`, the first round on it, is what a short test file sees.
import type { Contract } from '@hyperledger/fabric-gateway';
import type { Benchmark, Report } from './harness.js';
import { median, runInFlight } from './harness.js';

const STARTS = 7;
const ROUNDS = 3;
const PER_ROUND = 320;
const IN_FLIGHT = 32;
// Transactions after the cold round before any is measured: enough for the compiler to settle.
const WARM_UP = 3000;

async function run(report: Report): Promise<void> {
  const { installedFixture } = await import('../test/helpers/chaincode-fixture.js');
  const path = await installedFixture('asset-contract');
  const t0 = performance.now();
  const { startTestNetwork } = await import('../src/testing/index.js');
  const importMs = performance.now() - t0;
  const start = async (): Promise<{ ms: number; contract: Contract; close(): Promise<void> }> => {
    const t = performance.now();
    const network = await startTestNetwork({ chaincodes: [{ name: 'assets', path }] });
    const contract = (await network.gateway({ org: 'Org1MSP', user: 'User1' })).getNetwork('mychannel').getContract('assets');
    await contract.evaluateTransaction('GetAllAssets');
    return { ms: performance.now() - t, contract, close: () => network.close() };
  };
  const cold = await start();
  report('testnet_start_cold_ms', importMs + cold.ms, 'ms');
  await cold.close();

  const times: number[] = [];
  for (let i = 0; i < STARTS; i++) {
    const warm = await start();
    times.push(warm.ms);
    await warm.close();
  }
  report('testnet_start_ms', median(times), 'ms');

  const network = await start();
  try {
    let key = 0;
    const one = async (): Promise<void> => {
      await network.contract.submitTransaction('GetPut', `k${String(key++)}`);
    };
    report('testnet_cold_tx_per_s', (await runInFlight(one, IN_FLIGHT, PER_ROUND)).perSecond, 'tx/s');
    await runInFlight(one, IN_FLIGHT, WARM_UP);
    const rates: number[] = [];
    for (let round = 0; round < ROUNDS; round++) rates.push((await runInFlight(one, IN_FLIGHT, PER_ROUND)).perSecond);
    report('testnet_tx_per_s', median(rates), 'tx/s');
  } finally {
    await network.close();
  }
}

export const testnetBenchmark: Benchmark = { name: 'testnet', run };
