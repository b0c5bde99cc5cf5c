import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { test } from 'node:test';

// The classes @hyperledger/fabric-protos generates register themselves on one global namespace, so
// two copies of it in one process overwrite each other's classes: the copy loaded last serializes
// the other's messages, and a field one copy lacks (SeekInfo's content_type before 0.3) throws.
// A test process holds weft/testing and the application's @hyperledger/fabric-gateway together.
// This file loads nothing else first, so that the order below is the order the process sees.
const require = createRequire(import.meta.url);

test('weft/testing and the fabric-gateway client resolve one copy of @hyperledger/fabric-protos', () => {
  const gatewayDir = dirname(require.resolve('@hyperledger/fabric-gateway/package.json'));
  const theirs = createRequire(`${gatewayDir}/`).resolve('@hyperledger/fabric-protos');
  assert.equal(theirs, require.resolve('@hyperledger/fabric-protos'));
});

test("a test network commits when Weft's orderer messages were loaded before the Gateway client", { timeout: 120_000 }, async () => {
  // Weft's Deliver messages first, as a process that used Weft's clients before has them; then the Gateway client.
  await import('@hyperledger/fabric-protos/lib/orderer/ab_pb.js');
  await import('@hyperledger/fabric-gateway');
  const { installedFixture } = await import('../helpers/chaincode-fixture.js');
  const { startTestNetwork } = await import('../../src/testing/index.js');
  const network = await startTestNetwork({ chaincodes: [{ name: 'assets', path: await installedFixture('asset-contract') }] });
  try {
    const gateway = await network.gateway({ org: 'Org1MSP', user: 'User1' });
    const assets = gateway.getNetwork('mychannel').getContract('assets');
    await assets.submitTransaction('CreateAsset', 'a1', 'alice');
    assert.match(Buffer.from(await assets.evaluateTransaction('ReadAsset', 'a1')).toString(), /alice/);
  } finally {
    await network.close();
  }
});
