import { BroadcastStream } from '../client/broadcast-stream.js';
import { ClientError } from '../client/client-error.js';
import type { BroadcastResponse } from '../common/protos/orderer.js';
import type { ClientTls } from '../client/client-tls.js';
import type { Envelope } from '../common/protos/common.js';
import type { GatewayOrderer } from './gateway.js';

/** The ordering service run in the peer's own process: the transaction is handed over without a network hop. */
export class InProcessOrderer implements GatewayOrderer {
  constructor(
    readonly address: string,
    readonly mspId: string,
    private readonly broadcaster: { processMessage(envelope: Envelope, addr: string): Promise<{ status: number; info: string }> },
  ) {}

  broadcast(envelope: Envelope): Promise<{ status: number; info: string }> {
    return this.broadcaster.processMessage(envelope, 'gateway');
  }
}

/** An orderer reached over AtomicBroadcast.Broadcast, on one stream the Gateway's submits share. */
export class RemoteOrderer implements GatewayOrderer {
  constructor(
    readonly address: string,
    readonly mspId: string,
    private readonly client: Promise<BroadcastStream>,
  ) {}

  static connect(address: string, mspId: string, tls: ClientTls | undefined): RemoteOrderer {
    const client = BroadcastStream.connect(address, tls);
    client.catch(() => undefined);
    return new RemoteOrderer(address, mspId, client);
  }

  async broadcast(envelope: Envelope): Promise<{ status: number; info: string }> {
    const stream = await this.client;
    let reply: BroadcastResponse;
    try {
      reply = await stream.send(envelope);
    } catch (err) {
      // Another transaction's refusal ends the shared stream, before this one was read: once more, on a new stream.
      if (!(err instanceof ClientError && err.code === 'CALL_FAILED')) throw err;
      reply = await stream.send(envelope);
    }
    return { status: reply.getStatus(), info: reply.getInfo() };
  }

  close(): void {
    void this.client.then((c) => c.close(), () => undefined);
  }
}

/** What the Gateway knows of the embedded orderer, when the peer runs one. */
export interface EmbeddedBroadcaster {
  address: string;
  serves(channelId: string): boolean;
  processMessage(envelope: Envelope, addr: string): Promise<{ status: number; info: string }>;
}

export interface OrdererRegistryOptions {
  embedded: () => EmbeddedBroadcaster | undefined;
  /** The channel config's orderer endpoints, with the peer's address overrides and TLS applied. */
  endpoints: (channelId: string) => Promise<ReadonlyArray<{ address: string; mspId?: string | undefined; tls?: ClientTls | undefined }>>;
}

/** The ordering service nodes of a channel: the embedded orderer when it serves the channel, else the channel config's. */
export class OrdererRegistry {
  private readonly remote = new Map<string, RemoteOrderer>();

  constructor(private readonly opts: OrdererRegistryOptions) {}

  async orderers(channelId: string): Promise<GatewayOrderer[]> {
    const embedded = this.opts.embedded();
    if (embedded?.serves(channelId) === true) return [new InProcessOrderer(embedded.address, '', embedded)];
    const endpoints = await this.opts.endpoints(channelId);
    return endpoints.map(({ address, mspId, tls }) => {
      let orderer = this.remote.get(address);
      if (orderer === undefined) {
        orderer = RemoteOrderer.connect(address, mspId ?? '', tls);
        this.remote.set(address, orderer);
      }
      return orderer;
    });
  }

  close(): void {
    for (const orderer of this.remote.values()) orderer.close();
    this.remote.clear();
  }
}
