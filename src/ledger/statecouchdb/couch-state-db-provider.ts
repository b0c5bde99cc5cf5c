import type { CouchDbSettings } from '../../common/config/core-config.js';
import type { Logger } from '../../common/logging/logging.js';
import { LedgerError } from '../ledger-error.js';
import type { VersionedDb } from '../versioned-db.js';
import { CouchDbClient } from './couchdb-client.js';
import { CouchStateDb } from './couch-state-db.js';

/** `ledger.state.couchDBConfig`, as the peer reads it from core.yaml, with the query batch size. */
export interface CouchDbConfig extends CouchDbSettings {
  internalQueryLimit: number;
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
      logger,
    });
    let version: string;
    try {
      version = (await client.request<{ version?: string }>({ method: 'GET', path: '/', maxRetries: config.maxRetriesOnStartup })).body.version ?? '';
    } catch (err) {
      throw new LedgerError(
        'STORE_UNAVAILABLE',
        `unable to connect to CouchDB at ${config.couchDBAddress} (ledger.state.couchDBConfig.couchDBAddress), check the hostname and port: ${(err as Error).message}`,
        { cause: err },
      );
    }
    const [major = 0, minor = 0] = version.split('.').map(Number);
    if (major < 2) throw new LedgerError('STORE_UNAVAILABLE', `CouchDB v${version} detected at ${config.couchDBAddress}. CouchDB must be at least version 2.0.0`);
    if (major < 3 || (major === 3 && minor < 1)) logger?.warn('start', `CouchDB v${version} detected. CouchDB versions before 3.1.0 are unsupported.`);
    await checkDataFormat(client);
    logger?.info('start', `Connected to CouchDB at ${client.url}, version ${version}`);
    return new CouchStateDbProvider(config, client, logger);
  }

  /** The operations service's `couchdb` check: CouchDB answers, at once (no retries). */
  async healthCheck(): Promise<void> {
    try {
      await this.client.request({ method: 'HEAD', path: '/', maxRetries: 0 });
    } catch (err) {
      throw new LedgerError('STORE_UNAVAILABLE', `failed to connect to couch db [${(err as Error).message}]`, { cause: err });
    }
  }

  /** The channel's state database; `height` is its ledger's. */
  open(channelId: string, height: number): Promise<VersionedDb> {
    return CouchStateDb.open(
      { client: this.client, channelId, internalQueryLimit: this.config.internalQueryLimit, maxBatchUpdateSize: this.config.maxBatchUpdateSize, logger: this.logger },
      height,
    );
  }
}

const INTERNAL_DB = 'fabric__internal';
const DATA_FORMAT_ID = 'dataformatVersion';
const DATA_FORMAT = '2.0';

/** The state format this server holds, recorded (as Fabric 2.x does) in `fabric__internal` the first time. */
async function checkDataFormat(client: CouchDbClient): Promise<void> {
  await client.request({ method: 'PUT', path: `/${INTERNAL_DB}`, accept: [412] });
  const found = await client.request<{ Version?: string }>({ method: 'GET', path: `/${INTERNAL_DB}/${DATA_FORMAT_ID}`, accept: [404] });
  if (found.status === 404) {
    await client.request({ method: 'PUT', path: `/${INTERNAL_DB}/${DATA_FORMAT_ID}`, body: { Version: DATA_FORMAT }, accept: [409] });
    return;
  }
  if (found.body.Version !== DATA_FORMAT) {
    throw new LedgerError(
      'STORE_CORRUPTED',
      `unexpected format. db info = [CouchDB for state database], data format = [${String(found.body.Version)}], expected format = [${DATA_FORMAT}]`,
    );
  }
}
