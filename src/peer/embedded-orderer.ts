import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { dialAddress } from '../comm/dial-address.js';
import type { CoreConfig } from '../common/config/core-config.js';
import type { Logging } from '../common/logging/logging.js';
import { defaultOrdererIdentity, ensureDefaultCrypto } from '../msp/default-identities.js';
import { loadSigningIdentity } from '../msp/signing-identity.js';
import { OrderingService } from '../orderer/ordering-service.js';
import type { EmbeddedOrderer } from './channel-committers.js';

/** The MSP of the default crypto's orderer organisation. */
const ORDERER_MSP_ID = 'OrdererMSP';

/** The ordering service of the one-machine network, and how the peer reaches it. */
export interface RunningEmbeddedOrderer extends EmbeddedOrderer {
  service: OrderingService;
}

/**
 * Starts the ordering service `weft node start` runs beside the peer (peer.orderer): the default
 * crypto's orderer.example.com signs its blocks; its chains are kept under the peer's data folder;
 * it serves TLS with that orderer's certificate when the peer serves TLS.
 */
export async function startEmbeddedOrderer(opts: { config: CoreConfig; cryptoDir: string; logging: Logging; version: string }): Promise<RunningEmbeddedOrderer> {
  const { config } = opts;
  await ensureDefaultCrypto(opts.cryptoDir);
  const { mspDir, tlsDir } = defaultOrdererIdentity(opts.cryptoDir);
  const signer = await loadSigningIdentity(mspDir, ORDERER_MSP_ID);
  const tls = config.peer.tls.enabled
    ? { keyPem: await readFile(join(tlsDir, 'server.key')), certPem: await readFile(join(tlsDir, 'server.crt')), rootPem: await readFile(join(tlsDir, 'ca.crt')) }
    : undefined;
  const service = await OrderingService.start({
    listenAddress: config.peer.orderer.listenAddress,
    listenSetting: 'peer.orderer.listenAddress',
    fileLedgerLocation: join(config.peer.fileSystemPath, 'orderer'),
    signer,
    tls: tls === undefined ? undefined : { keyPem: tls.keyPem, certPem: tls.certPem },
    admin: { listenAddress: config.peer.orderer.adminListenAddress, setting: 'peer.orderer.adminListenAddress', enabled: true },
    logging: opts.logging,
    version: opts.version,
  });
  return {
    service,
    address: dialAddress(service.address),
    serves: (channelId) => service.registrar.get(channelId) !== undefined,
    tlsRootCertPem: tls?.rootPem,
  };
}
