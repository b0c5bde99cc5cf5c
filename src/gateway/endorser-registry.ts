import type { ChannelBundle } from '../channel/channel-bundle.js';
import type { ClientTls } from '../client/client-tls.js';
import { RemoteEndorser, type GatewayEndorser } from './endorsers.js';

export interface EndorserRegistryOptions {
  localMspId: string;
  bundle(channelId: string): ChannelBundle | undefined;
  /** With peer TLS on: this peer's TLS certificate and key, shown to peers that require client certificates. */
  tls: { certPem: Buffer; keyPem: Buffer } | undefined;
}

/**
 * Other organisations' peers, found at their channel's anchor peers (Fabric's gateway finds them
 * through gossip discovery; Weft has no gossip, and the anchor peers are what the channel config
 * says of where each organisation's peers are). One client per address, kept for the peer's life.
 */
export class EndorserRegistry {
  private readonly clients = new Map<string, Promise<RemoteEndorser>>();

  constructor(private readonly opts: EndorserRegistryOptions) {}

  /** The first anchor peer of each other application organisation, by MSP ID. */
  async remoteEndorsers(channelId: string): Promise<ReadonlyMap<string, GatewayEndorser>> {
    const bundle = this.opts.bundle(channelId);
    const found = new Map<string, GatewayEndorser>();
    if (bundle === undefined) return found;
    for (const org of bundle.config.applicationOrgs) {
      const anchor = org.anchorPeers[0];
      if (org.mspId === this.opts.localMspId || anchor === undefined) continue;
      found.set(org.mspId, await this.client(`${anchor.host}:${anchor.port}`, org.mspId, bundle));
    }
    return found;
  }

  close(): void {
    for (const client of this.clients.values()) void client.then((c) => c.close(), () => undefined);
    this.clients.clear();
  }

  private client(address: string, mspId: string, bundle: ChannelBundle): Promise<RemoteEndorser> {
    let client = this.clients.get(address);
    if (client === undefined) {
      client = RemoteEndorser.connect(address, mspId, this.clientTls(bundle));
      this.clients.set(address, client);
    }
    return client;
  }

  private clientTls(bundle: ChannelBundle): ClientTls | undefined {
    const tls = this.opts.tls;
    if (tls === undefined) return undefined;
    const roots = Buffer.concat(bundle.tlsCaCerts.flatMap((pem) => [Buffer.from(pem), Buffer.from('\n')]));
    return { rootCertPem: roots, clientCertPem: tls.certPem, clientKeyPem: tls.keyPem };
  }
}
