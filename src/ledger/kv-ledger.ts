import { BlockchainInfo } from '../common/protos/common.js';
import type { PeerLedger, QueryExecutor, TxSimulator, Version } from './ledger.js';
import type { KeyValueStore } from './state-store.js';
import { TxSimulatorImpl, type CommittedState } from './tx-simulator-impl.js';

// A stored state value: block number (8 bytes) and tx number (4 bytes), then the value itself.
const HEADER = 12;

/** One channel's ledger over the peer's shared state store. */
export class KvLedger implements PeerLedger, CommittedState {
  private readonly prefix: string;

  constructor(
    readonly channelId: string,
    private readonly store: KeyValueStore,
    private readonly onClose: () => void,
  ) {
    this.prefix = `${channelId}\x00`;
  }

  async getBlockchainInfo(): Promise<BlockchainInfo> {
    // This stand-in ledger holds no blocks yet.
    return new BlockchainInfo();
  }

  async newTxSimulator(txId: string): Promise<TxSimulator> {
    return new TxSimulatorImpl(txId, this);
  }

  async newQueryExecutor(): Promise<QueryExecutor> {
    return new TxSimulatorImpl('', this);
  }

  async getVersioned(namespace: string, key: string): Promise<{ value: Uint8Array; version: Version } | undefined> {
    const raw = await this.store.get(`${this.prefix}${namespace}\x00${key}`);
    if (raw === undefined) return undefined;
    const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
    return {
      version: { blockNum: view.getBigUint64(0), txNum: view.getUint32(8) },
      value: raw.subarray(HEADER),
    };
  }

  /** Writes a committed value; the commit path of the real ledger replaces this. */
  async putCommitted(namespace: string, key: string, value: Uint8Array, version: Version): Promise<void> {
    const raw = new Uint8Array(HEADER + value.length);
    const view = new DataView(raw.buffer);
    view.setBigUint64(0, version.blockNum);
    view.setUint32(8, version.txNum);
    raw.set(value, HEADER);
    await this.store.put(`${this.prefix}${namespace}\x00${key}`, raw);
  }

  async close(): Promise<void> {
    this.onClose();
  }
}
