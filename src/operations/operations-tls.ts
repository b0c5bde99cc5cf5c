import { readPemFile } from '../common/config/pem-file.js';
import type { OperationsConfig } from '../common/config/core-config.js';
import type { OperationsTls } from './operations-server.js';

/** The configuration keys the operations service's TLS files came from, named when one cannot be read. */
export interface OperationsTlsKeys {
  cert: string;
  key: string;
  clientRootCAs: string;
}

/** The peer's core.yaml keys. */
export const PEER_OPERATIONS_TLS_KEYS: OperationsTlsKeys = {
  cert: 'operations.tls.cert.file',
  key: 'operations.tls.key.file',
  clientRootCAs: 'operations.tls.clientRootCAs.files',
};

/** The orderer's orderer.yaml keys. */
export const ORDERER_OPERATIONS_TLS_KEYS: OperationsTlsKeys = {
  cert: 'Operations.TLS.Certificate',
  key: 'Operations.TLS.PrivateKey',
  clientRootCAs: 'Operations.TLS.ClientRootCAs',
};

/** The operations service's TLS files, read and checked; undefined with TLS off. */
export async function readOperationsTls(tls: OperationsConfig['tls'], keys: OperationsTlsKeys): Promise<OperationsTls | undefined> {
  if (!tls.enabled || tls.certFile === undefined || tls.keyFile === undefined) return undefined;
  return {
    certPem: await readPemFile(keys.cert, tls.certFile, 'certificate'),
    keyPem: await readPemFile(keys.key, tls.keyFile, 'private key'),
    clientRootCasPem: await Promise.all(tls.clientRootCAFiles.map((file) => readPemFile(keys.clientRootCAs, file, 'certificate'))),
    clientAuthRequired: tls.clientAuthRequired,
  };
}
