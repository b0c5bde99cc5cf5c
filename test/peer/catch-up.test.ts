import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { builtInProfile } from '../../src/channelconfig/built-in-profile.js';
import { genesisBlockOfProfile } from '../../src/channelconfig/config-block.js';
import type { ConfigtxOrderer, ConfigtxProfile } from '../../src/channelconfig/configtx.js';
import { BroadcastClient } from '../../src/client/broadcast-client.js';
import { DeliverClient } from '../../src/client/deliver-client.js';
import { EndorserClient } from '../../src/client/endorser-client.js';
import { createSignedProposal } from '../../src/client/signed-proposal.js';
import { createTransactionEnvelope } from '../../src/client/transaction-envelope.js';
import type { Envelope } from '../../src/common/protos/common.js';
import { validationCodeName } from '../../src/common/protos/orderer.js';
import { HeaderType } from '../../src/common/protos/proposal.js';
import { defaultCryptoDir, defaultUserIdentity, ensureDefaultCrypto } from '../../src/msp/default-identities.js';
import { loadSigningIdentity } from '../../src/msp/signing-identity.js';
import { fixtureSource, installedFixture } from '../helpers/chaincode-fixture.js';
import { tempDir } from '../helpers/temp-dir.js';
import { messageOf, runWeft, startPeerProcess, WeftProcess } from '../helpers/weft-process.js';

const CHANNEL = 'ch';
const DOWN_FOR = 20;

const chaincodes: ChildProcess[] = [];
after(() => {
  for (const chaincode of chaincodes) chaincode.kill('SIGKILL');
});

/** A chaincode started by hand, as a developer does in dev mode. */
function startChaincode(dir: string, name: string, peerAddress: string): ChildProcess {
  const child = spawn(process.execPath, ['index.js', '--peer.address', peerAddress], {
    cwd: dir,
    env: { PATH: process.env.PATH, CORE_CHAINCODE_ID_NAME: name },
    stdio: 'ignore',
  });
  chaincodes.push(child);
  return child;
}

/** `weft orderer start` on the data folder's orderer/ and free ports: the process, its Broadcast address and its admin address. */
async function startOrderer(data: string): Promise<{ orderer: WeftProcess; address: string; adminAddress: string }> {
  const orderer = new WeftProcess(['orderer', 'start'], {
    FABRIC_LOGGING_SPEC: 'info',
    ORDERER_GENERAL_LISTENPORT: '0',
    ORDERER_ADMIN_LISTENADDRESS: '127.0.0.1:0',
    ORDERER_FILELEDGER_LOCATION: join(data, 'orderer'),
  });
  const adminAddress = messageOf(await orderer.waitFor(/Starting admin server on /)).replace(/^Starting admin server on /, '');
  const address = messageOf(await orderer.waitFor(/Beginning to serve requests on /)).replace(/^Beginning to serve requests on /, '');
  return { orderer, address, adminAddress };
}

/** The built-in profile over `cryptoDir`, its orderer at `address`, one transaction per block. */
function channelProfile(cryptoDir: string, address: string): ConfigtxProfile {
  const profile = builtInProfile(cryptoDir);
  const orderer = profile.orderer as ConfigtxOrderer;
  const [host = '', port = ''] = address.split(':');
  profile.orderer = {
    ...orderer,
    addresses: [address],
    batchSize: { ...orderer.batchSize, maxMessageCount: 1 },
    etcdRaft: orderer.etcdRaft === undefined ? undefined : { ...orderer.etcdRaft, consenters: orderer.etcdRaft.consenters.map((c) => ({ ...c, host, port: Number(port) })) },
    organizations: orderer.organizations.map((org) => ({ ...org, ordererEndpoints: [address] })),
  };
  return profile;
}

describe('a peer following an orderer process', () => {
  test(`down while ${String(DOWN_FOR)} blocks are cut, restarted on its folder, it catches up to the orderer's height and commits them VALID`, async () => {
    const data = join(await tempDir('weft-catch-up-'), 'data');
    const cryptoDir = defaultCryptoDir(data);
    await ensureDefaultCrypto(cryptoDir);
    const admin = await loadSigningIdentity(defaultUserIdentity(cryptoDir, 'Admin').mspDir, 'Org1MSP');
    const ccDir = await installedFixture('kv-shim');

    // The orderer (its own process, on the default crypto's orderer.example.com) joins the channel first.
    const { orderer, address: ordererAddress, adminAddress } = await startOrderer(data);
    const blockFile = join(data, `${CHANNEL}.block`);
    await writeFile(blockFile, (await genesisBlockOfProfile(channelProfile(cryptoDir, ordererAddress), CHANNEL)).serializeBinary());
    const osnJoin = await runWeft(['osnadmin', 'channel', 'join', '-o', adminAddress, '-c', CHANNEL, '-b', blockFile], {});
    assert.equal(osnJoin.code, 0, osnJoin.stderr);
    assert.match(osnJoin.stdout, /^Status: 201\n/);

    // The peer, without an ordering service of its own, joins and pulls the channel's blocks from the orderer the block names.
    const peerEnv = { CORE_PEER_ORDERER_ENABLED: 'false', CORE_PEER_FILESYSTEMPATH: data };
    let { peer, client, chaincodeAddress } = await startPeerProcess(['--peer-chaincodedev'], peerEnv);
    const peerJoin = await runWeft(['channel', 'join', '-b', blockFile], client);
    assert.equal(peerJoin.code, 0, peerJoin.stderr);
    await peer.waitFor(new RegExp(`system chaincode qscc/${CHANNEL}\\(weft/src/scc/qscc\\) deployed`));
    assert.equal((await runWeft(['chaincode', 'install', fixtureSource('kv-shim'), '-n', 'kv', '-v', '1.0', '-l', 'node'], client)).code, 0);
    let chaincode = startChaincode(ccDir, 'kv:1.0', chaincodeAddress);
    const inst = await runWeft(['chaincode', 'instantiate', '-C', CHANNEL, '-n', 'kv', '-v', '1.0', '-o', ordererAddress], client);
    assert.equal(inst.code, 0, inst.stderr);
    assert.match(inst.stdout, /VALID in block 1\)\n$/);

    // Twenty calls endorsed while the peer runs, ordered while it is down.
    const endorser = await EndorserClient.connect(client.CORE_PEER_ADDRESS ?? '');
    const txs: Array<{ envelope: Envelope; txId: string }> = [];
    try {
      for (let i = 0; i < DOWN_FOR; i++) {
        const { signed, txId } = createSignedProposal({
          channelId: CHANNEL,
          chaincodeName: 'kv',
          args: ['put', `k${String(i)}`, `v${String(i)}`].map((a) => Buffer.from(a)),
          headerType: HeaderType.ENDORSER_TRANSACTION,
          signer: admin,
        });
        const reply = await endorser.send(signed);
        assert.equal(reply.getResponse()?.getStatus(), 200, reply.getResponse()?.getMessage());
        txs.push({ envelope: createTransactionEnvelope(signed, reply, admin), txId });
      }
    } finally {
      endorser.close();
    }
    chaincode.kill('SIGKILL');
    assert.equal(await peer.stop(), 0);

    const broadcast = await BroadcastClient.connect(ordererAddress);
    try {
      for (const { envelope } of txs) assert.equal((await broadcast.send(envelope)).getStatus(), 200);
    } finally {
      broadcast.close();
    }
    const height = 2 + DOWN_FOR;
    const listed = await runWeft(['osnadmin', 'channel', 'list', '-o', adminAddress, '-c', CHANNEL, '--no-status'], {});
    assert.match(listed.stdout, new RegExp(`"height": ${String(height)}\\n`));

    ({ peer, client, chaincodeAddress } = await startPeerProcess(['--peer-chaincodedev'], peerEnv));
    await peer.waitFor(new RegExp(`\\[${CHANNEL}\\] Committed block \\[${String(height - 1)}\\] with 1 transaction\\(s\\)$`));
    // Blocks 2 to 21 as the restarted peer committed them, one transaction each.
    const deliver = await DeliverClient.connect(client.CORE_PEER_ADDRESS ?? '', { service: 'peer', signer: admin });
    const committed: Array<[number, string, string]> = [];
    try {
      for await (const block of deliver.filteredBlocks({ channelId: CHANNEL, start: 2, stop: height - 1, failIfNotReady: true })) {
        for (const tx of block.getFilteredTransactionsList()) committed.push([block.getNumber(), tx.getTxid(), validationCodeName(tx.getTxValidationCode())]);
      }
    } finally {
      deliver.close();
    }
    assert.deepEqual(
      committed,
      txs.map(({ txId }, i) => [2 + i, txId, 'VALID']),
    );
    const info = await runWeft(['channel', 'getinfo', '-c', CHANNEL], client);
    assert.match(info.stdout, new RegExp(`^Blockchain info: \\{"height":${String(height)},`));

    // What the transactions wrote is the peer's state.
    chaincode = startChaincode(ccDir, 'kv:1.0', chaincodeAddress);
    for (const i of [0, DOWN_FOR - 1]) {
      const got = await runWeft(['chaincode', 'query', '-C', CHANNEL, '-n', 'kv', '-c', JSON.stringify({ Args: ['get', `k${String(i)}`] })], client);
      assert.equal(got.stdout, `v${String(i)}\n`, got.stderr);
    }
    chaincode.kill('SIGKILL');
    assert.equal(await peer.stop(), 0);
    assert.equal(await orderer.stop(), 0);
  });
});
