import { ClassicLevel } from 'classic-level';
import { LedgerError } from './ledger-error.js';

/** The slice of LevelDB the ledger uses, so another engine can stand behind it later. */
export interface KeyValueStore {
  get(key: string): Promise<Uint8Array | undefined>;
  put(key: string, value: Uint8Array): Promise<void>;
  keys(prefix: string): AsyncIterable<string>;
  close(): Promise<void>;
}

/** Opens a LevelDB at `path`, turning a lock held by another process into a clear error. */
export async function openLevelStore(path: string): Promise<KeyValueStore> {
  const db = new ClassicLevel<string, Uint8Array>(path, { valueEncoding: 'view' });
  try {
    await db.open();
  } catch (err) {
    const cause = (err as { cause?: { code?: string } }).cause;
    const detail = cause?.code === 'LEVEL_LOCKED' ? 'database already in use by another process' : String(err);
    throw new LedgerError('STORE_UNAVAILABLE', `cannot open ledger store at ${path}: ${detail}`, { cause: err });
  }
  return {
    get: (key) => db.get(key),
    put: (key, value) => db.put(key, value),
    async *keys(prefix) {
      for await (const key of db.keys({ gte: prefix, lt: `${prefix}\xff` })) yield key;
    },
    close: () => db.close(),
  };
}
