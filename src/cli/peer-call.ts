import { join } from 'node:path';
import type { ClientTls } from '../client/client-tls.js';
import { callPeerAs, type ClientContext } from '../client/client-context.js';
import type { ProposalRequest } from '../client/signed-proposal.js';
import type { TlsConfig } from '../common/config/core-config.js';
import { loadCoreConfig } from '../common/config/load-core-config.js';
import { readPemFile, type PemKind } from '../common/config/pem-file.js';
import type { Response } from '../common/protos/peer.js';
import { defaultCryptoDir, defaultUserIdentity, ensureDefaultCrypto } from '../msp/default-identities.js';
import { loadSigningIdentity } from '../msp/signing-identity.js';
import { dialAddress } from '../comm/dial-address.js';
import { CliError } from './cli-error.js';
import { ORDERER_CA } from './connection-flags.js';

export { callPeerAs, type ClientContext } from '../client/client-context.js';


/**
 * The peer's address from peer.address (CORE_PEER_ADDRESS; a wildcard host means this machine, localhost),
 * the client identity from the MSP at peer.mspConfigPath (CORE_PEER_MSPCONFIGPATH, with
 * CORE_PEER_LOCALMSPID) or, when that is unset, the Admin of the peer's default crypto; and TLS
 * from peer.tls (CORE_PEER_TLS_ENABLED, CORE_PEER_TLS_ROOTCERT_FILE, ...), as Fabric's CLI reads them.
 */
export async function clientContext(env: NodeJS.ProcessEnv): Promise<ClientContext> {
  const config = await loadCoreConfig({ env });
  let mspDir = config.peer.mspConfigPath;
  let defaultTlsDir: string | undefined;
  if (mspDir === undefined) {
    const cryptoDir = defaultCryptoDir(config.peer.fileSystemPath);
    await ensureDefaultCrypto(cryptoDir);
    const admin = defaultUserIdentity(cryptoDir, 'Admin');
    mspDir = admin.mspDir;
    defaultTlsDir = admin.tlsDir;
  }
  return {
    // A wildcard means this machine, by name: a TLS server name must be a host name (Node warns about
    // an IP address there), and the certificates cryptogen makes name localhost.
    address: dialAddress(config.peer.address, 'localhost'),
    signer: await loadSigningIdentity(mspDir, config.peer.localMspId),
    tls: config.peer.tls.enabled ? await clientTls(config.peer.tls, defaultTlsDir) : undefined,
  };
}

/** The CLI's TLS files: the root to trust and, with client authentication, its own certificate and key. */
async function clientTls(tls: TlsConfig, defaultTlsDir: string | undefined): Promise<ClientTls> {
  const file = async (key: string, value: string, fallback: string, kind: PemKind): Promise<Buffer> => {
    const path = value !== '' ? value : defaultTlsDir === undefined ? '' : join(defaultTlsDir, fallback);
    if (path === '') throw new CliError('BAD_INPUT', `${key} must be set when TLS is enabled`);
    return readPemFile(key, path, kind);
  };
  const rootCertPem = await file('peer.tls.rootcert.file (--cafile)', tls.rootCertFile, 'ca.crt', 'certificate');
  if (!tls.clientAuthRequired) return { rootCertPem };
  return {
    rootCertPem,
    clientCertPem: await file('peer.tls.clientCert.file (--certfile)', tls.clientCertFile, 'client.crt', 'certificate'),
    clientKeyPem: await file('peer.tls.clientKey.file (--keyfile)', tls.clientKeyFile, 'client.key', 'private key'),
  };
}

/** Sends one proposal to the peer and returns the chaincode's Response; an error response throws. */
export async function callPeer(env: NodeJS.ProcessEnv, req: ProposalRequest): Promise<Response> {
  return callPeerAs(await clientContext(env), req);
}


/**
 * The ordering service the CLI broadcasts to: `-o` or, without it, the peer's own address (where
 * Weft's peer serves its embedded orderer's Broadcast). Over TLS when the peer connection is, trusting
 * --cafile (the ordering service's CA) when given, with the peer connection's client certificate.
 */
export async function ordererTarget(
  env: NodeJS.ProcessEnv,
  context: ClientContext,
  flags: { orderer?: string | undefined; ordererTLSHostnameOverride?: string | undefined },
): Promise<{ address: string; tls: ClientTls | undefined }> {
  const address = flags.orderer ?? context.address;
  if (context.tls === undefined) return { address, tls: undefined };
  const caFile = env[ORDERER_CA] ?? '';
  let rootCertPem = context.tls.rootCertPem;
  if (caFile !== '') rootCertPem = await readPemFile('--cafile', caFile, 'certificate');
  return { address, tls: { ...context.tls, rootCertPem, serverNameOverride: flags.ordererTLSHostnameOverride } };
}
