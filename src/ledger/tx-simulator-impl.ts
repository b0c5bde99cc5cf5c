import type { KeyRead, KeyWrite, NamespaceRwSet, TxSimulationResults, TxSimulator, Version } from './ledger.js';
import { LedgerError } from './ledger-error.js';

/** Reads committed state; implemented by the channel's ledger. */
export interface CommittedState {
  getVersioned(namespace: string, key: string): Promise<{ value: Uint8Array; version: Version } | undefined>;
}

interface NamespaceSets {
  reads: Map<string, KeyRead>;
  writes: Map<string, KeyWrite>;
}

/**
 * A transaction simulator: reads go to committed state and are recorded with the version seen;
 * writes are kept aside. As in Fabric, a read after a write still sees committed state.
 */
export class TxSimulatorImpl implements TxSimulator {
  private readonly sets = new Map<string, NamespaceSets>();
  private finished = false;

  constructor(
    readonly txId: string,
    private readonly state: CommittedState,
  ) {}

  async getState(namespace: string, key: string): Promise<Uint8Array | undefined> {
    this.checkOpen();
    const found = await this.state.getVersioned(namespace, key);
    const reads = this.namespace(namespace).reads;
    if (!reads.has(key)) reads.set(key, { key, version: found?.version });
    return found?.value;
  }

  setState(namespace: string, key: string, value: Uint8Array): void {
    this.checkOpen();
    this.namespace(namespace).writes.set(key, { key, value, isDelete: false });
  }

  deleteState(namespace: string, key: string): void {
    this.checkOpen();
    this.namespace(namespace).writes.set(key, { key, value: undefined, isDelete: true });
  }

  getTxSimulationResults(): TxSimulationResults {
    const namespaces: NamespaceRwSet[] = [];
    for (const namespace of [...this.sets.keys()].sort()) {
      const sets = this.sets.get(namespace);
      if (sets === undefined) continue;
      namespaces.push({
        namespace,
        reads: [...sets.reads.values()].sort(byKey),
        writes: [...sets.writes.values()].sort(byKey),
      });
    }
    return { txId: this.txId, namespaces };
  }

  done(): void {
    this.finished = true;
  }

  private namespace(namespace: string): NamespaceSets {
    let sets = this.sets.get(namespace);
    if (sets === undefined) {
      sets = { reads: new Map(), writes: new Map() };
      this.sets.set(namespace, sets);
    }
    return sets;
  }

  private checkOpen(): void {
    if (this.finished) throw new LedgerError('SIMULATOR_DONE', `tx simulator for txid [${this.txId}] already done`);
  }
}

function byKey(a: { key: string }, b: { key: string }): number {
  return a.key < b.key ? -1 : a.key > b.key ? 1 : 0;
}
