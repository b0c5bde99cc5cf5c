import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { errorMessage, WeftError } from '../../common/errors/weft-error.js';

export class InstallPackageError extends WeftError<'BAD_PACKAGE' | 'BAD_LABEL'> {}

/** metadata.json of a Fabric 2.x chaincode install package. */
export interface InstallPackageMetadata {
  /** The language or builder kind: node, golang, java, ccaas, or whatever an external builder detects. */
  type: string;
  path: string;
  label: string;
}

export interface InstallPackage {
  metadata: InstallPackageMetadata;
  /** code.tar.gz, as packed. */
  codePackage: Uint8Array;
}

export const METADATA_FILE = 'metadata.json';
export const CODE_PACKAGE_FILE = 'code.tar.gz';

// Fabric's label rule: non-empty, alphanumerics and '.+-_', starting with an alphanumeric.
const LABEL = /^[A-Za-z0-9][A-Za-z0-9_.+-]*$/;

/** Throws Fabric's error when the label may not name a package. */
export function checkLabel(label: string): void {
  if (!LABEL.test(label)) {
    throw new InstallPackageError(
      'BAD_LABEL',
      `invalid label '${label}'. Label must be non-empty, can only consist of alphanumerics, symbols from '.+-_', and can only begin with alphanumerics`,
    );
  }
}

/** The package ID Fabric gives an install package: its label and the SHA-256 of its bytes. */
export function packageIdOf(label: string, installPackage: Uint8Array): string {
  return `${label}:${createHash('sha256').update(installPackage).digest('hex')}`;
}

/** Splits a package ID at its last ':' into label and hash; undefined when it has none. */
export function splitPackageId(packageId: string): { label: string; hash: string } | undefined {
  const at = packageId.lastIndexOf(':');
  if (at <= 0 || at === packageId.length - 1) return undefined;
  return { label: packageId.slice(0, at), hash: packageId.slice(at + 1) };
}

/**
 * Reads an install package (a gzipped tar holding metadata.json and code.tar.gz), as Fabric's
 * package parser does: both files must be there, as regular files; the label must be valid.
 */
export async function parseInstallPackage(bytes: Uint8Array): Promise<InstallPackage> {
  const files = await readTarFiles(bytes);
  const code = files.get(CODE_PACKAGE_FILE);
  if (code === undefined) throw new InstallPackageError('BAD_PACKAGE', 'did not find a code package inside the package');
  const metadataBytes = files.get(METADATA_FILE);
  if (metadataBytes === undefined) throw new InstallPackageError('BAD_PACKAGE', `did not find any package metadata (missing ${METADATA_FILE})`);
  let raw: unknown;
  try {
    raw = JSON.parse(Buffer.from(metadataBytes).toString('utf8'));
  } catch (err) {
    throw new InstallPackageError('BAD_PACKAGE', `could not unmarshal ${METADATA_FILE} as json: ${errorMessage(err)}`);
  }
  const field = (name: string): string => {
    const value = typeof raw === 'object' && raw !== null ? (raw as Record<string, unknown>)[name] : undefined;
    return typeof value === 'string' ? value : '';
  };
  const metadata = { type: field('type'), path: field('path'), label: field('label') };
  checkLabel(metadata.label);
  return { metadata, codePackage: code };
}

/** Packs an install package: metadata.json then code.tar.gz, as `peer lifecycle chaincode package` writes it. */
export async function writeInstallPackage(metadata: InstallPackageMetadata, codePackage: Uint8Array): Promise<Uint8Array> {
  checkLabel(metadata.label);
  // Loaded here: the tar library (which memoryTar uses) stays off the peer's start path.
  const { memoryTar } = await import('../../common/tar/memory-tar.js');
  const { gzipSync } = await import('node:zlib');
  const metadataJson = JSON.stringify({ path: metadata.path, type: metadata.type, label: metadata.label });
  const files = new Map<string, Uint8Array>([
    [METADATA_FILE, Buffer.from(metadataJson)],
    [CODE_PACKAGE_FILE, codePackage],
  ]);
  return gzipSync(memoryTar(files, { mode: 0o100644, end: true, mtime: new Date(0) }));
}

/** The regular files at the top of a gzipped tar, by name; anything else in it is refused. */
async function readTarFiles(bytes: Uint8Array): Promise<Map<string, Uint8Array>> {
  const { Parser } = await import('tar');
  const files = new Map<string, Uint8Array>();
  let refused: InstallPackageError | undefined;
  const parser = new Parser({
    strict: true,
    onReadEntry: (entry) => {
      if (entry.type !== 'File' && entry.type !== 'OldFile') {
        refused ??= new InstallPackageError('BAD_PACKAGE', `tar entry ${entry.path} is not a regular file, type ${entry.type}`);
        entry.resume();
        return;
      }
      const chunks: Buffer[] = [];
      entry.on('data', (chunk: Buffer) => chunks.push(chunk));
      entry.on('end', () => files.set(entry.path.replace(/^\.\//, ''), Buffer.concat(chunks)));
    },
  });
  try {
    await new Promise<void>((resolve, reject) => {
      parser.on('error', reject);
      parser.on('end', resolve);
      Readable.from([Buffer.from(bytes)]).pipe(parser);
    });
  } catch (err) {
    throw new InstallPackageError('BAD_PACKAGE', `could not parse as a chaincode install package: ${errorMessage(err)}`);
  }
  if (refused !== undefined) throw refused;
  return files;
}
