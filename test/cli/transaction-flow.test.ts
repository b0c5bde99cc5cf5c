import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { builtInProfile } from '../../src/channelconfig/built-in-profile.js';
import { genesisBlockOfProfile } from '../../src/channelconfig/config-block.js';
import type { ConfigtxProfile } from '../../src/channelconfig/configtx.js';
import { BroadcastClient } from '../../src/client/broadcast-client.js';
import { CommitWaiter, type CommitStatus } from '../../src/client/commit-waiter.js';
import { DeliverClient } from '../../src/client/deliver-client.js';
import { EndorserClient } from '../../src/client/endorser-client.js';
import { createSignedProposal } from '../../src/client/signed-proposal.js';
import { createTransactionEnvelope } from '../../src/client/transaction-envelope.js';
import type { Envelope } from '../../src/common/protos/common.js';
import { Endorsement, HeaderType, ProposalResponse, type SignedProposal } from '../../src/common/protos/proposal.js';
import { generateCrypto } from '../../src/msp/cryptogen/index.js';
import { defaultCryptoDir, defaultUserIdentity } from '../../src/msp/default-identities.js';
import { loadSigningIdentity, type SigningIdentity } from '../../src/msp/signing-identity.js';
import { fixtureSource, installedFixture } from '../helpers/chaincode-fixture.js';
import { tempDir } from '../helpers/temp-dir.js';
import { messageOf, runWeft, startPeerProcess, type WeftProcess } from '../helpers/weft-process.js';

const CHANNEL = 'twoorgs';
const BOTH_PEERS = "AND('Org1MSP.peer','Org2MSP.peer')";

/** A chaincode started by hand, as a developer does in dev mode. */
function startChaincode(dir: string, name: string, peerAddress: string): ChildProcess {
  return spawn(process.execPath, ['index.js', '--peer.address', peerAddress], {
    cwd: dir,
    env: { PATH: process.env.PATH, CORE_CHAINCODE_ID_NAME: name },
    stdio: 'ignore',
  });
}

/**
 * The channel of the peer's default crypto (Org1MSP, OrdererMSP) with a second organisation,
 * Org2MSP, made here: its peer can endorse on the channel, though no process of it runs.
 */
async function twoOrgProfile(data: string): Promise<{ profile: ConfigtxProfile; org2Peer: SigningIdentity }> {
  const org2Crypto = join(await tempDir('weft-org2-'), 'crypto');
  const org2Spec = { name: 'Org2', domain: 'org2.example.com', enableNodeOUs: true, template: { count: 1 }, users: { count: 1 } };
  await generateCrypto({ ordererOrgs: [], peerOrgs: [org2Spec] }, org2Crypto);
  const org2Dir = join(org2Crypto, 'peerOrganizations/org2.example.com');
  // lscc defines the chaincodes: a channel with the 1.4 lifecycle.
  const base = builtInProfile(defaultCryptoDir(data), 'V1_4_2');
  const application = base.application;
  const org1 = application?.organizations[0];
  if (application === undefined || org1 === undefined) throw new Error('the built-in profile has an application section with Org1');
  const org2 = {
    ...org1,
    name: 'Org2MSP',
    id: 'Org2MSP',
    mspDir: join(org2Dir, 'msp'),
    policies: (org1.policies ?? []).map(([name, p]) => [name, { ...p, rule: p.rule.replaceAll('Org1MSP', 'Org2MSP') }] as [string, typeof p]),
  };
  return {
    profile: { ...base, application: { ...application, organizations: [org1, org2] } },
    org2Peer: await loadSigningIdentity(join(org2Dir, 'peers/peer0.org2.example.com/msp'), 'Org2MSP'),
  };
}

/** `reply` endorsed as well by `endorser`: its signature over the same response payload, as its own peer would sign it. */
function alsoEndorsedBy(reply: ProposalResponse, endorser: SigningIdentity): ProposalResponse {
  const endorsement = new Endorsement();
  endorsement.setEndorser(endorser.serialize());
  endorsement.setSignature(endorser.sign(Buffer.concat([reply.getPayload_asU8(), endorser.serialize()])));
  const response = new ProposalResponse();
  response.setVersion(reply.getVersion());
  response.setResponse(reply.getResponse());
  response.setPayload(reply.getPayload_asU8());
  response.setEndorsement(endorsement);
  return response;
}

describe("transactions through the peer process: the validator's codes as a client sees them", () => {
  let peer: WeftProcess;
  let client: NodeJS.ProcessEnv;
  let address: string;
  let admin: SigningIdentity;
  let user1: SigningIdentity;
  let org2Peer: SigningIdentity;
  const chaincodes: ChildProcess[] = [];

  const query = async (name: string, args: string[]): Promise<string> => {
    const res = await runWeft(['chaincode', 'query', '-C', CHANNEL, '-n', name, '-c', JSON.stringify({ Args: args })], client);
    assert.equal(res.code, 0, res.stderr);
    return res.stdout;
  };

  /** A call endorsed by the peer (Org1's) for `signer`: the signed proposal, its txid and the endorsed response. */
  async function endorse(name: string, args: string[], signer: SigningIdentity = admin): Promise<{ signed: SignedProposal; txId: string; reply: ProposalResponse }> {
    const { signed, txId } = createSignedProposal({ channelId: CHANNEL, chaincodeName: name, args: args.map((a) => Buffer.from(a)), headerType: HeaderType.ENDORSER_TRANSACTION, signer });
    const endorser = await EndorserClient.connect(address);
    try {
      const reply = await endorser.send(signed);
      assert.equal(reply.getResponse()?.getStatus(), 200, reply.getResponse()?.getMessage());
      return { signed, txId, reply };
    } finally {
      endorser.close();
    }
  }

  /**
   * Broadcasts the envelopes one after the other to the peer's address (its embedded orderer), each
   * answered before the next is sent; then, for those the orderer took, how the peer committed them,
   * as seen on its DeliverFiltered (each watch opened before anything is sent).
   */
  async function order(txs: Array<{ envelope: Envelope; txId: string }>): Promise<{ answers: number[]; commits: Array<CommitStatus | undefined> }> {
    const deliver = await DeliverClient.connect(address, { service: 'peer', signer: admin });
    const broadcast = await BroadcastClient.connect(address);
    try {
      const waiters = await Promise.all(txs.map(() => CommitWaiter.open(deliver, { channelId: CHANNEL, timeoutMs: 20_000 })));
      const answers: number[] = [];
      for (const { envelope } of txs) answers.push((await broadcast.send(envelope)).getStatus());
      const commits = await Promise.all(
        txs.map(async ({ txId }, i) => {
          const waiter = waiters[i];
          if (answers[i] === 200) return waiter?.wait(txId);
          waiter?.close();
          return undefined;
        }),
      );
      return { answers, commits };
    } finally {
      broadcast.close();
      deliver.close();
    }
  }

  before(async () => {
    const ccDir = await installedFixture('counter');
    let ccAddress: string;
    ({ peer, client, chaincodeAddress: ccAddress } = await startPeerProcess(['--peer-chaincodedev']));
    address = client.CORE_PEER_ADDRESS ?? '';
    const data = client.CORE_PEER_FILESYSTEMPATH ?? '';
    const cryptoDir = defaultCryptoDir(data);
    admin = await loadSigningIdentity(defaultUserIdentity(cryptoDir, 'Admin').mspDir, 'Org1MSP');
    user1 = await loadSigningIdentity(defaultUserIdentity(cryptoDir, 'User1').mspDir, 'Org1MSP');
    let profile: ConfigtxProfile;
    ({ profile, org2Peer } = await twoOrgProfile(data));
    const blockFile = join(await tempDir('weft-flow-'), `${CHANNEL}.block`);
    await writeFile(blockFile, (await genesisBlockOfProfile(profile, CHANNEL)).serializeBinary());
    const joined = await runWeft(['channel', 'join', '-b', blockFile], client);
    assert.equal(joined.code, 0, joined.stderr);
    await peer.waitFor(new RegExp(`system chaincode qscc/${CHANNEL}\\(weft/src/scc/qscc\\) deployed`));

    // The same code under two names: `counter` with the default policy (a member of either
    // organisation), `strict` needing both organisations' peers.
    for (const [name, init, policy] of [
      ['counter', '0', []],
      ['strict', '7', ['-P', BOTH_PEERS]],
    ] as const) {
      const install = await runWeft(['chaincode', 'install', fixtureSource('counter'), '-n', name, '-v', '1.0', '-l', 'node'], client);
      assert.equal(install.code, 0, install.stderr);
      chaincodes.push(startChaincode(ccDir, `${name}:1.0`, ccAddress));
      const inst = await runWeft(['chaincode', 'instantiate', '-C', CHANNEL, '-n', name, '-v', '1.0', '-c', JSON.stringify({ Args: ['init', init] }), ...policy], client);
      assert.equal(inst.code, 0, inst.stderr);
      assert.match(inst.stdout, new RegExp(`^Chaincode ${name}:1\\.0 instantiated on channel ${CHANNEL} \\(txid [0-9a-f]{64}, VALID in block \\d+\\)\\n$`));
    }
  });

  after(async () => {
    for (const chaincode of chaincodes) chaincode.kill('SIGKILL');
    await peer.stop();
  });

  test(`endorsed by Org1's peer alone, a call of a chaincode whose policy is ${BOTH_PEERS} is ENDORSEMENT_POLICY_FAILURE and writes nothing`, async () => {
    const invoke = await runWeft(['chaincode', 'invoke', '-C', CHANNEL, '-n', 'strict', '-c', '{"Args":["add","5"]}'], client);
    assert.equal(invoke.code, 1, invoke.stdout);
    assert.match(invoke.stderr, /^Error: transaction [0-9a-f]{64} invalidated with status \(ENDORSEMENT_POLICY_FAILURE\) in block \d+$/);
    assert.equal(invoke.stdout, '');
    assert.equal(await query('strict', ['get']), '7\n');

    // The same call endorsed by Org2's peer as well satisfies the policy: it is the policy that failed above.
    const { signed, txId, reply } = await endorse('strict', ['add', '5']);
    const envelope = createTransactionEnvelope(signed, [reply, alsoEndorsedBy(reply, org2Peer)], admin);
    const { answers, commits } = await order([{ envelope, txId }]);
    assert.deepEqual(answers, [200]);
    assert.equal(commits[0]?.validationCodeName, 'VALID');
    assert.equal(await query('strict', ['get']), '12\n');
  });

  test('two calls endorsed on the same state, then ordered: the first is VALID, the second MVCC_READ_CONFLICT, and only the first writes', async () => {
    const plus10 = await endorse('counter', ['add', '10']);
    const plus100 = await endorse('counter', ['add', '100']);
    const { answers, commits } = await order(
      [plus10, plus100].map(({ signed, txId, reply }) => ({ envelope: createTransactionEnvelope(signed, reply, admin), txId })),
    );
    assert.deepEqual(answers, [200, 200]);
    assert.deepEqual(
      commits.map((c) => c?.validationCodeName),
      ['VALID', 'MVCC_READ_CONFLICT'],
    );
    assert.ok((commits[0]?.blockNumber ?? 0) <= (commits[1]?.blockNumber ?? 0));
    assert.equal(await query('counter', ['get']), '10\n');
  });

  test('a transaction broadcast again after its commit is DUPLICATE_TXID and does not write again', async () => {
    const first = await endorse('counter', ['put', 'k', 'first']);
    const envelope = createTransactionEnvelope(first.signed, first.reply, admin);
    const once = await order([{ envelope, txId: first.txId }]);
    assert.equal(once.commits[0]?.validationCodeName, 'VALID');
    assert.equal(await query('counter', ['get', 'k']), 'first\n');
    const overwrite = await runWeft(['chaincode', 'invoke', '-C', CHANNEL, '-n', 'counter', '-c', '{"Args":["put","k","second"]}'], client);
    assert.equal(overwrite.code, 0, overwrite.stderr);

    // The very same envelope: a blind write, which would put `first` back if it were applied again.
    const again = await order([{ envelope, txId: first.txId }]);
    assert.deepEqual(again.answers, [200]);
    assert.equal(again.commits[0]?.validationCodeName, 'DUPLICATE_TXID');
    assert.ok(again.commits[0].blockNumber > once.commits[0].blockNumber);
    assert.equal(await query('counter', ['get', 'k']), 'second\n');
  });

  test("an envelope whose signature is not its creator's is refused by the orderer with 403 FORBIDDEN; the peer goes on", async () => {
    const { signed, txId, reply } = await endorse('counter', ['put', 'forged', 'yes']);
    // The creator is the Admin (the proposal's header); the envelope is signed by User1.
    const forged = await order([{ envelope: createTransactionEnvelope(signed, reply, user1), txId }]);
    assert.deepEqual(forged.answers, [403]);
    assert.ok(
      peer.lines.some((l) => l.includes('[orderer.common.broadcast]') && /Rejecting broadcast of normal message from .* because of error: .*permission denied$/.test(messageOf(l))),
      peer.lines.slice(-20).join('\n'),
    );
    assert.equal(await query('counter', ['get', 'forged']), '\n');

    // The peer and its orderer still serve: the same transaction signed by its creator commits.
    const genuine = await order([{ envelope: createTransactionEnvelope(signed, reply, admin), txId }]);
    assert.deepEqual(genuine.answers, [200]);
    assert.equal(genuine.commits[0]?.validationCodeName, 'VALID');
    assert.equal(await query('counter', ['get', 'forged']), 'yes\n');
  });
});
