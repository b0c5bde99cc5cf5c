import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { errorMessage } from '../../common/errors/weft-error.js';
import { parseDuration } from '../../common/config/duration.js';
import { ContainerError } from '../container-error.js';

/** How to reach a chaincode server: Fabric's connection.json of a chaincode-as-a-service package. */
export interface ConnectionInfo {
  address: string;
  dialTimeoutMs: number;
  tlsRequired: boolean;
  clientAuthRequired: boolean;
  /** PEM, when TLS is required. */
  rootCert?: string;
  clientKey?: string;
  clientCert?: string;
}

export const CONNECTION_FILE = 'connection.json';

// Fabric's default dial timeout of the chaincode-as-a-service builder.
const DEFAULT_DIAL_TIMEOUT_MS = 3000;

/** Reads and checks `connection.json` in a package folder; every problem names the file and the field. */
export async function readConnectionInfo(dir: string): Promise<ConnectionInfo> {
  const file = join(dir, CONNECTION_FILE);
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(file, 'utf8'));
  } catch (err) {
    throw new ContainerError('START_FAILED', `cannot read ${file}: ${errorMessage(err)}`, { cause: err });
  }
  const json = (typeof raw === 'object' && raw !== null ? raw : {}) as Record<string, unknown>;
  const text = (field: string): string | undefined => {
    const value = json[field];
    return typeof value === 'string' ? value : undefined;
  };
  const address = text('address');
  if (address === undefined || !/^.+:\d+$/.test(address)) {
    throw new ContainerError('START_FAILED', `${file}: "address" must be host:port, got ${JSON.stringify(json.address)}`);
  }
  const dial = text('dial_timeout');
  const dialTimeoutMs = dial === undefined ? DEFAULT_DIAL_TIMEOUT_MS : parseDuration(dial);
  if (dialTimeoutMs === undefined) throw new ContainerError('START_FAILED', `${file}: "dial_timeout" is not a duration: ${String(dial)}`);
  const tlsRequired = json.tls_required === true;
  const info: ConnectionInfo = { address, dialTimeoutMs, tlsRequired, clientAuthRequired: json.client_auth_required === true };
  if (tlsRequired) {
    const rootCert = text('root_cert');
    if (rootCert === undefined) throw new ContainerError('START_FAILED', `${file}: "root_cert" is needed when "tls_required" is true`);
    info.rootCert = rootCert;
    if (info.clientAuthRequired) {
      const key = text('client_key');
      const cert = text('client_cert');
      if (key === undefined || cert === undefined) {
        throw new ContainerError('START_FAILED', `${file}: "client_key" and "client_cert" are needed when "client_auth_required" is true`);
      }
      info.clientKey = key;
      info.clientCert = cert;
    }
  }
  return info;
}
