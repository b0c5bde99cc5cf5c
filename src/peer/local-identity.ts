import { join } from 'node:path';
import type { CoreConfig, TlsConfig } from '../common/config/core-config.js';
import type { Logger } from '../common/logging/logging.js';
import { defaultCryptoDir, defaultPeerIdentity, defaultUserIdentity, ensureDefaultCrypto } from '../msp/default-identities.js';
import { loadLocalMsp } from '../msp/local-msp.js';

export type LocalMsp = Awaited<ReturnType<typeof loadLocalMsp>>;

/** The peer's own MSP and signing identity, and the TLS settings with the default crypto's files filled in. */
export interface PeerIdentity extends LocalMsp {
  tls: TlsConfig;
}

/**
 * Loads the peer's local MSP from peer.mspConfigPath. With it unset (the embedded defaults), the
 * organisations' crypto is made once under <peer.fileSystemPath>/crypto and the peer runs as
 * peer0.org1.example.com; the MSP folders of its Admin and User1 are printed for the user, and,
 * with TLS on and no peer.tls file set, peer0's TLS files there serve.
 */
export async function loadPeerIdentity(config: CoreConfig, logger: Logger): Promise<PeerIdentity> {
  const configured = config.peer.mspConfigPath;
  if (configured !== undefined) {
    return { ...(await loadLocalMsp(configured, config.peer.localMspId)), tls: config.peer.tls };
  }
  const cryptoDir = defaultCryptoDir(config.peer.fileSystemPath);
  if (await ensureDefaultCrypto(cryptoDir)) {
    logger.info('serve', `Generated the crypto of Org1MSP (org1.example.com) and OrdererMSP (example.com) under ${cryptoDir}`);
  }
  const peer = defaultPeerIdentity(cryptoDir);
  logger.info(
    'serve',
    `Client identities: CORE_PEER_MSPCONFIGPATH=${defaultUserIdentity(cryptoDir, 'Admin').mspDir} (Admin, the CLI's default), ` +
      `${defaultUserIdentity(cryptoDir, 'User1').mspDir} (User1); CORE_PEER_LOCALMSPID=${config.peer.localMspId}`,
  );
  const tls = config.peer.tls;
  // All three or none: files of two different identities would not make a server.
  const noneSet = tls.certFile === '' && tls.keyFile === '' && tls.rootCertFile === '';
  return {
    ...(await loadLocalMsp(peer.mspDir, config.peer.localMspId)),
    tls: noneSet
      ? { ...tls, certFile: join(peer.tlsDir, 'server.crt'), keyFile: join(peer.tlsDir, 'server.key'), rootCertFile: join(peer.tlsDir, 'ca.crt') }
      : tls,
  };
}
