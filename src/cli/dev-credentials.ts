import { copyFile, mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { ChaincodeCa } from '../chaincode/tls/chaincode-ca.js';
import { loadCoreConfig } from '../common/config/load-core-config.js';
import { chaincodeCaDir } from '../peer/peer-tls.js';
import { CliError } from './cli-error.js';

export interface DevCredentialsOptions {
  /** The chaincode's name:version, which becomes the certificate's common name. */
  chaincodeId: string;
  /** The folder to write client.key, client.crt and peer.crt to. */
  outDir: string;
  /** The environment `weft node start` reads its config from (FABRIC_CFG_PATH, CORE_*). */
  env: NodeJS.ProcessEnv;
}

/**
 * `weft chaincode dev-credentials`: issues TLS credentials from the peer's chaincode CA for a
 * chaincode a developer starts by hand, so dev mode works with TLS on. Returns the variables the
 * shim needs, as `export` lines.
 */
export async function writeDevCredentials(opts: DevCredentialsOptions): Promise<string[]> {
  if (!/^[^:]+:[^:]+$/.test(opts.chaincodeId)) {
    throw new CliError('BAD_INPUT', `give the chaincode as name:version, got "${opts.chaincodeId}"`);
  }
  const config = await loadCoreConfig({ env: opts.env });
  const { tls, fileSystemPath } = config.peer;
  if (!tls.enabled) throw new CliError('BAD_INPUT', 'peer.tls.enabled is false: chaincodes connect without TLS, no credentials are needed');
  if (tls.rootCertFile === '') throw new CliError('BAD_INPUT', 'peer.tls.rootcert.file must be set when peer.tls.enabled is true');
  const ca = await ChaincodeCa.load(chaincodeCaDir(fileSystemPath));
  const pair = await ca.issue(opts.chaincodeId);

  const dir = resolve(opts.outDir);
  const files = { key: join(dir, 'client.key'), cert: join(dir, 'client.crt'), root: join(dir, 'peer.crt') };
  await mkdir(dir, { recursive: true, mode: 0o700 });
  // The shim decodes the key and certificate files from base64; the root it reads as PEM.
  await writeFile(files.key, Buffer.from(pair.keyPem).toString('base64'), { mode: 0o600 });
  await writeFile(files.cert, Buffer.from(pair.certPem).toString('base64'));
  try {
    await copyFile(tls.rootCertFile, files.root);
  } catch (err) {
    throw new CliError('BAD_INPUT', `peer.tls.rootcert.file: cannot read ${tls.rootCertFile}`, { cause: err });
  }
  return [
    'CORE_PEER_TLS_ENABLED=true',
    `CORE_TLS_CLIENT_KEY_PATH=${files.key}`,
    `CORE_TLS_CLIENT_CERT_PATH=${files.cert}`,
    `CORE_PEER_TLS_ROOTCERT_FILE=${files.root}`,
  ].map((line) => `export ${line}`);
}
