import { KvLedgerProvider } from '../../src/ledger/kv-ledger-provider.js';
import type { LedgerManager, PeerLedger } from '../../src/ledger/ledger.js';
import { after } from 'node:test';
import { tempDir } from './temp-dir.js';

/** A real channel ledger on LevelDB in a temporary folder, closed when the test file ends. */
export async function testLedger(channelId = 'testchannel'): Promise<{ ledger: PeerLedger; provider: LedgerManager; root: string }> {
  const root = await tempDir('weft-ledger-');
  const provider = await KvLedgerProvider.start({ rootPath: root });
  after(() => provider.close());
  const ledger = await provider.create(channelId);
  return { ledger, provider, root };
}
