import type { Logger } from '../../common/logging/logging.js';
import { LedgerError } from '../ledger-error.js';
import type { VersionedDb } from '../versioned-db.js';
import { CouchDbClient } from './couchdb-client.js';
import { CouchStateDb } from './couch-state-db.js';

/** `ledger.state.couchDBConfig`, as the peer reads it from core.yaml. */
export interface CouchDbConfig {
  couchDBAddress: string;
  username: string;
  password: string;
  maxRetries: number;
  maxRetriesOnStartup: number;
  requestTimeoutMs: number;
  internalQueryLimit: number;
  maxBatchUpdateSize: number;
}

/**
 * The CouchDB server behind the peer's state databases. It must answer at start: a peer that
 * cannot reach it names the address and stops, rather than run without its state.
 */
export class CouchStateDbProvider {
  private constructor(
    private readonly config: CouchDbConfig,
    private readonly client: CouchDbClient,
    private readonly logger: Logger | undefined,
  ) {}

  static async start(config: CouchDbConfig, logger?: Logger): Promise<CouchStateDbProvider> {
    const client = new CouchDbClient({
      address: config.couchDBAddress,
      username: config.username,
      password: config.password,
      maxRetries: config.maxRetries,
      requestTimeoutMs: config.requestTimeoutMs,
    });
    let info: { version?: string; couchdb?: string };
    try {
      info = (await client.request<{ version?: string; couchdb?: string }>({ method: 'GET', path: '/', maxRetries: config.maxRetriesOnStartup })).body;
    } catch (err) {
      throw new LedgerError(
        'STORE_UNAVAILABLE',
        `unable to connect to CouchDB at ${client.url} (ledger.state.couchDBConfig.couchDBAddress): ${(err as Error).message}`,
        { cause: err },
      );
    }
    logger?.info('start', `Connected to CouchDB at ${client.url}, version ${info.version ?? 'unknown'}`);
    return new CouchStateDbProvider(config, client, logger);
  }

  /** The channel's state database; `height` is its ledger's. */
  open(channelId: string, height: number): Promise<VersionedDb> {
    return CouchStateDb.open(
      { client: this.client, channelId, internalQueryLimit: this.config.internalQueryLimit, maxBatchUpdateSize: this.config.maxBatchUpdateSize, logger: this.logger },
      height,
    );
  }
}
