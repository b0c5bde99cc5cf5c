import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Contract, Network } from '@hyperledger/fabric-gateway';
import { defaultCryptoDir, defaultUserIdentity } from '../../src/msp/default-identities.js';
import { peer as peerPb, common } from '../../src/ledger/protos.js';
import { fixtureSource } from '../helpers/chaincode-fixture.js';
import { freePort } from '../helpers/free-ports.js';
import { connectGateway, type GatewayConnection } from '../helpers/gateway-client.js';
import { runWeft, startPeerProcess, type WeftProcess } from '../helpers/weft-process.js';

const CHANNEL = 'mychannel';
const SUBMITS = 500;
const IN_FLIGHT = 8;


/** Every transaction ID in the channel's blocks up to `height`, with how often it appears and whether it is valid. */
async function ledgerTransactions(network: Network, height: bigint): Promise<Map<string, { count: number; valid: boolean }>> {
  const found = new Map<string, { count: number; valid: boolean }>();
  const blocks = await network.getBlockEvents({ startBlock: 0n });
  try {
    for await (const block of blocks) {
      const flags = block.getMetadata()?.getMetadataList_asU8()[common.BlockMetadataIndex.TRANSACTIONS_FILTER] ?? new Uint8Array(0);
      block.getData()?.getDataList_asU8().forEach((bytes, i) => {
        const header = common.Payload.deserializeBinary(common.Envelope.deserializeBinary(bytes).getPayload_asU8()).getHeader();
        const txId = common.ChannelHeader.deserializeBinary(header?.getChannelHeader_asU8() ?? new Uint8Array(0)).getTxId();
        const seen = found.get(txId) ?? { count: 0, valid: false };
        found.set(txId, { count: seen.count + 1, valid: seen.valid || flags[i] === peerPb.TxValidationCode.VALID });
      });
      if (BigInt(block.getHeader()?.getNumber() ?? 0) + 1n >= height) break;
    }
  } finally {
    blocks.close();
  }
  return found;
}

describe('the Gateway across a peer restart', () => {
  let peer: WeftProcess;
  let env: NodeJS.ProcessEnv;
  let user1: GatewayConnection;
  let contract: Contract;

  before(async () => {
    const port = await freePort();
    let client: NodeJS.ProcessEnv;
    ({ peer, client } = await startPeerProcess(['--join', CHANNEL, '--application-capability', 'V1_4_2'], { CORE_PEER_LISTENADDRESS: `127.0.0.1:${port}` }));
    env = { CORE_PEER_LISTENADDRESS: `127.0.0.1:${port}`, CORE_PEER_FILESYSTEMPATH: client.CORE_PEER_FILESYSTEMPATH };
    assert.equal((await runWeft(['chaincode', 'install', fixtureSource('asset-contract'), '-n', 'assets', '-v', '1.0', '-l', 'node'], client)).code, 0);
    const inst = await runWeft(['chaincode', 'instantiate', '-C', CHANNEL, '-n', 'assets', '-v', '1.0', '-c', '{"Args":[]}'], client);
    assert.equal(inst.code, 0, inst.stderr);
    const cryptoDir = defaultCryptoDir(client.CORE_PEER_FILESYSTEMPATH ?? '');
    user1 = await connectGateway({ address: `127.0.0.1:${port}`, mspId: 'Org1MSP', mspDir: defaultUserIdentity(cryptoDir, 'User1').mspDir });
    contract = user1.gateway.getNetwork(CHANNEL).getContract('assets');
  });

  after(async () => {
    user1.close();
    await peer.stop();
  });

  test(`${SUBMITS} submits with the peer killed and restarted midway: every acknowledged transaction is committed exactly once`, async () => {
    const acknowledged: string[] = [];
    let failures = 0;
    let next = 0;
    let restarted = false;
    const restart = async (): Promise<void> => {
      await peer.stop('SIGKILL');
      ({ peer } = await startPeerProcess([], env));
      restarted = true;
    };
    let restarting: Promise<void> | undefined;
    const worker = async (): Promise<void> => {
      while (next < SUBMITS) {
        const i = next++;
        if (i === Math.floor(SUBMITS / 3)) restarting = restart();
        try {
          const submitted = await contract.submitAsync('CreateAsset', { arguments: [`r${i}`, 'x'] });
          const status = await submitted.getStatus();
          if (status.successful) acknowledged.push(submitted.getTransactionId());
          else failures++;
        } catch {
          // Refused or cut off while the peer was down: not acknowledged; on to the next once the
          // peer is back, however long its restart takes on a busy machine.
          failures++;
          await new Promise((resolve) => setTimeout(resolve, 50));
          await restarting;
        }
      }
    };
    await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
    await restarting;
    assert.ok(restarted);
    assert.ok(acknowledged.length > SUBMITS / 2, `${acknowledged.length} acknowledged, ${failures} failed`);

    const network = user1.gateway.getNetwork(CHANNEL);
    // One more transaction: its block is the chain's last, up to which the chain is read.
    const last = await contract.submitAsync('CreateAsset', { arguments: ['last', 'x'] });
    const { blockNumber } = await last.getStatus();
    const onLedger = await ledgerTransactions(network, blockNumber + 1n);
    for (const txId of acknowledged) {
      assert.deepEqual(onLedger.get(txId), { count: 1, valid: true }, `transaction ${txId}`);
    }
    for (const [txId, { count }] of onLedger) assert.equal(count, 1, `transaction ${txId} is in the chain ${count} times`);
  });
});
