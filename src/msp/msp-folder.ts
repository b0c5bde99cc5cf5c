import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { errorMessage } from '../common/errors/weft-error.js';
import {
  FabricCryptoConfig,
  FabricMSPConfig,
  FabricNodeOUs,
  FabricOUIdentifier,
  MSPConfig,
  MSP_TYPE_FABRIC,
} from '../common/protos/msp.js';
import { MspError } from './msp-error.js';

/** Where warnings about skipped files go (Fabric logs them and goes on). */
export interface MspFolderLogger {
  warn(func: string, message: string): void;
}

/** One `OrganizationalUnitIdentifiers` / `NodeOUs.*OUIdentifier` entry of config.yaml. */
interface OuEntry {
  Certificate?: string;
  OrganizationalUnitIdentifier?: string;
}

/**
 * The verifying MSPConfig of a Fabric MSP folder, as Fabric's msp.GetVerifyingMspConfig builds it
 * (configtxgen puts it into channel config): cacerts (at least one), admincerts, intermediatecerts,
 * tlscacerts, tlsintermediatecerts (read only when tlscacerts holds some), crls and config.yaml's
 * OrganizationalUnitIdentifiers and NodeOUs. Files are kept byte for byte, in name order; a file
 * with no PEM block is skipped, as Fabric does.
 */
export async function readMspFolder(dir: string, mspId: string, opts: { logger?: MspFolderLogger } = {}): Promise<MSPConfig> {
  const warn = (message: string): void => opts.logger?.warn('readMspFolder', message);
  const cacertsDir = join(dir, 'cacerts');
  const rootCerts = await pemFilesOf(cacertsDir, warn);
  if (rootCerts === undefined || rootCerts.length === 0) {
    throw new MspError('MSP_UNREADABLE', `could not load a valid ca certificate from directory ${cacertsDir}`);
  }
  const admins = (await pemFilesOf(join(dir, 'admincerts'), warn)) ?? [];
  const intermediates = (await pemFilesOf(join(dir, 'intermediatecerts'), warn)) ?? [];
  const tlsRoots = (await pemFilesOf(join(dir, 'tlscacerts'), warn)) ?? [];
  // Fabric looks for TLS intermediates only beside TLS roots.
  const tlsIntermediates = tlsRoots.length > 0 ? ((await pemFilesOf(join(dir, 'tlsintermediatecerts'), warn)) ?? []) : [];
  const crls = (await pemFilesOf(join(dir, 'crls'), warn)) ?? [];

  const fabric = new FabricMSPConfig();
  fabric.setName(mspId);
  fabric.setRootCertsList(rootCerts);
  fabric.setIntermediateCertsList(intermediates);
  fabric.setAdminsList(admins);
  fabric.setRevocationListList(crls);
  fabric.setTlsRootCertsList(tlsRoots);
  fabric.setTlsIntermediateCertsList(tlsIntermediates);
  const crypto = new FabricCryptoConfig();
  crypto.setSignatureHashFamily('SHA2');
  crypto.setIdentityIdentifierHashFunction('SHA256');
  fabric.setCryptoConfig(crypto);
  await applyConfigYaml(fabric, dir, warn);

  const config = new MSPConfig();
  config.setType(MSP_TYPE_FABRIC);
  config.setConfig(fabric.serializeBinary());
  return config;
}

/** config.yaml: OU identifiers (their certificates must be readable) and Node OUs (a missing certificate is only a warning). */
async function applyConfigYaml(fabric: FabricMSPConfig, dir: string, warn: (message: string) => void): Promise<void> {
  const file = join(dir, 'config.yaml');
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if (isNotFound(err)) return;
    throw new MspError('MSP_UNREADABLE', `failed loading configuration file at [${file}]: ${errorMessage(err)}`, { cause: err });
  }
  // yaml loads only for folders that have a config.yaml: it stays off the peer's start path otherwise.
  const { parse } = await import('yaml');
  let parsed: unknown;
  try {
    parsed = parse(text);
  } catch (err) {
    throw new MspError('MSP_UNREADABLE', `failed unmarshalling configuration file at [${file}]: ${errorMessage(err)}`, { cause: err });
  }
  const root = asRecord(parsed);

  const ous: InstanceType<typeof FabricOUIdentifier>[] = [];
  for (const entry of asArray(root.OrganizationalUnitIdentifiers)) {
    const ou = asOuEntry(entry);
    const certFile = join(dir, ou.Certificate ?? '');
    let certificate: Buffer;
    try {
      certificate = await readFile(certFile);
    } catch (err) {
      throw new MspError('MSP_UNREADABLE', `failed loading OrganizationalUnit certificate at [${certFile}]: ${errorMessage(err)}`, { cause: err });
    }
    const identifier = new FabricOUIdentifier();
    identifier.setCertificate(certificate);
    identifier.setOrganizationalUnitIdentifier(ou.OrganizationalUnitIdentifier ?? '');
    ous.push(identifier);
  }
  fabric.setOrganizationalUnitIdentifiersList(ous);

  const nodeOUs = asRecord(root.NodeOUs);
  if (nodeOUs.Enable !== true) return;
  const node = new FabricNodeOUs();
  node.setEnable(true);
  const roles = [
    ['ClientOUIdentifier', 'ClientOU', (v: InstanceType<typeof FabricOUIdentifier>) => node.setClientOuIdentifier(v)],
    ['PeerOUIdentifier', 'PeerOU', (v: InstanceType<typeof FabricOUIdentifier>) => node.setPeerOuIdentifier(v)],
    ['AdminOUIdentifier', 'AdminOU', (v: InstanceType<typeof FabricOUIdentifier>) => node.setAdminOuIdentifier(v)],
    ['OrdererOUIdentifier', 'OrdererOU', (v: InstanceType<typeof FabricOUIdentifier>) => node.setOrdererOuIdentifier(v)],
  ] as const;
  for (const [key, label, set] of roles) {
    const ou = asOuEntry(nodeOUs[key]);
    // An entry without an OU name is ignored, as in Fabric.
    if (ou.OrganizationalUnitIdentifier === undefined || ou.OrganizationalUnitIdentifier === '') continue;
    const identifier = new FabricOUIdentifier();
    identifier.setOrganizationalUnitIdentifier(ou.OrganizationalUnitIdentifier);
    if (ou.Certificate !== undefined && ou.Certificate !== '') {
      const certFile = join(dir, ou.Certificate);
      try {
        identifier.setCertificate(await readFile(certFile));
      } catch (err) {
        warn(`Failed loading ${label} certificate at [${certFile}]: [${errorMessage(err)}]`);
      }
    }
    set(identifier);
  }
  fabric.setFabricNodeOus(node);
}

/**
 * The files of `dir` that hold a PEM block, whole, in name order; undefined when the folder does
 * not exist. Sub-folders are skipped, and so (with a warning) are files without PEM content.
 */
async function pemFilesOf(dir: string, warn: (message: string) => void): Promise<Uint8Array[] | undefined> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (err) {
    if (isNotFound(err)) return undefined;
    throw new MspError('MSP_UNREADABLE', `could not read directory ${dir}: ${errorMessage(err)}`, { cause: err });
  }
  names.sort();
  const contents: Uint8Array[] = [];
  for (const name of names) {
    const file = join(dir, name);
    try {
      if ((await stat(file)).isDirectory()) continue;
      const bytes = await readFile(file);
      if (!hasPemBlock(bytes.toString('latin1'))) {
        warn(`Failed reading file ${file}: no pem content for file ${file}`);
        continue;
      }
      contents.push(new Uint8Array(bytes));
    } catch (err) {
      warn(`Failed reading file ${file}: ${errorMessage(err)}`);
    }
  }
  return contents;
}

const PEM_BLOCK = /-----BEGIN ([^-\r\n]*)-----[\s\S]*?-----END \1-----/;

function hasPemBlock(text: string): boolean {
  return PEM_BLOCK.test(text);
}

function isNotFound(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return code === 'ENOENT' || code === 'ENOTDIR';
}

function asRecord(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

function asArray(value: unknown): unknown[] {
  return Array.isArray(value) ? (value as unknown[]) : [];
}

function asOuEntry(value: unknown): OuEntry {
  const record = asRecord(value);
  const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
  return { Certificate: str(record.Certificate), OrganizationalUnitIdentifier: str(record.OrganizationalUnitIdentifier) };
}
