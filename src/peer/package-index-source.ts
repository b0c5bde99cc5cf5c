import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ChaincodeDefinition, ChaincodeDefinitionSource } from '../chaincode/definitions.js';
import type { Logger } from '../common/logging/logging.js';
import { parseIndexDefinition, type IndexDefinition, type StateIndexSource } from '../ledger/index.js';

export interface PackageIndexSourceOptions {
  definitions: ChaincodeDefinitionSource;
  /** Where the package the definition runs was unpacked; undefined when it is not installed here. */
  packageRoot(definition: ChaincodeDefinition): string | undefined;
  logger: Logger;
}

/** A package's indexes: '' for the chaincode's state, else by collection name. */
type PackageIndexes = ReadonlyMap<string, readonly IndexDefinition[]>;

const INDEXES_DIR = ['META-INF', 'statedb', 'couchdb'];

/**
 * The CouchDB indexes a chaincode declares in its package (`META-INF/statedb/couchdb/indexes/`,
 * and `.../collections/<collection>/indexes/`), as Fabric deploys them once the package is
 * installed and its definition committed: the package this peer's organisation approved for a
 * `_lifecycle` definition, the installed name and version for lscc's. A package never changes,
 * so its files are read once.
 */
export class PackageIndexSource {
  private readonly byRoot = new Map<string, Promise<PackageIndexes>>();

  constructor(private readonly opts: PackageIndexSourceOptions) {}

  forChannel(channelId: string): StateIndexSource {
    return { indexes: (namespace, collection) => this.indexes(channelId, namespace, collection) };
  }

  async indexes(channelId: string, namespace: string, collection: string | undefined): Promise<readonly IndexDefinition[]> {
    const definition = await this.opts.definitions.definition(channelId, namespace);
    const root = definition === undefined ? undefined : this.opts.packageRoot(definition);
    if (root === undefined) return [];
    let found = this.byRoot.get(root);
    if (found === undefined) {
      found = this.read(root, namespace, channelId);
      this.byRoot.set(root, found);
    }
    return (await found).get(collection ?? '') ?? [];
  }

  private async read(root: string, chaincode: string, channelId: string): Promise<PackageIndexes> {
    const base = join(root, ...INDEXES_DIR);
    const found = new Map<string, IndexDefinition[]>();
    found.set('', await this.readDir(join(base, 'indexes'), chaincode, channelId));
    for (const collection of await listDir(join(base, 'collections'))) {
      found.set(collection, await this.readDir(join(base, 'collections', collection, 'indexes'), chaincode, channelId));
    }
    return found;
  }

  private async readDir(dir: string, chaincode: string, channelId: string): Promise<IndexDefinition[]> {
    const indexes: IndexDefinition[] = [];
    for (const file of (await listDir(dir)).filter((f) => f.endsWith('.json')).sort()) {
      const path = join(dir, file);
      try {
        indexes.push(parseIndexDefinition(await readFile(path, 'utf8'), path));
      } catch (err) {
        // One bad file leaves the chaincode's other indexes in place, as Fabric's deployment does.
        this.opts.logger.error('PackageIndexSource', `error creating index from file [${file}] for chaincode [${chaincode}] on channel [${channelId}]: ${(err as Error).message}`);
      }
    }
    return indexes;
  }
}

async function listDir(dir: string): Promise<string[]> {
  try {
    return await readdir(dir);
  } catch {
    return [];
  }
}
