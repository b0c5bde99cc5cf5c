import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { Block, BlockMetadataIndex } from '../../src/common/protos/common.js';
import { TxValidationCode } from '../../src/common/protos/orderer.js';
import { fixtureSource, installedFixture } from '../helpers/chaincode-fixture.js';
import { tempDir } from '../helpers/temp-dir.js';
import { startTwoOrgNetwork, type NetworkPeer, type TwoOrgNetwork } from '../helpers/two-org-network.js';
import { runWeft } from '../helpers/weft-process.js';
import { EndorseError, GatewayError, StatusCode } from '@hyperledger/fabric-gateway';
import { connectGateway, type GatewayConnection } from '../helpers/gateway-client.js';

const BOTH_PEERS = "AND('Org1MSP.peer','Org2MSP.peer')";
// gRPC status codes, as the client reports them.
const DEADLINE_EXCEEDED = 4;
const FAILED_PRECONDITION = 9;
const UNAVAILABLE = 14;

/** An organisation's group in configtxgen -inspectBlock's JSON, as far as its anchor peers. */
interface AnchorPeersGroup {
  values: { AnchorPeers?: { value: { anchor_peers: Array<{ host: string; port: number }> } } };
}

/** `weft <args>` against `peer`, as its org's Admin; fails the test with the command's output unless it exits 0. */
async function cli(peer: NetworkPeer, args: string[]): Promise<string> {
  const res = await runWeft(args, peer.cliEnv('Admin'));
  assert.equal(res.code, 0, `weft ${args.join(' ')}:\n${res.stderr}\n${res.stdout}`);
  return res.stdout;
}

/** The channel's height and current block hash on `peer`, from `weft channel getinfo`. */
async function chainInfo(peer: NetworkPeer, channel: string): Promise<{ height: number; currentBlockHash: string }> {
  const out = await cli(peer, ['channel', 'getinfo', '-c', channel]);
  return JSON.parse(out.replace(/^Blockchain info: /, '')) as { height: number; currentBlockHash: string };
}

/** Polls getinfo until `peer` has `height` blocks: a peer commits a block when its own Deliver brings it, not when another peer does. */
async function heightReached(peer: NetworkPeer, channel: string, height: number): Promise<{ height: number; currentBlockHash: string }> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const info = await chainInfo(peer, channel);
    if (info.height >= height || Date.now() > deadline) return info;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Block `number` as `peer` committed it, through `weft channel fetch` (the peer's Deliver). */
async function fetchBlock(peer: NetworkPeer, channel: string, number: number): Promise<Block> {
  const file = join(await tempDir('weft-2org-fetch-'), `${String(number)}.block`);
  await cli(peer, ['channel', 'fetch', String(number), file, '-c', channel]);
  return Block.deserializeBinary(await readFile(file));
}

/** The validation codes the peer recorded for the block's transactions (its TRANSACTIONS_FILTER). */
function validationCodes(block: Block): number[] {
  return [...(block.getMetadata()?.getMetadataList_asU8()[BlockMetadataIndex.TRANSACTIONS_FILTER] ?? [])];
}

describe('a two-organisation network of weft processes, as test-network runs it', () => {
  let net: TwoOrgNetwork;

  before(async () => {
    // Dev mode: each peer would otherwise build the chaincode with npm ci, seconds each.
    // A short gateway endorsement timeout, for the test of a chaincode that never answers.
    net = await startTwoOrgNetwork({ chaincodeDev: true, applicationCapability: 'V1_4_2', peerEnv: { CORE_PEER_GATEWAY_ENDORSEMENTTIMEOUT: '2s' } });
  });

  after(async () => {
    await net.stop();
  });

  test('both peers joined the channel from the same genesis block', async () => {
    const [org1, org2] = await Promise.all([chainInfo(net.peers.org1, net.channel), chainInfo(net.peers.org2, net.channel)]);
    assert.equal(org1.height, 1);
    assert.deepEqual(org2, org1);
    assert.deepEqual([net.peers.org1.mspId, net.peers.org2.mspId], ['Org1MSP', 'Org2MSP']);
  });

  test("the genesis block names each organisation's peer, at the address it listens on, as its anchor peer", async () => {
    const inspected = await runWeft(['configtxgen', '-inspectBlock', net.genesisBlock], {});
    assert.equal(inspected.code, 0, inspected.stderr);
    const json = JSON.parse(inspected.stdout) as {
      data: { data: Array<{ payload: { data: { config: { channel_group: { groups: { Application: { groups: Record<string, AnchorPeersGroup> } } } } } } }> };
    };
    const orgs = json.data.data[0]?.payload.data.config.channel_group.groups.Application.groups ?? {};
    for (const peer of [net.peers.org1, net.peers.org2]) {
      const anchors = orgs[peer.mspId]?.values.AnchorPeers?.value.anchor_peers ?? [];
      assert.deepEqual(anchors.map((a) => `${a.host}:${String(a.port)}`), [peer.address]);
    }
  });

  test(`a chaincode needing ${BOTH_PEERS}: instantiated by Org1, then an invoke endorsed by Org1 alone is ENDORSEMENT_POLICY_FAILURE on both peers`, async () => {
    const { org1, org2 } = net.peers;
    const ccDir = await installedFixture('counter');
    // Each CLI call is a process start: those that do not depend on each other run side by side.
    await Promise.all([org1, org2].map(async (peer) => {
      await cli(peer, ['chaincode', 'install', fixtureSource('counter'), '-n', 'strict', '-v', '1.0', '-l', 'node']);
      await peer.startDevChaincode(ccDir, 'strict:1.0');
    }));
    const instantiated = await cli(org1, [
      'chaincode', 'instantiate', '-C', net.channel, '-n', 'strict', '-v', '1.0', '-c', '{"Args":["init","7"]}', '-P', BOTH_PEERS, ...net.orderer.cliFlags,
    ]);
    assert.match(instantiated, /VALID in block 1\)\n$/);

    // The CLI endorses on one peer only (it has no --peerAddresses), so the policy cannot be met.
    const invoke = await runWeft(['chaincode', 'invoke', '-C', net.channel, '-n', 'strict', '-c', '{"Args":["add","5"]}', ...net.orderer.cliFlags], org1.cliEnv('User1'));
    assert.equal(invoke.code, 1, invoke.stdout);
    assert.match(invoke.stderr, /^Error: transaction [0-9a-f]{64} invalidated with status \(ENDORSEMENT_POLICY_FAILURE\) in block 2$/);

    // Org2's peer got both blocks from the orderer on its own, and validated them alike.
    const info1 = await chainInfo(org1, net.channel);
    assert.equal(info1.height, 3);
    assert.deepEqual(await heightReached(org2, net.channel, 3), info1);
    const expected = [[1, TxValidationCode.VALID], [2, TxValidationCode.ENDORSEMENT_POLICY_FAILURE]] as const;
    await Promise.all(expected.map(async ([number, code]) => {
      const [on1, on2] = await Promise.all([fetchBlock(org1, net.channel, number), fetchBlock(org2, net.channel, number)]);
      assert.deepEqual(on2.getHeader()?.toObject(), on1.getHeader()?.toObject());
      assert.deepEqual(validationCodes(on1), [code], `block ${String(number)} on ${org1.id}`);
      assert.deepEqual(validationCodes(on2), [code], `block ${String(number)} on ${org2.id}`);
    }));
    // Init's write is on both peers' state, and the invalid transaction's on neither.
    const values = await Promise.all([org1, org2].map((peer) => cli(peer, ['chaincode', 'query', '-C', net.channel, '-n', 'strict', '-c', '{"Args":["get"]}'])));
    assert.deepEqual(values, ['7\n', '7\n']);
  });

  test(`the Gateway of either peer collects the endorsements ${BOTH_PEERS} needs from the other organisation's peer`, async () => {
    const { org1, org2 } = net.peers;
    const connectTo = async (peer: NetworkPeer): Promise<GatewayConnection> =>
      connectGateway({ address: peer.address, mspId: peer.mspId, mspDir: peer.userMsp, tlsRootCert: await readFile(peer.tlsRootCert) });
    const [via1, via2] = await Promise.all([connectTo(org1), connectTo(org2)]);
    try {
      const strict1 = via1.gateway.getNetwork(net.channel).getContract('strict');
      const strict2 = via2.gateway.getNetwork(net.channel).getContract('strict');
      // Org1's gateway endorses on its own peer, finds the policy unmet, and asks Org2's anchor peer.
      assert.equal(Buffer.from(await strict1.submitTransaction('add', '5')).toString(), '12');
      // The same from Org2's side, submitted to the ordering service over TLS.
      const submitted = await strict2.submitAsync('add', { arguments: ['1'] });
      const status = await submitted.getStatus();
      assert.equal(status.code, StatusCode.VALID);
      // Org2's peer has committed it; Org1's commits the block when its own Deliver brings it.
      await heightReached(org1, net.channel, Number(status.blockNumber) + 1);
      assert.equal(Buffer.from(await strict1.evaluateTransaction('get')).toString(), '13');
      assert.equal(Buffer.from(await strict2.evaluateTransaction('get')).toString(), '13');

      // Endorsement restricted by the client to Org1: the transaction is ordered but invalid.
      const onlyOrg1 = await strict1.newProposal('add', { arguments: ['100'], endorsingOrganizations: ['Org1MSP'] }).endorse();
      assert.equal((await (await onlyOrg1.submit()).getStatus()).code, StatusCode.ENDORSEMENT_POLICY_FAILURE);
      // An organisation with no peer on the channel cannot endorse.
      await assert.rejects(strict1.newProposal('add', { arguments: ['1'], endorsingOrganizations: ['Org9MSP'] }).endorse(), (err: unknown) => {
        assert.ok(err instanceof EndorseError, String(err));
        assert.match(err.message, /failed to find any endorsing peers for org\(s\): Org9MSP/);
        return true;
      });
      // Evaluated on the other organisation's peer when the client names it.
      assert.equal(Buffer.from(await strict1.evaluate('get', { endorsingOrganizations: ['Org2MSP'] })).toString(), '13');
    } finally {
      via1.close();
      via2.close();
    }
  });

  test("the Gateway's refusals, as Fabric's gateway gives them: FAILED_PRECONDITION, DEADLINE_EXCEEDED, UNAVAILABLE", async () => {
    const { org1 } = net.peers;
    const via1 = await connectGateway({ address: org1.address, mspId: org1.mspId, mspDir: org1.userMsp, tlsRootCert: await readFile(org1.tlsRootCert) });
    try {
      const strict = via1.gateway.getNetwork(net.channel).getContract('strict');
      // Transient data would go to Org2, which is in no private data collection of the chaincode.
      const transientData = { secret: Buffer.from('s3cret') };
      await assert.rejects(strict.newProposal('add', { arguments: ['1'], transientData }).endorse(), (err: unknown) => {
        assert.ok(err instanceof EndorseError, String(err));
        assert.equal(err.code, FAILED_PRECONDITION);
        assert.match(err.message, /not in the distribution policy of the private data collection\(s\): \[Org2MSP\]; retry specifying trusted endorsing organizations/);
        return true;
      });
      // Named by the client, the organisations are trusted with it.
      const trusted = await strict.newProposal('add', { arguments: ['1'], transientData, endorsingOrganizations: ['Org1MSP', 'Org2MSP'] }).endorse();
      assert.equal((await (await trusted.submit()).getStatus()).code, StatusCode.VALID);
      await assert.rejects(strict.evaluate('get', { endorsingOrganizations: ['Org9MSP'] }), (err: unknown) => {
        assert.ok(err instanceof GatewayError, String(err));
        assert.equal(err.code, FAILED_PRECONDITION);
        return true;
      });
      // A chaincode that never answers: the gateway's endorsement timeout (2s here).
      await assert.rejects(strict.evaluateTransaction('hang'), (err: unknown) => {
        assert.ok(err instanceof GatewayError, String(err));
        assert.equal(err.code, DEADLINE_EXCEEDED);
        assert.match(err.message, /evaluate timeout expired/);
        return true;
      });
      // With the ordering service down, submits fail UNAVAILABLE, naming the orderer.
      await net.orderer.process.stop();
      await assert.rejects(strict.submitTransaction('add', '1'), (err: unknown) => {
        assert.ok(err instanceof GatewayError && err.name === 'SubmitError', String(err));
        assert.equal(err.code, UNAVAILABLE);
        assert.match(err.message, /no orderers could successfully process transaction/);
        assert.deepEqual(err.details.map((d) => d.address), [net.orderer.address]);
        return true;
      });
    } finally {
      via1.close();
    }
  });
});
