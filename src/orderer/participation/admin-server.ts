import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { listenFailureText } from '../../comm/listen-failure.js';
import { errorMessage, WeftError } from '../../common/errors/weft-error.js';
import type { Logger } from '../../common/logging/logging.js';

/** The orderer's Admin.TLS section, its files already read. */
export interface AdminTlsOptions {
  /** PEM server certificate (Admin.TLS.Certificate) and key (Admin.TLS.PrivateKey). */
  certificate: string | Buffer;
  privateKey: string | Buffer;
  /** Admin.TLS.ClientAuthRequired: a client must show a certificate issued by one of clientRootCAs. */
  clientAuthRequired: boolean;
  /** Admin.TLS.ClientRootCAs, PEM. */
  clientRootCAs: Array<string | Buffer>;
}

export interface AdminServerOptions {
  /** Admin.ListenAddress, host:port (port 0 picks a free one). */
  listenAddress: string;
  /** The key `listenAddress` came from (Admin.ListenAddress, or peer.orderer.adminListenAddress in a peer), named when it is refused. */
  setting?: string | undefined;
  /** Admin.TLS, when enabled. */
  tls?: AdminTlsOptions;
}

/** What answers the admin endpoint's requests (the channel participation handler). */
export interface AdminRequestHandler {
  handle(req: IncomingMessage, res: ServerResponse): Promise<void>;
}

export class AdminServerError extends WeftError<'LISTEN_FAILED' | 'BAD_ADDRESS'> {}

/**
 * The orderer's admin endpoint (Fabric's Admin listener): HTTP, or HTTPS with client certificates
 * when Admin.TLS asks for them, serving the channel participation API. start() / stop().
 */
export class AdminServer {
  private server: Server | undefined;

  constructor(
    private readonly opts: AdminServerOptions,
    private readonly modules: { handler: AdminRequestHandler; logger: Logger },
  ) {}

  /** Listens; resolves with the address it listens on (the port chosen when 0 was asked). */
  async start(): Promise<{ host: string; port: number }> {
    const setting = this.opts.setting ?? 'Admin.ListenAddress';
    const { host, port } = splitAddress(this.opts.listenAddress, setting);
    const onRequest = (req: IncomingMessage, res: ServerResponse): void => {
      void this.modules.handler.handle(req, res);
    };
    const tls = this.opts.tls;
    const server =
      tls === undefined
        ? createHttpServer(onRequest)
        : createHttpsServer(
            {
              cert: tls.certificate,
              key: tls.privateKey,
              requestCert: tls.clientAuthRequired,
              rejectUnauthorized: tls.clientAuthRequired,
              ...(tls.clientRootCAs.length > 0 ? { ca: tls.clientRootCAs } : {}),
              minVersion: 'TLSv1.2',
            },
            onRequest,
          );
    await new Promise<void>((resolve, reject) => {
      server.once('error', (err) => {
        reject(new AdminServerError('LISTEN_FAILED', listenFailureText(this.opts.listenAddress, setting, errorMessage(err)), { cause: err }));
      });
      server.listen(port, host, () => {
        resolve();
      });
    });
    server.on('error', (err) => {
      this.modules.logger.error('Start', `admin server error: ${errorMessage(err)}`);
    });
    this.server = server;
    const address = server.address() as AddressInfo;
    this.modules.logger.info('Start', `Starting admin server on ${host}:${String(address.port)}${tls === undefined ? '' : ' with TLS'}`);
    return { host, port: address.port };
  }

  /** Stops listening and closes open connections. */
  async stop(): Promise<void> {
    const server = this.server;
    if (server === undefined) return;
    this.server = undefined;
    await new Promise<void>((resolve) => {
      server.close(() => {
        resolve();
      });
      server.closeAllConnections();
    });
  }
}

function splitAddress(address: string, setting: string): { host: string; port: number } {
  const colon = address.lastIndexOf(':');
  const port = Number(address.slice(colon + 1));
  if (colon < 0 || !Number.isInteger(port) || port < 0 || port > 65535) {
    throw new AdminServerError('BAD_ADDRESS', `${setting} '${address}' is not host:port`);
  }
  const host = address.slice(0, colon).replace(/^\[(.*)\]$/, '$1');
  return { host: host === '' ? '0.0.0.0' : host, port };
}
