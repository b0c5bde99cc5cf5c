import { canonicalName, type CCID } from '../ccintf.js';
import { ContainerError } from '../container-error.js';
import { envFromLines } from '../process/child-env.js';
import { peerAddressFromArgs } from '../process/peer-address.js';

/** chaincode.json, which bin/run finds in its run metadata folder: Fabric's field names. */
export interface RunConfig {
  chaincode_id: string;
  peer_address: string;
  /** PEM; empty without TLS. */
  client_cert: string;
  client_key: string;
  root_cert: string;
  mspid: string;
}

export const RUN_CONFIG_FILE = 'chaincode.json';

// The variables of the launch config that name its TLS files (paths inside the files map).
const CLIENT_KEY_VAR = 'CORE_TLS_CLIENT_KEY_PATH';
const CLIENT_CERT_VAR = 'CORE_TLS_CLIENT_CERT_PATH';
const ROOT_CERT_VAR = 'CORE_PEER_TLS_ROOTCERT_FILE';

/**
 * chaincode.json for one launch, from the launch config the peer gives every chaincode: the ID it
 * must register as (CORE_CHAINCODE_ID_NAME), the peer address of its arguments, and with
 * CORE_PEER_TLS_ENABLED=true the client key and certificate and the peer's root certificate, as PEM
 * text (the launch files hold the key and certificate base64-encoded, for the shims).
 */
export function runConfigOf(launch: {
  ccid: CCID;
  args: readonly string[];
  env: readonly string[];
  files: ReadonlyMap<string, Uint8Array>;
  mspId: string;
}): RunConfig {
  const env = envFromLines(launch.env);
  const config: RunConfig = {
    chaincode_id: env['CORE_CHAINCODE_ID_NAME'] ?? canonicalName(launch.ccid),
    peer_address: peerAddressFromArgs(launch.args),
    client_cert: '',
    client_key: '',
    root_cert: '',
    mspid: launch.mspId,
  };
  if (env['CORE_PEER_TLS_ENABLED']?.toLowerCase() !== 'true') return config;
  const pem = (variable: string): string => {
    const path = env[variable];
    const content = path === undefined ? undefined : launch.files.get(path);
    if (content === undefined) {
      throw new ContainerError('START_FAILED', `TLS is on but the launch config has no file for ${variable}${path === undefined ? '' : ` (${path})`}`);
    }
    return pemText(content, variable);
  };
  config.client_key = pem(CLIENT_KEY_VAR);
  config.client_cert = pem(CLIENT_CERT_VAR);
  config.root_cert = pem(ROOT_CERT_VAR);
  return config;
}

/** A launch file as PEM text: as it is when it is PEM, decoded when it is base64 of PEM. */
export function pemText(content: Uint8Array, what: string): string {
  const text = Buffer.from(content).toString('utf8');
  if (text.includes('-----BEGIN ')) return text;
  const decoded = Buffer.from(text.trim(), 'base64').toString('utf8');
  if (decoded.includes('-----BEGIN ')) return decoded;
  throw new ContainerError('START_FAILED', `the launch file of ${what} is neither PEM nor base64-encoded PEM`);
}
