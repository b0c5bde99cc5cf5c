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
import type { Block, Envelope } from '../../src/common/protos/common.js';
import { validationCodeName } from '../../src/common/protos/orderer.js';
import { HeaderType } from '../../src/common/protos/proposal.js';
import { hashOfBlock, newBlock } from '../../src/ledger/index.js';
import { defaultCryptoDir, defaultOrdererIdentity, defaultUserIdentity, ensureDefaultCrypto } from '../../src/msp/default-identities.js';
import { loadSigningIdentity, type SigningIdentity } from '../../src/msp/signing-identity.js';
import { BlockStore } from '../../src/orderer/block-store.js';
import { fixtureSource, installedFixture } from '../helpers/chaincode-fixture.js';
import { signBlock } from '../helpers/orderer-signature.js';
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

/** `weft orderer start` on the data folder's orderer/, on `port` (a free one by default): the process, its Broadcast address and its admin address. */
async function startOrderer(data: string, port = '0'): Promise<{ orderer: WeftProcess; address: string; adminAddress: string }> {
  const orderer = new WeftProcess(['orderer', 'start'], {
    FABRIC_LOGGING_SPEC: 'info',
    ORDERER_GENERAL_LISTENPORT: port,
    ORDERER_ADMIN_LISTENADDRESS: '127.0.0.1:0',
    ORDERER_FILELEDGER_LOCATION: join(data, 'orderer'),
  });
  const adminAddress = messageOf(await orderer.waitFor(/Starting admin server on /)).replace(/^Starting admin server on /, '');
  const address = messageOf(await orderer.waitFor(/Beginning to serve requests on /)).replace(/^Beginning to serve requests on /, '');
  return { orderer, address, adminAddress };
}

/** The built-in profile over `cryptoDir`, its orderer at `address`, one transaction per block. */
function channelProfile(cryptoDir: string, address: string): ConfigtxProfile {
  // lscc defines the chaincode: a channel with the 1.4 lifecycle.
  const profile = builtInProfile(cryptoDir, 'V1_4_2');
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

/** A channel ordered by an orderer process and committed by a peer process that follows it, with the kv chaincode instantiated in block 1. */
interface Network {
  data: string;
  admin: SigningIdentity;
  user1: SigningIdentity;
  ordererIdentity: SigningIdentity;
  orderer: WeftProcess;
  ordererAddress: string;
  adminAddress: string;
  peerEnv: NodeJS.ProcessEnv;
  peer: WeftProcess;
  client: NodeJS.ProcessEnv;
  ccDir: string;
  chaincode: ChildProcess;
}

async function startNetwork(): Promise<Network> {
  const data = join(await tempDir('weft-orderer-process-'), 'data');
  const cryptoDir = defaultCryptoDir(data);
  await ensureDefaultCrypto(cryptoDir);
  const admin = await loadSigningIdentity(defaultUserIdentity(cryptoDir, 'Admin').mspDir, 'Org1MSP');
  const user1 = await loadSigningIdentity(defaultUserIdentity(cryptoDir, 'User1').mspDir, 'Org1MSP');
  const ordererIdentity = await loadSigningIdentity(defaultOrdererIdentity(cryptoDir).mspDir, 'OrdererMSP');
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
  const { peer, client, chaincodeAddress } = await startPeerProcess(['--peer-chaincodedev'], peerEnv);
  const peerJoin = await runWeft(['channel', 'join', '-b', blockFile], client);
  assert.equal(peerJoin.code, 0, peerJoin.stderr);
  await peer.waitFor(new RegExp(`system chaincode qscc/${CHANNEL}\\(weft/src/scc/qscc\\) deployed`));
  assert.equal((await runWeft(['chaincode', 'install', fixtureSource('kv-shim'), '-n', 'kv', '-v', '1.0', '-l', 'node'], client)).code, 0);
  const chaincode = startChaincode(ccDir, 'kv:1.0', chaincodeAddress);
  const inst = await runWeft(['chaincode', 'instantiate', '-C', CHANNEL, '-n', 'kv', '-v', '1.0', '-o', ordererAddress], client);
  assert.equal(inst.code, 0, inst.stderr);
  assert.match(inst.stdout, /VALID in block 1\)\n$/);
  return { data, admin, user1, ordererIdentity, orderer, ordererAddress, adminAddress, peerEnv, peer, client, ccDir, chaincode };
}

/** A `put key value` call endorsed by the peer for the Admin; the envelope signed by `envelopeSigner` (the Admin, its creator, unless forged). */
async function endorsedPut(net: Network, endorser: EndorserClient, key: string, value: string, envelopeSigner = net.admin): Promise<{ envelope: Envelope; txId: string }> {
  const { signed, txId } = createSignedProposal({
    channelId: CHANNEL,
    chaincodeName: 'kv',
    args: ['put', key, value].map((a) => Buffer.from(a)),
    headerType: HeaderType.ENDORSER_TRANSACTION,
    signer: net.admin,
  });
  const reply = await endorser.send(signed);
  assert.equal(reply.getResponse()?.getStatus(), 200, reply.getResponse()?.getMessage());
  return { envelope: createTransactionEnvelope(signed, reply, envelopeSigner), txId };
}

/** Blocks `from` to `to` as the peer committed them: [number, txid, validation code] of each transaction. */
async function committedTxs(net: Network, from: number, to: number): Promise<Array<[number, string, string]>> {
  const deliver = await DeliverClient.connect(net.client.CORE_PEER_ADDRESS ?? '', { service: 'peer', signer: net.admin });
  const committed: Array<[number, string, string]> = [];
  try {
    for await (const block of deliver.filteredBlocks({ channelId: CHANNEL, start: from, stop: to, failIfNotReady: true })) {
      for (const tx of block.getFilteredTransactionsList()) committed.push([block.getNumber(), tx.getTxid(), validationCodeName(tx.getTxValidationCode())]);
    }
  } finally {
    deliver.close();
  }
  return committed;
}

/** A chain through a Deliver service: from block 0 to `last` (waiting for it), or to the newest block. */
async function chainOf(address: string, service: 'peer' | 'orderer', signer: SigningIdentity, last?: number): Promise<Block[]> {
  const deliver = await DeliverClient.connect(address, { service, signer });
  const blocks: Block[] = [];
  try {
    const stop = last ?? (await newestOf(deliver));
    for await (const block of deliver.blocks({ channelId: CHANNEL, start: 'oldest', stop })) blocks.push(block);
  } finally {
    deliver.close();
  }
  return blocks;
}

async function newestOf(deliver: DeliverClient): Promise<number> {
  for await (const block of deliver.blocks({ channelId: CHANNEL, start: 'newest', stop: 'newest' })) return block.getHeader()?.getNumber() ?? 0;
  return 0;
}

async function get(net: Network, key: string): Promise<string> {
  const got = await runWeft(['chaincode', 'query', '-C', CHANNEL, '-n', 'kv', '-c', JSON.stringify({ Args: ['get', key] })], net.client);
  assert.equal(got.code, 0, got.stderr);
  return got.stdout;
}

const committedLine = (block: number, rest = ''): RegExp => new RegExp(`\\[${CHANNEL}\\] Committed block \\[${String(block)}\\] with 1 transaction\\(s\\)${rest}$`);

describe('a peer following an orderer process', () => {
  test(`down while ${String(DOWN_FOR)} blocks are cut, restarted on its folder, it catches up to the orderer's height and commits them VALID`, async () => {
    const net = await startNetwork();
    // Twenty calls endorsed while the peer runs, ordered while it is down.
    const endorser = await EndorserClient.connect(net.client.CORE_PEER_ADDRESS ?? '');
    const txs: Array<{ envelope: Envelope; txId: string }> = [];
    try {
      for (let i = 0; i < DOWN_FOR; i++) txs.push(await endorsedPut(net, endorser, `k${String(i)}`, `v${String(i)}`));
    } finally {
      endorser.close();
    }
    net.chaincode.kill('SIGKILL');
    assert.equal(await net.peer.stop(), 0);

    const broadcast = await BroadcastClient.connect(net.ordererAddress);
    try {
      for (const { envelope } of txs) assert.equal((await broadcast.send(envelope)).getStatus(), 200);
    } finally {
      broadcast.close();
    }
    const height = 2 + DOWN_FOR;
    const listed = await runWeft(['osnadmin', 'channel', 'list', '-o', net.adminAddress, '-c', CHANNEL, '--no-status'], {});
    assert.match(listed.stdout, new RegExp(`"height": ${String(height)}\\n`));

    const { peer, client, chaincodeAddress } = await startPeerProcess(['--peer-chaincodedev'], net.peerEnv);
    Object.assign(net, { peer, client });
    await peer.waitFor(committedLine(height - 1));
    assert.deepEqual(
      await committedTxs(net, 2, height - 1),
      txs.map(({ txId }, i) => [2 + i, txId, 'VALID']),
    );
    const info = await runWeft(['channel', 'getinfo', '-c', CHANNEL], client);
    assert.match(info.stdout, new RegExp(`^Blockchain info: \\{"height":${String(height)},`));

    // What the transactions wrote is the peer's state.
    net.chaincode = startChaincode(net.ccDir, 'kv:1.0', chaincodeAddress);
    assert.equal(await get(net, 'k0'), 'v0\n');
    assert.equal(await get(net, `k${String(DOWN_FOR - 1)}`), `v${String(DOWN_FOR - 1)}\n`);
    assert.equal(await peer.stop(), 0);
    assert.equal(await net.orderer.stop(), 0);
  });

  test('the orderer killed (SIGKILL) while it cuts blocks, three times: the peer commits exactly its chain, with every transaction it answered SUCCESS', async (t) => {
    const net = await startNetwork();
    const rounds = 3;
    const perRound = 40;
    // Endorsed up front (each round's own, never sent twice); ordered while the orderer is killed under them.
    const endorser = await EndorserClient.connect(net.client.CORE_PEER_ADDRESS ?? '');
    const batches: Array<Array<{ envelope: Envelope; txId: string }>> = [];
    try {
      for (let r = 0; r < rounds; r++) {
        const batch = [];
        for (let i = 0; i < perRound; i++) batch.push(await endorsedPut(net, endorser, `r${String(r)}k${String(i)}`, `v${String(i)}`));
        batches.push(batch);
      }
    } finally {
      endorser.close();
    }
    const answered = new Set<string>();
    const port = net.ordererAddress.replace(/^.*:/, '');
    for (const [round, batch] of batches.entries()) {
      const broadcast = await BroadcastClient.connect(net.ordererAddress);
      let next = 0;
      const worker = async (): Promise<void> => {
        for (let tx = batch[next++]; tx !== undefined; tx = batch[next++]) {
          try {
            if ((await broadcast.send(tx.envelope)).getStatus() === 200) answered.add(tx.txId);
          } catch {
            return; // the orderer is gone
          }
        }
      };
      const sending = Promise.all([worker(), worker(), worker()]);
      // Mid-stream: some of the round's transactions answered, the rest sent into a dying orderer or not at all.
      await new Promise((resolve) => setTimeout(resolve, 60 + round * 40));
      await net.orderer.stop('SIGKILL');
      await sending;
      broadcast.close();

      const restarted = await startOrderer(net.data, port);
      net.orderer = restarted.orderer;
      const ordered = await chainOf(net.ordererAddress, 'orderer', net.admin);
      // The peer reconnects and pulls what it lacks; its chain is then the orderer's, block for block.
      const committed = await chainOf(net.client.CORE_PEER_ADDRESS ?? '', 'peer', net.admin, ordered.length - 1);
      assert.equal(committed.length, ordered.length, `round ${String(round)}`);
      ordered.forEach((block, n) => {
        assert.deepEqual(Buffer.from(committed[n]?.getHeader()?.serializeBinary() ?? []), Buffer.from(block.getHeader()?.serializeBinary() ?? []), `round ${String(round)}: block ${String(n)}`);
      });
      const txs = await committedTxs(net, 1, ordered.length - 1);
      const codes = new Map(txs.map(([, txId, code]) => [txId, code]));
      assert.equal(codes.size, txs.length, `round ${String(round)}: a transaction committed twice`);
      for (const txId of answered) assert.equal(codes.get(txId), 'VALID', `round ${String(round)}: ${txId} was answered SUCCESS, then lost`);
      t.diagnostic(`round ${String(round)}: height ${String(ordered.length)}, ${String(answered.size)} answered SUCCESS so far, ${String(next)} of ${String(perRound)} taken`);
    }
    assert.ok(answered.size > 0);
    assert.equal(await net.peer.stop(), 0);
    assert.equal(await net.orderer.stop(), 0);
  });

  test('a transaction whose creator signature is forged, in a block the orderer signed, is committed BAD_CREATOR_SIGNATURE and writes nothing; the peer goes on', async () => {
    const net = await startNetwork();
    const endorser = await EndorserClient.connect(net.client.CORE_PEER_ADDRESS ?? '');
    let forged: { envelope: Envelope; txId: string };
    try {
      // Created by the Admin, signed by User1: the orderer's Broadcast refuses such an envelope.
      forged = await endorsedPut(net, endorser, 'forged', 'yes', net.user1);
    } finally {
      endorser.close();
    }
    // An orderer that lets it through anyway (faulty, or not Weft's): its block is written to the
    // orderer's chain while it is stopped, signed with its key, and served once it is back on its port.
    assert.equal(await net.orderer.stop(), 0);
    const location = join(net.data, 'orderer');
    const chain = await BlockStore.open({ dir: join(location, 'chains', CHANNEL), indexDir: join(location, 'index', CHANNEL) });
    try {
      const last = chain.lastBlock();
      assert.ok(last !== undefined);
      chain.append(signBlock(newBlock({ number: chain.height(), previousHash: hashOfBlock(last), envelopes: [forged.envelope] }), [net.ordererIdentity]));
    } finally {
      await chain.close();
    }
    const port = net.ordererAddress.replace(/^.*:/, '');
    const restarted = await startOrderer(net.data, port);
    net.orderer = restarted.orderer;
    assert.equal(restarted.address, net.ordererAddress);

    await net.peer.waitFor(committedLine(2, ', 1 invalid \\(BAD_CREATOR_SIGNATURE\\)'));
    assert.deepEqual(await committedTxs(net, 2, 2), [[2, forged.txId, 'BAD_CREATOR_SIGNATURE']]);
    assert.equal(await get(net, 'forged'), '\n');

    // The peer goes on: the next transaction, ordered after that block, commits.
    const invoke = await runWeft(['chaincode', 'invoke', '-C', CHANNEL, '-n', 'kv', '-c', '{"Args":["put","after","ok"]}', '-o', net.ordererAddress], net.client);
    assert.equal(invoke.code, 0, invoke.stderr);
    assert.equal(await get(net, 'after'), 'ok\n');
    assert.equal(await net.peer.stop(), 0);
    assert.equal(await net.orderer.stop(), 0);
  });
});
