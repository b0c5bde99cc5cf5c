import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { BroadcastClient } from '../../src/client/broadcast-client.js';
import { DeliverClient } from '../../src/client/deliver-client.js';
import { EndorserClient } from '../../src/client/endorser-client.js';
import { createSignedProposal } from '../../src/client/signed-proposal.js';
import { createTransactionEnvelope } from '../../src/client/transaction-envelope.js';
import type { Block } from '../../src/common/protos/common.js';
import { TxValidationCode } from '../../src/common/protos/orderer.js';
import { HeaderType } from '../../src/common/protos/proposal.js';
import { defaultCryptoDir, defaultUserIdentity } from '../../src/msp/default-identities.js';
import { loadSigningIdentity, type SigningIdentity } from '../../src/msp/signing-identity.js';
import { tempDir } from '../helpers/temp-dir.js';
import { messageOf, peerAddressOf, WeftProcess } from '../helpers/weft-process.js';

const CHANNEL = 'crash';
const ROUNDS = 3;
const WORKERS = 4;

/** A running `weft node start` with its embedded orderer: where each listens. */
interface Running {
  proc: WeftProcess;
  peer: string;
  orderer: string;
}

async function startPeer(env: NodeJS.ProcessEnv): Promise<Running> {
  const proc = new WeftProcess(['node', 'start', '--join', CHANNEL], env);
  const peer = await peerAddressOf(proc);
  await proc.waitFor(/Started peer/);
  const line = proc.lines.map(messageOf).find((m) => m.startsWith('Beginning to serve requests on ')) ?? '';
  return { proc, peer, orderer: line.replace('Beginning to serve requests on ', '') };
}

/**
 * Transactions sent without pause by a few workers (endorse, broadcast), until the peer goes away;
 * resolves the txids the peer reported committed VALID on DeliverFiltered before it died.
 */
async function load(running: Running, admin: SigningIdentity, stop: AbortSignal): Promise<Set<string>> {
  const committed = new Set<string>();
  const deliver = await DeliverClient.connect(running.peer, { service: 'peer', signer: admin });
  const watch = (async () => {
    try {
      for await (const block of deliver.filteredBlocks({ channelId: CHANNEL, start: 'newest' })) {
        for (const tx of block.getFilteredTransactionsList()) if (tx.getTxValidationCode() === TxValidationCode.VALID) committed.add(tx.getTxid());
      }
    } catch {
      // the peer was killed: what was seen before is the result
    }
  })();
  const endorser = await EndorserClient.connect(running.peer);
  const orderer = await BroadcastClient.connect(running.peer);
  const worker = async (): Promise<void> => {
    while (!stop.aborted) {
      try {
        // qscc's GetChainInfo: a transaction every member may send, valid when committed.
        const { signed } = createSignedProposal({
          channelId: CHANNEL,
          chaincodeName: 'qscc',
          args: [Buffer.from('GetChainInfo'), Buffer.from(CHANNEL)],
          headerType: HeaderType.ENDORSER_TRANSACTION,
          signer: admin,
        });
        await orderer.send(createTransactionEnvelope(signed, await endorser.send(signed), admin));
      } catch {
        return;
      }
    }
  };
  await Promise.all(Array.from({ length: WORKERS }, worker));
  await watch;
  endorser.close();
  orderer.close();
  deliver.close();
  return committed;
}

/** Every block of a chain, through a Deliver service, oldest to `last`. */
async function chain(address: string, service: 'peer' | 'orderer', admin: SigningIdentity, last: number): Promise<Block[]> {
  const client = await DeliverClient.connect(address, { service, signer: admin });
  try {
    const blocks: Block[] = [];
    for await (const block of client.blocks({ channelId: CHANNEL, start: 'oldest', stop: last })) blocks.push(block);
    return blocks;
  } finally {
    client.close();
  }
}

describe('a peer killed (SIGKILL) while it orders and commits', () => {
  test(`restarts, catches up with its orderer's chain, and keeps every transaction it reported committed (${ROUNDS} rounds)`, { timeout: 120_000 }, async (t) => {
    const dir = await tempDir('weft-crash-');
    const env = {
      CORE_PEER_FILESYSTEMPATH: join(dir, 'data'),
      CORE_PEER_CHAINCODELISTENADDRESS: '127.0.0.1:0',
      CORE_PEER_LISTENADDRESS: '127.0.0.1:0',
      CORE_PEER_ORDERER_LISTENADDRESS: '127.0.0.1:0',
      CORE_PEER_ORDERER_ADMINLISTENADDRESS: '127.0.0.1:0',
    };
    let running = await startPeer(env);
    const admin = await loadSigningIdentity(defaultUserIdentity(defaultCryptoDir(env.CORE_PEER_FILESYSTEMPATH), 'Admin').mspDir, 'Org1MSP');
    const reported = new Set<string>();
    for (let round = 0; round < ROUNDS; round++) {
      const stop = new AbortController();
      const loaded = load(running, admin, stop.signal);
      // Killed at a different point of the flow each round: mid-batch, mid-write, mid-commit.
      await new Promise((resolve) => setTimeout(resolve, 400 + round * 250));
      await running.proc.stop('SIGKILL');
      stop.abort();
      for (const txId of await loaded) reported.add(txId);

      running = await startPeer(env);
      // The orderer's chain as it restarted; the peer pulls what it lacks, then both chains are one.
      const ordered = await orderedChain(running.orderer, admin);
      // Waits (BLOCK_UNTIL_READY) until the peer has committed the orderer's newest block.
      const committed = await chain(running.peer, 'peer', admin, ordered.length - 1);
      assert.equal(committed.length, ordered.length, `round ${round}: the peer's ledger has the orderer's height`);
      const seen = new Map<string, number>();
      for (let n = 0; n < ordered.length; n++) {
        const mine = committed[n];
        const theirs = ordered[n];
        assert.ok(mine !== undefined && theirs !== undefined);
        assert.deepEqual(Buffer.from(mine.getHeader()?.serializeBinary() ?? []), Buffer.from(theirs.getHeader()?.serializeBinary() ?? []), `round ${round}: block ${n} differs`);
      }
      // No transaction twice; every one the peer reported committed is in its ledger, VALID.
      const filtered = await filteredChain(running.peer, admin, ordered.length - 1);
      for (const [txId, code] of filtered) {
        assert.equal(seen.has(txId), false, `round ${round}: ${txId} committed twice`);
        seen.set(txId, code);
      }
      for (const txId of reported) assert.equal(seen.get(txId), TxValidationCode.VALID, `round ${round}: ${txId} was reported committed, then lost`);
      t.diagnostic(`round ${round}: height ${ordered.length}, ${seen.size} transactions on the chain, ${reported.size} reported committed before the kills`);
    }
    assert.ok(reported.size > 0, 'transactions were committed before the kills');
    assert.equal(await running.proc.stop(), 0);
  });
});

/** The orderer's whole chain, read until its newest block. */
async function orderedChain(address: string, admin: SigningIdentity): Promise<Block[]> {
  const client = await DeliverClient.connect(address, { service: 'orderer', signer: admin });
  let newest = 0;
  try {
    for await (const block of client.blocks({ channelId: CHANNEL, start: 'newest', stop: 'newest' })) newest = block.getHeader()?.getNumber() ?? 0;
  } finally {
    client.close();
  }
  return chain(address, 'orderer', admin, newest);
}

/** Each transaction of the peer's chain up to `last`, with its validation code, in order. */
async function filteredChain(address: string, admin: SigningIdentity, last: number): Promise<Array<[string, number]>> {
  const client = await DeliverClient.connect(address, { service: 'peer', signer: admin });
  const txs: Array<[string, number]> = [];
  try {
    for await (const block of client.filteredBlocks({ channelId: CHANNEL, start: 'oldest', stop: last })) {
      for (const tx of block.getFilteredTransactionsList()) if (tx.getTxid() !== '') txs.push([tx.getTxid(), tx.getTxValidationCode()]);
    }
  } finally {
    client.close();
  }
  return txs;
}
