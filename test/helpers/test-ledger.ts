import { after } from 'node:test';
import { createEndorserTxEnvelope, createGenesisBlock, KvLedgerProvider, newBlock } from '../../src/ledger/index.js';
import type { CollectionInfoProvider, LedgerManager, PeerLedger } from '../../src/ledger/index.js';
import { tempDir } from './temp-dir.js';

/** A real channel ledger on LevelDB in a temporary folder, closed when the test file ends. */
export async function testLedger(
  channelId = 'testchannel',
  collections?: CollectionInfoProvider,
): Promise<{ ledger: PeerLedger; provider: LedgerManager; root: string }> {
  const root = await tempDir('weft-ledger-');
  const provider = await KvLedgerProvider.start({ rootPath: root, sync: false, collections });
  after(() => provider.close());
  const ledger = await provider.create(createGenesisBlock(channelId));
  return { ledger, provider, root };
}

/** Commits one block with one transaction writing `writes` in namespace `ns`; returns the block number. */
export async function commitWrites(ledger: PeerLedger, ns: string, writes: Record<string, string>): Promise<number> {
  const txId = `commit-${Math.random().toString(16).slice(2)}`;
  const sim = await ledger.newTxSimulator(txId);
  for (const [key, value] of Object.entries(writes)) sim.setState(ns, key, Buffer.from(value));
  const results = sim.getTxSimulationResults();
  sim.done();
  const info = await ledger.getBlockchainInfo();
  const envelope = createEndorserTxEnvelope({ channelId: ledger.channelId, txId, results, chaincodeName: ns });
  const number = info.getHeight();
  await ledger.commit(newBlock({ number, previousHash: info.getCurrentblockhash_asU8(), envelopes: [envelope] }));
  return number;
}
