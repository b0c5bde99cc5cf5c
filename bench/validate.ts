// Validation benchmark: the committer's TxValidator over realistic blocks, as the committer runs it:
// the creators' signatures of a block checked side by side on libuv's thread pool, the rest on the
// event loop (the endorsements too: they are checked as the endorsement policy is evaluated). Each
// transaction is what a client assembles: a proposal signed by User1 of Org1, a chaincode action
// with two writes endorsed by the peers of Org1 and Org2 (AND policy), the envelope signed by the
// client; so each costs three ECDSA P-256 verifications, besides the decoding. Blocks of 100, made
// before the clock starts; every transaction is new, so no verification is remembered.
// Then the question of worker threads: the same signatures verified in a loop on this thread, and
// by a pool of two worker threads each verifying batches of 100 (the machine has two cores).
import { createHash, verify } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { LsccDefinitionSource } from '../src/chaincode/lscc-definition-source.js';
import { ChannelBundle } from '../src/channel/channel-bundle.js';
import { TxValidator } from '../src/channel/tx-validator.js';
import { builtInProfile } from '../src/channelconfig/built-in-profile.js';
import { genesisBlockOfProfile } from '../src/channelconfig/config-block.js';
import { createSignedProposal } from '../src/client/signed-proposal.js';
import { createTransactionEnvelope } from '../src/client/transaction-envelope.js';
import { Logging } from '../src/common/logging/logging.js';
import type { Block } from '../src/common/protos/common.js';
import { ChaincodeData, ChaincodeID, Response } from '../src/common/protos/peer.js';
import { ChaincodeAction, Endorsement, Header, HeaderType, Proposal, ProposalResponse, ProposalResponsePayload } from '../src/common/protos/proposal.js';
import { createEndorserTxEnvelope, KvLedgerProvider, newBlock, type PeerLedger } from '../src/ledger/index.js';
import { generateCrypto } from '../src/msp/cryptogen/index.js';
import { loadSigningIdentity, type SigningIdentity } from '../src/msp/signing-identity.js';
import { parseSignaturePolicy } from '../src/policies/signature-policy-dsl.js';
import type { Benchmark, Report } from './harness.js';
import { median } from './harness.js';

const CHANNEL = 'benchchannel';
const TXS_PER_BLOCK = 100;
const BLOCKS = 10;
const ROUNDS = 3;

interface Identities {
  client: SigningIdentity;
  peer1: SigningIdentity;
  peer2: SigningIdentity;
}

async function run(report: Report): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'weft-bench-validate-'));
  const provider = await KvLedgerProvider.start({ rootPath: join(dir, 'ledgers'), sync: false });
  try {
    const { ids, genesis } = await twoOrgs(join(dir, 'crypto'));
    const ledger = await provider.create(genesis);
    await define(ledger);
    const bundle = ChannelBundle.fromBlock(genesis, { checkExpiry: false });
    const validator = new TxValidator(
      { channelId: CHANNEL },
      {
        definitions: new LsccDefinitionSource({ ledgers: { getLedger: () => ledger } }),
        ledger,
        logger: new Logging({ spec: 'warning' }).logger('committer.txvalidator'),
      },
    );
    // One block first: identities deserialized and policies compiled, as on a running peer.
    await validator.validate(await blockOf(ledger, ids, 0), bundle);
    const rates: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const blocks: Block[] = [];
      for (let b = 0; b < BLOCKS; b++) blocks.push(await blockOf(ledger, ids, round * BLOCKS + b + 1));
      const t0 = performance.now();
      for (const block of blocks) {
        const { codes } = await validator.validate(block, bundle);
        if (codes.some((c) => c !== 0)) throw new Error(`a benchmark transaction was invalid: ${codes.join(',')}`);
      }
      rates.push((BLOCKS * TXS_PER_BLOCK) / ((performance.now() - t0) / 1000));
    }
    report('validate_tx_per_s', median(rates), 'tx/s');
    await verifyOnThreads(report, ids);
  } finally {
    await provider.close();
    await rm(dir, { recursive: true, force: true });
  }
}

/** Org1 and Org2 (cryptogen), the built-in profile with both, and its genesis block. */
async function twoOrgs(cryptoDir: string): Promise<{ ids: Identities; genesis: Block }> {
  const org = (n: number) => ({ name: `Org${n}`, domain: `org${n}.example.com`, enableNodeOUs: true, template: { count: 1 }, users: { count: 1 } });
  await generateCrypto({ ordererOrgs: [{ name: 'Orderer', domain: 'example.com', enableNodeOUs: true, specs: [{ hostname: 'orderer' }] }], peerOrgs: [org(1), org(2)] }, cryptoDir);
  const base = builtInProfile(cryptoDir);
  const application = base.application;
  const org1 = application?.organizations[0];
  if (application === undefined || org1 === undefined) throw new Error('the built-in profile has an application org');
  const org2 = {
    ...org1,
    name: 'Org2MSP',
    id: 'Org2MSP',
    mspDir: join(cryptoDir, 'peerOrganizations/org2.example.com/msp'),
    policies: (org1.policies ?? []).map(([name, p]) => [name, { ...p, rule: p.rule.replaceAll('Org1MSP', 'Org2MSP') }] as [string, typeof p]),
  };
  const genesis = await genesisBlockOfProfile({ ...base, application: { ...application, organizations: [org1, org2] } }, CHANNEL);
  const msp = (path: string) => join(cryptoDir, 'peerOrganizations', path, 'msp');
  return {
    genesis,
    ids: {
      client: await loadSigningIdentity(msp('org1.example.com/users/User1@org1.example.com'), 'Org1MSP'),
      peer1: await loadSigningIdentity(msp('org1.example.com/peers/peer0.org1.example.com'), 'Org1MSP'),
      peer2: await loadSigningIdentity(msp('org2.example.com/peers/peer0.org2.example.com'), 'Org2MSP'),
    },
  };
}

/** The benchmark chaincode's definition in lscc's namespace. */
async function define(ledger: PeerLedger): Promise<void> {
  const data = new ChaincodeData();
  data.setName('bench');
  data.setVersion('1.0');
  data.setEscc('escc');
  data.setVscc('vscc');
  data.setPolicy(parseSignaturePolicy("AND('Org1MSP.peer','Org2MSP.peer')"));
  const sim = await ledger.newTxSimulator('define');
  sim.setState('lscc', 'bench', data.serializeBinary());
  const results = sim.getTxSimulationResults();
  sim.done();
  const info = await ledger.getBlockchainInfo();
  const envelope = createEndorserTxEnvelope({ channelId: CHANNEL, txId: 'define', results, chaincodeName: 'lscc' });
  await ledger.commit(newBlock({ number: info.getHeight(), previousHash: info.getCurrentblockhash_asU8(), envelopes: [envelope] }));
}

/** A block of signed, endorsed transactions, each writing two keys of its own. */
async function blockOf(ledger: PeerLedger, ids: Identities, n: number): Promise<Block> {
  const envelopes: Uint8Array[] = [];
  for (let t = 0; t < TXS_PER_BLOCK; t++) {
    const { signed, txId } = createSignedProposal({
      channelId: CHANNEL,
      chaincodeName: 'bench',
      args: [Buffer.from('put'), Buffer.from(`key-${n}-${t}`)],
      headerType: HeaderType.ENDORSER_TRANSACTION,
      signer: ids.client,
    });
    const sim = await ledger.newTxSimulator(txId);
    sim.setState('bench', `key-${n}-${t}-a`, Buffer.alloc(64, 0x61));
    sim.setState('bench', `key-${n}-${t}-b`, Buffer.alloc(64, 0x62));
    const results = sim.getTxSimulationResults().pubSimulationBytes;
    sim.done();
    const proposal = Proposal.deserializeBinary(signed.getProposalBytes_asU8());
    const header = Header.deserializeBinary(proposal.getHeader_asU8());
    const response = new Response();
    response.setStatus(200);
    const action = new ChaincodeAction();
    action.setResults(results);
    action.setResponse(response);
    const id = new ChaincodeID();
    id.setName('bench');
    id.setVersion('1.0');
    action.setChaincodeId(id);
    const prp = new ProposalResponsePayload();
    prp.setProposalHash(createHash('sha256').update(header.getChannelHeader_asU8()).update(header.getSignatureHeader_asU8()).update(proposal.getPayload_asU8()).digest());
    prp.setExtension$(action.serializeBinary());
    const payload = prp.serializeBinary();
    const responses = [ids.peer1, ids.peer2].map((peer) => {
      const e = new Endorsement();
      e.setEndorser(peer.serialize());
      e.setSignature(peer.sign(Buffer.concat([payload, peer.serialize()])));
      const pr = new ProposalResponse();
      pr.setResponse(response);
      pr.setPayload(payload);
      pr.setEndorsement(e);
      return pr;
    });
    envelopes.push(createTransactionEnvelope(signed, responses, ids.client).serializeBinary());
  }
  const info = await ledger.getBlockchainInfo();
  return newBlock({ number: info.getHeight(), previousHash: info.getCurrentblockhash_asU8(), envelopes });
}

// A worker verifies the batches it is sent: [{key (PEM), data, signature}] -> one boolean each.
const WORKER = `
const { parentPort } = require('node:worker_threads');
const { createPublicKey, verify } = require('node:crypto');
const keys = new Map();
parentPort.on('message', (batch) => {
  parentPort.postMessage(batch.map(({ key, data, signature }) => {
    let k = keys.get(key);
    if (k === undefined) { k = createPublicKey(key); keys.set(key, k); }
    return verify('sha256', data, k, signature);
  }));
});`;

/** ECDSA verifications per second: a loop on this thread, and two worker threads fed batches of 100. */
async function verifyOnThreads(report: Report, ids: Identities): Promise<void> {
  const total = 3000;
  const signers = [ids.client, ids.peer1, ids.peer2];
  const items = Array.from({ length: total }, (_, i) => {
    const signer = signers[i % 3] as SigningIdentity;
    const data = Buffer.from(`message ${i} `.repeat(40));
    return { key: signer.certificatePem, data, signature: signer.sign(data) };
  });
  const { createPublicKey } = await import('node:crypto');
  const keys = new Map(signers.map((s) => [s.certificatePem, createPublicKey(s.certificatePem)]));
  let t0 = performance.now();
  for (const item of items) if (!verify('sha256', item.data, keys.get(item.key) ?? item.key, item.signature)) throw new Error('bad signature');
  report('verify_per_s_main_thread', total / ((performance.now() - t0) / 1000), 'verify/s');

  const threads = Math.min(2, availableParallelism());
  const workers = Array.from({ length: threads }, () => new Worker(WORKER, { eval: true }));
  try {
    // Warm: each worker parses the keys once.
    await Promise.all(workers.map((w) => ask(w, items.slice(0, 3))));
    t0 = performance.now();
    const batches: Array<typeof items> = [];
    for (let i = 0; i < total; i += 100) batches.push(items.slice(i, i + 100));
    let next = 0;
    await Promise.all(
      workers.map(async (w) => {
        while (next < batches.length) {
          const batch = batches[next++] as typeof items;
          const results = await ask(w, batch);
          if (results.some((ok) => !ok)) throw new Error('bad signature');
        }
      }),
    );
    report(`verify_per_s_${threads}_worker_threads`, total / ((performance.now() - t0) / 1000), 'verify/s');
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
}

function ask(worker: Worker, batch: ReadonlyArray<{ key: string; data: Uint8Array; signature: Uint8Array }>): Promise<boolean[]> {
  return new Promise((resolve, reject) => {
    const onError = (err: Error): void => reject(err);
    worker.once('error', onError);
    worker.once('message', (results: boolean[]) => {
      worker.off('error', onError);
      resolve(results);
    });
    worker.postMessage(batch);
  });
}

export const validateBenchmark: Benchmark = { name: 'validate', run };
