import { join } from 'node:path';
import { ChaincodeCa } from '../chaincode/tls/chaincode-ca.js';
import { PROCESS_CONTAINER_TYPE } from '../container/process/process-vm-provider.js';
import { EXTERNAL_CONTAINER_TYPE } from '../container/externalbuilder/external-vm-provider.js';
import type { CoreConfig, TlsConfig } from '../common/config/core-config.js';
import { ConfigError } from '../common/config/config-error.js';
import { readPemFile, type PemKind } from '../common/config/pem-file.js';

/** What the peer serves chaincodes with when peer.tls.enabled. */
export interface PeerTls {
  /** The peer's server key and certificate (PEM). */
  keyPem: Buffer;
  certPem: Buffer;
  /** The root that signed the peer's certificate (PEM): chaincodes verify the peer with it. */
  rootCertPem: Buffer;
  /** peer.tls.clientAuthRequired: the peer listener requires a client certificate. */
  clientAuthRequired: boolean;
  /** The roots client certificates are checked against: peer.tls.clientRootCAs.files and the peer's own root. */
  clientRootCasPem: Buffer;
  /** Issues chaincode client certificates; the listener requires them. */
  chaincodeCa: ChaincodeCa;
}

/** Where the chaincode client CA is kept, under peer.fileSystemPath. */
export function chaincodeCaDir(fileSystemPath: string): string {
  return join(fileSystemPath, 'chaincodes', 'tls');
}

/**
 * Reads the peer's TLS files and opens (or, on first start, creates) the chaincode client CA.
 * Each missing setting or unreadable file is named, with its core.yaml key.
 */
export async function loadPeerTls(tls: TlsConfig, fileSystemPath: string): Promise<PeerTls> {
  const [certPem, keyPem, rootCertPem] = await firstInOrder([
    readTlsFile('peer.tls.cert.file', tls.certFile, 'certificate'),
    readTlsFile('peer.tls.key.file', tls.keyFile, 'private key'),
    readTlsFile('peer.tls.rootcert.file', tls.rootCertFile, 'certificate'),
  ]);
  const clientRoots = await firstInOrder(tls.clientRootCAFiles.map((file) => readTlsFile('peer.tls.clientRootCAs.files', file, 'certificate')));
  const chaincodeCa = await ChaincodeCa.loadOrCreate(chaincodeCaDir(fileSystemPath));
  const clientRootCasPem = Buffer.concat([...clientRoots.map((pem) => Buffer.concat([pem, Buffer.from('\n')])), rootCertPem]);
  return { certPem, keyPem, rootCertPem, clientAuthRequired: tls.clientAuthRequired, clientRootCasPem, chaincodeCa };
}

/**
 * The TLS of the peer's two listeners: the client-facing one's with peer.tls.enabled, and the
 * chaincode listener's: the same, else that of launched chaincodes alone (launchTlsOf); and the
 * container types whose launches get TLS credentials (undefined: all).
 */
export async function listenerTlsOf(
  config: CoreConfig,
  tls: TlsConfig,
): Promise<{ peer: PeerTls | undefined; chaincode: PeerTls | undefined; tlsContainerTypes: ReadonlySet<string> | undefined }> {
  const peer = config.peer.tls.enabled ? await loadPeerTls(tls, config.peer.fileSystemPath) : undefined;
  if (peer !== undefined) return { peer, chaincode: peer, tlsContainerTypes: undefined };
  // Launched processes alone get credentials: system chaincodes run in the peer's process.
  return { peer, chaincode: await launchTlsOf(config, tls), tlsContainerTypes: new Set([PROCESS_CONTAINER_TYPE, EXTERNAL_CONTAINER_TYPE]) };
}

/**
 * TLS for the chaincode listener when peer.tls.enabled is false: chaincodes the peer launches as
 * processes (chaincode.launchTls, vm.type process, not dev mode) connect with per-launch client
 * certificates, served the peer's TLS certificate (the default crypto's when none is set). Without
 * TLS files to serve, the listener stays plaintext: undefined.
 */
export async function launchTlsOf(config: CoreConfig, tls: TlsConfig): Promise<PeerTls | undefined> {
  if (!config.chaincode.launchTls || config.chaincode.mode === 'dev' || config.vm.type !== 'process') return undefined;
  if (tls.certFile === '' || tls.keyFile === '' || tls.rootCertFile === '') return undefined;
  return loadPeerTls({ ...tls, clientAuthRequired: false, clientRootCAFiles: [] }, config.peer.fileSystemPath);
}

/**
 * The files read side by side; when several are at fault, the error is the first one's in the
 * order given (core.yaml's), not whichever read failed first: the same bad config, the same message.
 */
async function firstInOrder<T extends readonly unknown[]>(reads: { [K in keyof T]: Promise<T[K]> }): Promise<T> {
  const settled = await Promise.allSettled(reads);
  const failed = settled.find((r) => r.status === 'rejected');
  if (failed !== undefined) throw failed.reason;
  return settled.map((r) => (r as PromiseFulfilledResult<unknown>).value) as unknown as T;
}

async function readTlsFile(key: string, path: string, kind: PemKind): Promise<Buffer> {
  if (path === '') throw new ConfigError('CONFIG_INVALID_VALUE', `${key} must be set when peer.tls.enabled is true`);
  return readPemFile(key, path, kind);
}
