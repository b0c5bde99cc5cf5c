import { compareKeys } from './key-order.js';
import type { Version } from './ledger.js';

/** A key's new state after a block: `value` undefined means deleted. */
export interface StateUpdate {
  value: Uint8Array | undefined;
  metadata: Map<string, Uint8Array> | undefined;
  version: Version;
}

/** The writes of a block's valid transactions so far, by namespace and key. */
export class StateUpdates {
  private readonly byNamespace = new Map<string, Map<string, StateUpdate>>();

  get(namespace: string, key: string): StateUpdate | undefined {
    return this.byNamespace.get(namespace)?.get(key);
  }

  set(namespace: string, key: string, update: StateUpdate): void {
    let keys = this.byNamespace.get(namespace);
    if (keys === undefined) {
      keys = new Map();
      this.byNamespace.set(namespace, keys);
    }
    keys.set(key, update);
  }

  /** Updated keys of the namespace within [start, end) (or [start, end] with includeEnd), sorted. */
  keysInRange(namespace: string, start: string, end: string, includeEnd: boolean): string[] {
    const keys = this.byNamespace.get(namespace);
    if (keys === undefined) return [];
    const out: string[] = [];
    for (const key of keys.keys()) {
      if (compareKeys(key, start) < 0) continue;
      if (end !== '') {
        const c = compareKeys(key, end);
        if (c > 0 || (c === 0 && !includeEnd)) continue;
      }
      out.push(key);
    }
    return out.sort(compareKeys);
  }

  /** The namespaces the block updates. */
  namespaces(): IterableIterator<string> {
    return this.byNamespace.keys();
  }

  /** The updates of one namespace, by key. */
  of(namespace: string): ReadonlyMap<string, StateUpdate> {
    return this.byNamespace.get(namespace) ?? new Map();
  }

  *entries(): IterableIterator<[string, string, StateUpdate]> {
    for (const [namespace, keys] of this.byNamespace) {
      for (const [key, update] of keys) yield [namespace, key, update];
    }
  }
}
