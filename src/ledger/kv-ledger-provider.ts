import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { LedgerManager, PeerLedger } from './ledger.js';
import { LedgerError } from './ledger-error.js';
import { validateChannelId } from './channel-id.js';
import { KvLedger } from './kv-ledger.js';
import { openLevelStore, type KeyValueStore } from './state-store.js';

export interface KvLedgerProviderOptions {
  /** `peer.fileSystemPath`; ledgers live under `<root>/ledgersData`. */
  rootPath: string;
}

// Key prefix of the id store's record of each ledger.
const LEDGER_KEY = 'ledger\x00';
const UNDER_CONSTRUCTION = new Uint8Array([0]);

/**
 * Keeps every channel ledger of the peer: an id store listing the ledgers (Fabric's
 * `ledgerProvider` LevelDB) and one state database shared by all channels, keyed by channel.
 */
export class KvLedgerProvider implements LedgerManager {
  private readonly ledgers = new Map<string, KvLedger>();

  private constructor(
    private readonly idStore: KeyValueStore,
    private readonly stateStore: KeyValueStore,
  ) {}

  static async start(opts: KvLedgerProviderOptions): Promise<KvLedgerProvider> {
    const dir = join(opts.rootPath, 'ledgersData');
    await mkdir(dir, { recursive: true });
    const idStore = await openLevelStore(join(dir, 'ledgerProvider'));
    try {
      const stateStore = await openLevelStore(join(dir, 'stateLeveldb'));
      return new KvLedgerProvider(idStore, stateStore);
    } catch (err) {
      await idStore.close();
      throw err;
    }
  }

  async list(): Promise<string[]> {
    const ids: string[] = [];
    for await (const key of this.idStore.keys(LEDGER_KEY)) ids.push(key.slice(LEDGER_KEY.length));
    return ids.sort();
  }

  async exists(channelId: string): Promise<boolean> {
    return (await this.idStore.get(LEDGER_KEY + channelId)) !== undefined;
  }

  async create(channelId: string): Promise<PeerLedger> {
    validateChannelId(channelId);
    if (await this.exists(channelId)) {
      throw new LedgerError('LEDGER_EXISTS', `ledger [${channelId}] already exists`);
    }
    await this.idStore.put(LEDGER_KEY + channelId, UNDER_CONSTRUCTION);
    return this.openLedger(channelId);
  }

  async open(channelId: string): Promise<PeerLedger> {
    if (!(await this.exists(channelId))) {
      throw new LedgerError('LEDGER_NOT_FOUND', `ledger [${channelId}] does not exist`);
    }
    return this.openLedger(channelId);
  }

  async close(): Promise<void> {
    this.ledgers.clear();
    await this.stateStore.close();
    await this.idStore.close();
  }

  private openLedger(channelId: string): KvLedger {
    let ledger = this.ledgers.get(channelId);
    if (ledger === undefined) {
      ledger = new KvLedger(channelId, this.stateStore, () => this.ledgers.delete(channelId));
      this.ledgers.set(channelId, ledger);
    }
    return ledger;
  }
}
