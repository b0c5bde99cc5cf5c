import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { ChannelBundle } from '../../src/channel/channel-bundle.js';
import { DeliverClient } from '../../src/client/deliver-client.js';
import { GrpcListener } from '../../src/comm/grpc-listener.js';
import { ChaincodeEvent } from '../../src/common/protos/peer.js';
import { PeerDeliverService } from '../../src/deliver/deliver-service.js';
import { LedgerChainReader } from '../../src/deliver/ledger-chain-reader.js';
import { createEndorserTxEnvelope, KvLedgerProvider, newBlock, type PeerLedger } from '../../src/ledger/index.js';
import { defaultUserIdentity } from '../../src/msp/default-identities.js';
import { loadSigningIdentity, type SigningIdentity } from '../../src/msp/signing-identity.js';
import { AccessControl } from '../../src/peer/access-control.js';
import { ChannelRegistry } from '../../src/peer/channel-registry.js';
import { captureLogging } from '../helpers/capture-logging.js';
import { testConfigBlock, testCrypto } from '../helpers/channel-block.js';
import { OpensslCa, writeMspFolder } from '../helpers/openssl-ca.js';
import { tempDir } from '../helpers/temp-dir.js';

export const CHANNEL = 'mychannel';
const ORG1_SUBJECT = '/C=US/ST=North Carolina/L=Durham/O=org1.example.com';

/** A peer's Deliver service over a real ledger of a real channel (Org1 only), served over gRPC. */
export interface DeliverFixture {
  ledger: PeerLedger;
  reader: LedgerChainReader;
  address: string;
  lines: string[];
  /** User1 of Org1: a reader of the channel. */
  member: SigningIdentity;
  root: string;
  org1Ca(): Promise<OpensslCa>;
  /** Commits one block with one transaction per entry, each writing `key` (and setting an event when given); resolves the block number and the codes. */
  commit(txs?: Array<{ key: string; value?: string; event?: { name: string; payload: string }; readVersionOf?: string }>): Promise<{ number: number; codes: number[]; txIds: string[] }>;
  connect(signer: SigningIdentity): Promise<DeliverClient>;
  close(): Promise<void>;
}

export async function startDeliverFixture(): Promise<DeliverFixture> {
  const root = await tempDir('weft-deliver-');
  const cryptoDir = await testCrypto();
  const block = await testConfigBlock(CHANNEL);
  const provider = await KvLedgerProvider.start({ rootPath: root, sync: false });
  const ledger = await provider.create(block);
  const bundle = ChannelBundle.fromBlock(block);
  const channels = new ChannelRegistry();
  channels.add(ledger, bundle);
  const { logging, lines } = captureLogging('info');
  const access = new AccessControl({ channels, localMsp: bundle.msps, localMspId: 'Org1MSP', logger: logging.logger('aclmgmt') });
  const reader = await LedgerChainReader.open(ledger);
  const service = new PeerDeliverService({
    chains: (channelId) => (channelId === CHANNEL ? reader : undefined),
    checkACL: (resource, channelId, envelope) => {
      access.checkEnvelopeACL(resource, channelId, envelope);
    },
    logger: logging.logger('common.deliver'),
  });
  const listener = await GrpcListener.start('127.0.0.1:0', (server) => service.addTo(server));
  const clients: DeliverClient[] = [];
  const member = await loadSigningIdentity(defaultUserIdentity(join(cryptoDir), 'User1').mspDir, 'Org1MSP');
  let ca: Promise<OpensslCa> | undefined;
  let seq = 0;
  return {
    ledger,
    reader,
    address: listener.address,
    lines,
    member,
    root,
    org1Ca: () => {
      ca ??= (async () => {
        const caDir = join(cryptoDir, 'peerOrganizations', 'org1.example.com', 'ca');
        const caCert = (await readdir(caDir)).find((f) => f.endsWith('-cert.pem')) ?? '';
        return OpensslCa.open(join(root, 'org1-ca'), join(caDir, caCert), join(caDir, 'priv_sk'));
      })();
      return ca;
    },
    commit: async (txs = [{ key: 'k' }]) => {
      const info = await ledger.getBlockchainInfo();
      const number = info.getHeight();
      const txIds: string[] = [];
      const envelopes = [];
      for (const tx of txs) {
        const txId = `tx-${number}-${++seq}`;
        txIds.push(txId);
        const sim = await ledger.newTxSimulator(txId);
        if (tx.readVersionOf !== undefined) await sim.getState('cc', tx.readVersionOf);
        sim.setState('cc', tx.key, Buffer.from(tx.value ?? `v${number}`));
        const results = sim.getTxSimulationResults();
        sim.done();
        let events: Uint8Array | undefined;
        if (tx.event !== undefined) {
          const event = new ChaincodeEvent();
          event.setChaincodeId('cc');
          event.setTxId(txId);
          event.setEventName(tx.event.name);
          event.setPayload(Buffer.from(tx.event.payload));
          events = event.serializeBinary();
        }
        envelopes.push(createEndorserTxEnvelope({ channelId: CHANNEL, txId, results, chaincodeName: 'cc', events }));
      }
      const codes = await ledger.commit(newBlock({ number, previousHash: info.getCurrentblockhash_asU8(), envelopes }));
      reader.notifyCommitted(number);
      return { number, codes, txIds };
    },
    close: async () => {
      for (const c of clients) c.close();
      await listener.stop(100);
      await provider.close();
    },
    connect: async (signer) => {
      const client = await DeliverClient.connect(listener.address, { service: 'peer', signer });
      clients.push(client);
      return client;
    },
  };
}

/** An identity of Org1's CA made by openssl, with the given validity. */
export async function issueOrg1Client(fx: DeliverFixture, name: string, dates?: { start: string; end: string }): Promise<SigningIdentity> {
  const ca = await fx.org1Ca();
  const cert = await ca.issue(name, `${ORG1_SUBJECT}/OU=client/CN=${name}@org1.example.com`, dates);
  return loadSigningIdentity(await writeMspFolder(join(fx.root, `msp-${name}`), cert), 'Org1MSP');
}

/** openssl's date format (YYYYMMDDHHMMSSZ). */
export function opensslDate(date: Date): string {
  return `${date.toISOString().replace(/[-:T]/g, '').slice(0, 14)}Z`;
}

/** Everything an async iterable yields. */
export async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}
