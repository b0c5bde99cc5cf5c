import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { after } from 'node:test';
import { LsccDefinitionSource } from '../../src/chaincode/lscc-definition-source.js';
import { ChannelBundle } from '../../src/channel/channel-bundle.js';
import { builtInProfile } from '../../src/channelconfig/built-in-profile.js';
import { genesisBlockOfProfile } from '../../src/channelconfig/config-block.js';
import type { ConfigtxProfile } from '../../src/channelconfig/configtx.js';
import { createSignedProposal } from '../../src/client/signed-proposal.js';
import { createTransactionEnvelope } from '../../src/client/transaction-envelope.js';
import type { Block, Envelope } from '../../src/common/protos/common.js';
import { ChaincodeData, ChaincodeID, Response } from '../../src/common/protos/peer.js';
import {
  ChaincodeAction,
  Endorsement,
  HeaderType,
  Header,
  Proposal,
  ProposalResponse,
  ProposalResponsePayload,
  type SignedProposal,
} from '../../src/common/protos/proposal.js';
import { createEndorserTxEnvelope, KvLedgerProvider, newBlock, type PeerLedger } from '../../src/ledger/index.js';
import { generateCrypto } from '../../src/msp/cryptogen/index.js';
import { loadSigningIdentity, type SigningIdentity } from '../../src/msp/signing-identity.js';
import { parseSignaturePolicy } from '../../src/policies/signature-policy-dsl.js';
import { signBlock } from './orderer-signature.js';
import { tempDir } from './temp-dir.js';

export const TWO_ORG_CHANNEL = 'twoorgs';

const providers: Array<{ close(): Promise<void> }> = [];
// Registered at the top of the test file (a hook registered inside another would run too early).
after(async () => {
  for (const provider of providers.splice(0)) await provider.close();
});

/** The identities of a two-organisation channel made with cryptogen. */
export interface TwoOrgIdentities {
  org1Admin: SigningIdentity;
  org1User: SigningIdentity;
  org1Peer: SigningIdentity;
  org2Peer: SigningIdentity;
  org2User: SigningIdentity;
  orderer: SigningIdentity;
  /** An organisation that is not on the channel. */
  org3User: SigningIdentity;
}

let made: Promise<{ cryptoDir: string; profile: ConfigtxProfile; ids: TwoOrgIdentities }> | undefined;

/** Org1, Org2 (on the channel), Org3 (not) and the orderer org, generated once per test file. */
export function twoOrgCrypto(): Promise<{ cryptoDir: string; profile: ConfigtxProfile; ids: TwoOrgIdentities }> {
  made ??= (async () => {
    const cryptoDir = join(await tempDir('weft-2org-'), 'crypto');
    const org = (n: number) => ({ name: `Org${n}`, domain: `org${n}.example.com`, enableNodeOUs: true, template: { count: 1 }, users: { count: 1 } });
    await generateCrypto(
      { ordererOrgs: [{ name: 'Orderer', domain: 'example.com', enableNodeOUs: true, specs: [{ hostname: 'orderer' }] }], peerOrgs: [org(1), org(2), org(3)] },
      cryptoDir,
    );
    const base = builtInProfile(cryptoDir);
    const application = base.application;
    if (application === undefined) throw new Error('the built-in profile has an application section');
    const org1 = application.organizations[0];
    if (org1 === undefined) throw new Error('the built-in profile has Org1');
    const org2 = {
      ...org1,
      name: 'Org2MSP',
      id: 'Org2MSP',
      mspDir: join(cryptoDir, 'peerOrganizations/org2.example.com/msp'),
      policies: (org1.policies ?? []).map(([name, p]) => [name, { ...p, rule: p.rule.replaceAll('Org1MSP', 'Org2MSP') }] as [string, typeof p]),
    };
    const profile: ConfigtxProfile = { ...base, application: { ...application, organizations: [org1, org2] } };
    const msp = (path: string) => join(cryptoDir, path, 'msp');
    const ids: TwoOrgIdentities = {
      org1Admin: await loadSigningIdentity(msp('peerOrganizations/org1.example.com/users/Admin@org1.example.com'), 'Org1MSP'),
      org1User: await loadSigningIdentity(msp('peerOrganizations/org1.example.com/users/User1@org1.example.com'), 'Org1MSP'),
      org1Peer: await loadSigningIdentity(msp('peerOrganizations/org1.example.com/peers/peer0.org1.example.com'), 'Org1MSP'),
      org2Peer: await loadSigningIdentity(msp('peerOrganizations/org2.example.com/peers/peer0.org2.example.com'), 'Org2MSP'),
      org2User: await loadSigningIdentity(msp('peerOrganizations/org2.example.com/users/User1@org2.example.com'), 'Org2MSP'),
      orderer: await loadSigningIdentity(msp('ordererOrganizations/example.com/orderers/orderer.example.com'), 'OrdererMSP'),
      org3User: await loadSigningIdentity(msp('peerOrganizations/org3.example.com/users/User1@org3.example.com'), 'Org3MSP'),
    };
    return { cryptoDir, profile, ids };
  })();
  return made;
}

/** A two-org channel on a real ledger in a temporary folder, with its bundle (expiry not enforced) and lscc definitions. */
export async function twoOrgChannel(): Promise<{
  ids: TwoOrgIdentities;
  profile: ConfigtxProfile;
  genesis: Block;
  ledger: PeerLedger;
  bundle: ChannelBundle;
  definitions: LsccDefinitionSource;
}> {
  const { ids, profile } = await twoOrgCrypto();
  const genesis = await genesisBlockOfProfile(profile, TWO_ORG_CHANNEL);
  const provider = await KvLedgerProvider.start({ rootPath: await tempDir('weft-ledger-'), sync: false });
  providers.push(provider);
  const ledger = await provider.create(genesis);
  const bundle = ChannelBundle.fromBlock(genesis, { checkExpiry: false });
  const definitions = new LsccDefinitionSource({ ledgers: { getLedger: (id) => (id === TWO_ORG_CHANNEL ? ledger : undefined) } });
  return { ids, profile, genesis, ledger, bundle, definitions };
}

/** Records chaincode definitions in lscc's namespace, committing straight to the ledger (set-up, not under test). */
export async function defineChaincodes(ledger: PeerLedger, defs: Array<{ name: string; version: string; policy: string }>): Promise<void> {
  const txId = `define-${defs.map((d) => d.name).join('-')}-${Date.now()}`;
  const sim = await ledger.newTxSimulator(txId);
  for (const def of defs) {
    const data = new ChaincodeData();
    data.setName(def.name);
    data.setVersion(def.version);
    data.setEscc('escc');
    data.setVscc('vscc');
    data.setPolicy(parseSignaturePolicy(def.policy));
    sim.setState('lscc', def.name, data.serializeBinary());
  }
  const results = sim.getTxSimulationResults();
  sim.done();
  const info = await ledger.getBlockchainInfo();
  const envelope = createEndorserTxEnvelope({ channelId: ledger.channelId, txId, results, chaincodeName: 'lscc' });
  await ledger.commit(newBlock({ number: info.getHeight(), previousHash: info.getCurrentblockhash_asU8(), envelopes: [envelope] }));
}

export interface EndorsedTxRequest {
  creator: SigningIdentity;
  chaincode: string;
  version?: string;
  endorsers: readonly SigningIdentity[];
  /** Reads then writes, per namespace, simulated on the ledger. */
  reads?: Record<string, string[]>;
  writes?: Record<string, Record<string, string | Uint8Array>>;
  args?: Array<string | Uint8Array>;
  channelId?: string;
}

/**
 * A transaction as a client assembles it: a signed proposal (src/client/signed-proposal.ts), one
 * response per endorser signed as Weft's endorser signs (payload || endorser), and the envelope
 * (src/client/transaction-envelope.ts) signed by the creator. The read-write set is simulated on the ledger.
 */
export async function endorsedTx(ledger: PeerLedger, req: EndorsedTxRequest): Promise<{ envelope: Envelope; txId: string; signed: SignedProposal }> {
  const { signed, txId } = createSignedProposal({
    channelId: req.channelId ?? ledger.channelId,
    chaincodeName: req.chaincode,
    args: (req.args ?? ['invoke']).map((a) => (typeof a === 'string' ? Buffer.from(a) : a)),
    headerType: HeaderType.ENDORSER_TRANSACTION,
    signer: req.creator,
  });
  const sim = await ledger.newTxSimulator(txId);
  for (const [ns, keys] of Object.entries(req.reads ?? {})) for (const key of keys) await sim.getState(ns, key);
  for (const [ns, writes] of Object.entries(req.writes ?? {})) {
    for (const [key, value] of Object.entries(writes)) sim.setState(ns, key, typeof value === 'string' ? Buffer.from(value) : value);
  }
  const results = sim.getTxSimulationResults().pubSimulationBytes;
  sim.done();
  const responses = endorse(signed, { chaincode: req.chaincode, version: req.version ?? '1.0', results, endorsers: req.endorsers });
  return { envelope: createTransactionEnvelope(signed, responses, req.creator), txId, signed };
}

/** The endorsers' responses to a proposal: one ChaincodeAction, each endorser's signature over it. */
export function endorse(
  signed: SignedProposal,
  action: { chaincode: string; version: string; results: Uint8Array; endorsers: readonly SigningIdentity[] },
): ProposalResponse[] {
  const proposal = Proposal.deserializeBinary(signed.getProposalBytes_asU8());
  const header = Header.deserializeBinary(proposal.getHeader_asU8());
  const proposalHash = createHash('sha256')
    .update(header.getChannelHeader_asU8())
    .update(header.getSignatureHeader_asU8())
    .update(proposal.getPayload_asU8())
    .digest();
  const response = new Response();
  response.setStatus(200);
  const cca = new ChaincodeAction();
  cca.setResults(action.results);
  cca.setResponse(response);
  const id = new ChaincodeID();
  id.setName(action.chaincode);
  id.setVersion(action.version);
  cca.setChaincodeId(id);
  const prp = new ProposalResponsePayload();
  prp.setProposalHash(proposalHash);
  prp.setExtension$(cca.serializeBinary());
  const payload = prp.serializeBinary();
  return action.endorsers.map((endorser) => {
    const e = new Endorsement();
    e.setEndorser(endorser.serialize());
    e.setSignature(endorser.sign(Buffer.concat([payload, endorser.serialize()])));
    const pr = new ProposalResponse();
    pr.setResponse(response);
    pr.setPayload(payload);
    pr.setEndorsement(e);
    return pr;
  });
}

/** The next block of the ledger holding the envelopes, signed by the orderer. */
export async function nextBlock(ledger: PeerLedger, envelopes: ReadonlyArray<Envelope | Uint8Array>, orderer: SigningIdentity): Promise<Block> {
  const info = await ledger.getBlockchainInfo();
  return signBlock(newBlock({ number: info.getHeight(), previousHash: info.getCurrentblockhash_asU8(), envelopes }), [orderer]);
}
