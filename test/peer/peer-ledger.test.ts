import assert from 'node:assert/strict';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import commonPb from '@hyperledger/fabric-protos/lib/common/common_pb.js';
import { EndorserClient } from '../../src/client/endorser-client.js';
import { createSignedProposal } from '../../src/client/signed-proposal.js';
import { loadCoreConfig } from '../../src/common/config/load-core-config.js';
import { BlockchainInfo } from '../../src/common/protos/common.js';
import { HeaderType } from '../../src/common/protos/proposal.js';
import { Peer } from '../../src/peer/peer.js';
import { WEFT_VERSION } from '../../src/version.js';
import { captureLogging } from '../helpers/capture-logging.js';
import { defaultUser } from '../helpers/default-identities.js';
import { tempDir } from '../helpers/temp-dir.js';
import { commitWrites } from '../helpers/test-ledger.js';

async function startPeer(root: string, join: string[] = []) {
  const config = await loadCoreConfig({
    env: { CORE_PEER_FILESYSTEMPATH: root, CORE_PEER_CHAINCODELISTENADDRESS: '127.0.0.1:0', CORE_PEER_LISTENADDRESS: '127.0.0.1:0', CORE_PEER_ORDERER_LISTENADDRESS: '127.0.0.1:0', CORE_PEER_ORDERER_ADMINLISTENADDRESS: '127.0.0.1:0' },
  });
  return Peer.start({ config, logging: captureLogging().logging, version: WEFT_VERSION, join });
}

/** Asks the peer's qscc through its Endorser service, as `peer channel getinfo` does. */
async function qscc(peer: Peer, root: string, ...args: string[]): Promise<Uint8Array> {
  const client = await EndorserClient.connect(peer.listeners.peer.address);
  try {
    const { signed } = createSignedProposal({
      channelId: '',
      chaincodeName: 'qscc',
      args: args.map((a) => Buffer.from(a)),
      headerType: HeaderType.ENDORSER_TRANSACTION,
      signer: await defaultUser(root),
    });
    const response = (await client.send(signed)).getResponse();
    assert.equal(response?.getStatus(), 200, response?.getMessage());
    return response.getPayload_asU8();
  } finally {
    client.close();
  }
}

describe('a peer and its channel ledgers', () => {
  test('blocks committed on a channel survive a restart and read back through qscc; history keeps every write', async () => {
    const root = await tempDir();
    const first = await startPeer(root, ['ledgerchannel']);
    try {
      const ledger = first.getLedger('ledgerchannel');
      assert.ok(ledger);
      await commitWrites(ledger, 'mycc', { car: 'red' });
      await commitWrites(ledger, 'mycc', { car: 'blue', bike: 'green' });
      await commitWrites(ledger, 'mycc', { car: 'black' });
    } finally {
      await first.stop();
    }

    const second = await startPeer(root);
    try {
      assert.deepEqual(second.channelIds(), ['ledgerchannel']);
      const info = BlockchainInfo.deserializeBinary(await qscc(second, root, 'GetChainInfo', 'ledgerchannel'));
      assert.equal(info.getHeight(), 4);
      const block = commonPb.Block.deserializeBinary(await qscc(second, root, 'GetBlockByNumber', 'ledgerchannel', '2'));
      assert.equal(block.getHeader()?.getNumber(), 2);
      assert.equal(block.getData()?.getDataList().length, 1);
      const ledger = second.getLedger('ledgerchannel');
      assert.ok(ledger);
      const history = await (await ledger.newHistoryQueryExecutor()).getHistoryForKey('mycc', 'car');
      const values: string[] = [];
      for await (const mod of history) values.push(Buffer.from(mod.value).toString());
      assert.deepEqual(values, ['black', 'blue', 'red']);
      const qe = await ledger.newQueryExecutor();
      assert.equal(Buffer.from((await qe.getState('mycc', 'bike')) ?? []).toString(), 'green');
      qe.done();
    } finally {
      await second.stop();
    }
  });

  test('a channel whose ledger is damaged is reported by name and left out; the other channels load', async () => {
    const root = await tempDir();
    const first = await startPeer(root, ['healthy', 'damaged']);
    await first.stop();
    await rm(join(root, 'ledgersData', 'chains', 'chains', 'damaged'), { recursive: true });
    const config = await loadCoreConfig({
      env: { CORE_PEER_FILESYSTEMPATH: root, CORE_PEER_CHAINCODELISTENADDRESS: '127.0.0.1:0', CORE_PEER_LISTENADDRESS: '127.0.0.1:0', CORE_PEER_ORDERER_LISTENADDRESS: '127.0.0.1:0', CORE_PEER_ORDERER_ADMINLISTENADDRESS: '127.0.0.1:0' },
    });
    const { logging, lines } = captureLogging();
    const second = await Peer.start({ config, logging, version: WEFT_VERSION });
    try {
      assert.deepEqual(second.channelIds(), ['healthy']);
      const failure = lines.find((l) => l.includes('Failed to load ledger for channel damaged'));
      assert.ok(failure, lines.join('\n'));
      assert.match(failure, / ERRO /);
      assert.ok(lines.some((l) => l.endsWith('system chaincode qscc/healthy(weft/src/scc/qscc) deployed')));
    } finally {
      await second.stop();
    }
  });
});
