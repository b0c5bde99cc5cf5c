import { join } from 'node:path';
import { dialAddress } from '../comm/dial-address.js';
import type { CoreConfig } from '../common/config/core-config.js';
import type { Logger } from '../common/logging/logging.js';
import { defaultCryptoDir, defaultOrgDir, defaultUserIdentity } from '../msp/default-identities.js';

/**
 * Tells the user, when the peer runs on its default crypto with the Gateway on, what an
 * application needs to reach it, under the names fabric-samples' gateway applications read
 * (asset-transfer-basic's application-gateway-typescript): the endpoint, the MSP ID and the
 * paths of User1's certificate and key and of the TLS CA certificate, as test-network lays them out.
 */
export function logApplicationSettings(logger: Logger, config: CoreConfig, boundPeerAddress: string, tlsRootCertFile: string): void {
  if (config.peer.mspConfigPath !== undefined || !config.peer.gateway.enabled) return;
  const cryptoDir = defaultCryptoDir(config.peer.fileSystemPath);
  const user = defaultUserIdentity(cryptoDir, 'User1').mspDir;
  const settings = [
    `PEER_ENDPOINT=${dialAddress(boundPeerAddress, 'localhost')}`,
    `PEER_HOST_ALIAS=${config.peer.id}`,
    `MSP_ID=${config.peer.localMspId}`,
    `CRYPTO_PATH=${defaultOrgDir(cryptoDir)}`,
    `KEY_DIRECTORY_PATH=${join(user, 'keystore')}`,
    `CERT_DIRECTORY_PATH=${join(user, 'signcerts')}`,
  ];
  // The peer's own TLS CA when it serves TLS (peer.tls.rootcert.file, else the default crypto's).
  if (config.peer.tls.enabled) settings.push(`TLS_CERT_PATH=${tlsRootCertFile}`);
  const tls = config.peer.tls.enabled ? 'TLS on' : 'TLS off: dial without TLS, or start the peer with CORE_PEER_TLS_ENABLED=true for applications that dial TLS';
  logger.info('serve', `Gateway applications connect with ${settings.join(' ')} (${tls})`);
}
