import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import queryPb from '@hyperledger/fabric-protos/lib/peer/query_pb.js';
import { loadCoreConfig } from '../../src/common/config/load-core-config.js';
import { WeftError } from '../../src/common/errors/weft-error.js';
import { Peer } from '../../src/peer/peer.js';
import { WEFT_VERSION } from '../../src/version.js';
import { createSignedProposal } from '../../src/client/signed-proposal.js';
import { HeaderType } from '../../src/common/protos/proposal.js';
import { captureLogging } from '../helpers/capture-logging.js';
import { defaultUser } from '../helpers/default-identities.js';
import { input } from '../helpers/stack.js';
import { tempDir } from '../helpers/temp-dir.js';

async function startPeer(root: string, join: string[]) {
  const config = await loadCoreConfig({ env: { CORE_PEER_FILESYSTEMPATH: root, CORE_PEER_CHAINCODELISTENADDRESS: '127.0.0.1:0', CORE_PEER_LISTENADDRESS: '127.0.0.1:0', CORE_PEER_ORDERER_LISTENADDRESS: '127.0.0.1:0', CORE_PEER_ORDERER_ADMINLISTENADDRESS: '127.0.0.1:0' } });
  const { logging, lines } = captureLogging();
  return { peer: await Peer.start({ config, logging, version: WEFT_VERSION, join }), lines };
}

/** A TransactionParams for a channel-less call the way a client makes it: a proposal signed by the peer's Admin. */
async function asAdmin(root: string, txId: string, args: string[]) {
  const { signed } = createSignedProposal({
    channelId: '',
    chaincodeName: args[0] === 'GetChannels' ? 'cscc' : 'qscc',
    args: args.map((a) => Buffer.from(a)),
    headerType: HeaderType.ENDORSER_TRANSACTION,
    signer: await defaultUser(root),
  });
  return { txId, channelId: '', signedProposal: signed };
}

describe('Peer', () => {
  test('cscc lists the joined channels and qscc answers for them, through the deployed SCCs', async () => {
    const root = await tempDir();
    const { peer } = await startPeer(root, ['alpha', 'beta']);
    try {
      assert.deepEqual(peer.channelIds(), ['alpha', 'beta']);
      const cscc = await peer.chaincodeSupport.execute(await asAdmin(root, 'q1', ['GetChannels']), { name: 'cscc', version: WEFT_VERSION }, input('GetChannels'));
      const ids = queryPb.ChannelQueryResponse.deserializeBinary(cscc.response.getPayload_asU8()).getChannelsList().map((c) => c.getChannelId());
      assert.deepEqual(ids, ['alpha', 'beta']);
      const qscc = await peer.chaincodeSupport.execute(await asAdmin(root, 'q2', ['GetChainInfo', 'beta']), { name: 'qscc', version: WEFT_VERSION }, input('GetChainInfo', 'beta'));
      assert.equal(qscc.response.getStatus(), 200);
      const missing = await peer.chaincodeSupport.execute(await asAdmin(root, 'q3', ['GetChainInfo', 'gamma']), { name: 'qscc', version: WEFT_VERSION }, input('GetChainInfo', 'gamma'));
      assert.equal(missing.response.getMessage(), 'Invalid chain ID, gamma');
    } finally {
      await peer.stop();
    }
  });

  test('a second peer on a data folder in use fails with a clear error, and the first goes on', async () => {
    const root = await tempDir();
    const { peer } = await startPeer(root, ['alpha']);
    try {
      await assert.rejects(
        startPeer(root, []),
        (err: unknown) => err instanceof WeftError && err.message.includes(join(root, 'ledgersData')) && err.message.includes('already in use'),
      );
      const still = await peer.chaincodeSupport.execute(await asAdmin(root, 'q', ['GetChannels']), { name: 'cscc', version: WEFT_VERSION }, input('GetChannels'));
      assert.equal(still.response.getStatus(), 200);
    } finally {
      await peer.stop();
    }
  });

  test('an invalid channel name given to join is refused naming it', async () => {
    const root = await tempDir();
    await assert.rejects(startPeer(root, ['My_Channel']), /channel ID 'My_Channel' contains illegal characters/);
  });

  test("WEFT_VERSION is package.json's version", async () => {
    const pkg = JSON.parse(await readFile(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string };
    assert.equal(WEFT_VERSION, pkg.version);
  });
});
