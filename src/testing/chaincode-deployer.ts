import { gzipSync } from 'node:zlib';
import type { Contract } from '@hyperledger/fabric-gateway';
import { packChaincodeSource } from '../client/chaincode-source-package.js';
import { collectionConfigFromJson } from '../client/collection-config-file.js';
import { packageIdOf, writeInstallPackage } from '../chaincode/persistence/chaincode-install-package.js';
import { applicationSignaturePolicy, approveArgs, commitArgs, type ChaincodeDefinitionInput } from '../client/lifecycle-args.js';
import { errorMessage } from '../common/errors/weft-error.js';
import { CollectionConfigPackage } from '../common/protos/collection.js';
import { memoryTar } from '../common/tar/memory-tar.js';
import { loadFabricShim, type FabricShim, type ShimChaincode } from './fabric-shim-loader.js';
import { InProcessChaincodeServer } from './in-process-chaincode-server.js';
import type { PeerAdmin } from './peer-admin.js';
import type { TestChaincode } from './test-chaincode.js';
import { TestNetworkError } from './test-network-error.js';

const DEFAULT_VERSION = '1.0';

/** What deploying needs of the network: the admin's peer requests, and `_lifecycle` on each channel as its Admin. */
export interface DeployTarget {
  admin: PeerAdmin;
  lifecycle(channelId: string): Contract;
  channels: readonly string[];
}

/** A deployed chaincode; close() stops its in-process server, if it has one. */
export interface DeployedChaincode {
  name: string;
  packageId: string;
  close(): void;
}

interface Prepared {
  spec: TestChaincode;
  installPackage: Uint8Array;
  server?: InProcessChaincodeServer;
}

/**
 * Deploys chaincodes as `peer lifecycle chaincode` does, all at once: each package is made and
 * installed, then every definition is approved for the organisation (one block), then committed
 * (one more block). `sequences` holds each channel's last committed sequence per name, so that a
 * later deploy of the same name is an upgrade.
 */
export async function deployChaincodes(target: DeployTarget, specs: readonly TestChaincode[], sequences: Map<string, number>): Promise<DeployedChaincode[]> {
  const prepared: Prepared[] = [];
  try {
    for (const spec of specs) prepared.push(await prepare(spec));
    const packageIds = await Promise.all(prepared.map(async (p) => target.admin.install(p.installPackage)));
    const definitions = prepared.flatMap((p, i) => channelsOf(p.spec, target.channels).map((channelId) => definitionOf(p.spec, channelId, packageIds[i] ?? '', sequences)));
    await Promise.all(definitions.map((def) => submitLifecycle(target, def, 'ApproveChaincodeDefinitionForMyOrg', approveArgs(def).serializeBinary())));
    await Promise.all(definitions.map((def) => submitLifecycle(target, def, 'CommitChaincodeDefinition', commitArgs(def).serializeBinary())));
    for (const def of definitions) sequences.set(`${def.channelId}/${def.name}`, def.sequence);
    return prepared.map((p, i) => ({ name: p.spec.name, packageId: packageIds[i] ?? '', close: () => p.server?.stop() }));
  } catch (err) {
    for (const p of prepared) p.server?.stop();
    throw err;
  }
}

function channelsOf(spec: TestChaincode, channels: readonly string[]): readonly string[] {
  const wanted = spec.channels ?? channels;
  const unknown = wanted.find((c) => !channels.includes(c));
  if (unknown !== undefined) throw new TestNetworkError('UNKNOWN_CHANNEL', `chaincode ${spec.name}: the network has no channel ${unknown} (it has ${channels.join(', ')})`);
  return wanted;
}

function definitionOf(spec: TestChaincode, channelId: string, packageId: string, sequences: ReadonlyMap<string, number>): ChaincodeDefinitionInput {
  let collections: CollectionConfigPackage | undefined;
  let validationParameter: Uint8Array;
  try {
    collections = spec.collections === undefined ? undefined : CollectionConfigPackage.deserializeBinary(collectionConfigFromJson(JSON.stringify(spec.collections), `the collections of ${spec.name}`));
  } catch (err) {
    throw new TestNetworkError('BAD_CHAINCODE', `chaincode ${spec.name}: ${errorMessage(err)}`, { cause: err });
  }
  try {
    validationParameter = spec.endorsementPolicy === undefined ? new Uint8Array() : applicationSignaturePolicy(spec.endorsementPolicy);
  } catch (err) {
    throw new TestNetworkError('BAD_CHAINCODE', `chaincode ${spec.name}: invalid signature policy: ${spec.endorsementPolicy ?? ''}`, { cause: err });
  }
  return {
    channelId,
    name: spec.name,
    version: spec.version ?? DEFAULT_VERSION,
    sequence: (sequences.get(`${channelId}/${spec.name}`) ?? 0) + 1,
    packageId,
    initRequired: false,
    endorsementPlugin: '',
    validationPlugin: '',
    validationParameter,
    collections,
  };
}

/** One `_lifecycle` transaction through the Admin's Gateway, waited for until committed valid. */
async function submitLifecycle(target: DeployTarget, def: ChaincodeDefinitionInput, fn: string, args: Uint8Array): Promise<void> {
  try {
    await target.lifecycle(def.channelId).submit(fn, { arguments: [args] });
  } catch (err) {
    throw new TestNetworkError('DEPLOY_FAILED', `${fn} of ${def.name} on ${def.channelId} failed: ${errorMessage(err)}`, { cause: err });
  }
}

/** The chaincode's install package; for one run in this process, its chaincode server started. */
async function prepare(spec: TestChaincode): Promise<Prepared> {
  const label = `${spec.name}_${spec.version ?? DEFAULT_VERSION}`;
  if ('path' in spec && spec.run === 'process') {
    const code = await packChaincodeSource(spec.path, 'node').catch((err: unknown) => {
      throw new TestNetworkError('BAD_CHAINCODE', `chaincode ${spec.name}: ${errorMessage(err)}`, { cause: err });
    });
    return { spec, installPackage: await writeInstallPackage({ path: spec.path, type: 'node', label }, code) };
  }
  const { shim, chaincode } = await inProcessChaincode(spec);
  // The server listens first: its address goes into the package, whose hash is the chaincode's ID.
  const server = await InProcessChaincodeServer.start(shim, chaincode);
  try {
    const installPackage = await servicePackage(label, server.address);
    server.serveAs(packageIdOf(label, installPackage));
    return { spec, installPackage, server };
  } catch (err) {
    server.stop();
    throw err;
  }
}

async function inProcessChaincode(spec: TestChaincode): Promise<{ shim: FabricShim; chaincode: ShimChaincode }> {
  try {
    if ('path' in spec) {
      const shim = loadFabricShim(spec.path);
      return { shim, chaincode: await shim.fromFolder(spec.path) };
    }
    const shim = loadFabricShim(spec.shimFrom ?? process.cwd());
    if ('contracts' in spec) return { shim, chaincode: shim.fromContracts(spec.contracts, spec.name, spec.version ?? DEFAULT_VERSION) };
    return { shim, chaincode: spec.chaincode };
  } catch (err) {
    if (err instanceof TestNetworkError) throw err;
    throw new TestNetworkError('BAD_CHAINCODE', `chaincode ${spec.name} could not be loaded: ${errorMessage(err)}`, { cause: err });
  }
}

/** A chaincode-as-a-service package: its connection.json tells the peer where to dial. */
async function servicePackage(label: string, address: string): Promise<Uint8Array> {
  const connection = Buffer.from(JSON.stringify({ address, dial_timeout: '10s', tls_required: false }));
  const code = gzipSync(memoryTar(new Map([['connection.json', connection]]), { mode: 0o100644, end: true, mtime: new Date(0) }));
  return writeInstallPackage({ path: '', type: 'ccaas', label }, code);
}

