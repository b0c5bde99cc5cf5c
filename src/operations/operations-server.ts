import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ListenError } from '../comm/grpc-listener.js';
import { listenFailureText } from '../comm/listen-failure.js';
import { errorMessage } from '../common/errors/weft-error.js';
import type { Logger } from '../common/logging/logging.js';
import type { HealthRegistry } from './health-registry.js';

export interface OperationsServerOptions {
  /** operations.listenAddress, host:port */
  address: string;
  health: HealthRegistry;
  logger: Logger;
}

/**
 * The operations service: GET /healthz answers 200 with `{"status":"OK","time":...}`, or 503 with
 * the failed checks, as Fabric's does. One route on node:http: a web framework would cost more
 * start-up time than the whole service.
 */
export class OperationsServer {
  private constructor(
    private readonly server: Server,
    /** The address it bound, host:port (the real port when 0 was asked for). */
    readonly address: string,
  ) {}

  static async start(opts: OperationsServerOptions): Promise<OperationsServer> {
    const colon = opts.address.lastIndexOf(':');
    const host = opts.address.slice(0, colon);
    const port = Number(opts.address.slice(colon + 1));
    const server = createServer((req, res) => {
      const path = (req.url ?? '/').split('?')[0];
      if (path !== '/healthz') {
        res.writeHead(404, { 'Content-Type': 'text/plain' }).end('404 page not found\n');
        return;
      }
      if (req.method !== 'GET') {
        res.writeHead(405, { 'Content-Type': 'text/plain', Allow: 'GET' }).end('Method Not Allowed\n');
        return;
      }
      opts.health.check().then(
        (status) => {
          if (status.failed_checks !== undefined) {
            opts.logger.warn('HealthHandler', `Health check failed: ${status.failed_checks.map((c) => `${c.component}: ${c.reason}`).join('; ')}`);
          }
          res.writeHead(status.status === 'OK' ? 200 : 503, { 'Content-Type': 'application/json' }).end(JSON.stringify(status));
        },
        (err: unknown) => res.writeHead(500, { 'Content-Type': 'text/plain' }).end(`${errorMessage(err)}\n`),
      );
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', (err) => reject(new ListenError('LISTEN_FAILED', listenFailureText(opts.address, 'operations.listenAddress', err.message), { cause: err })));
      server.listen(port, host === '' ? undefined : host, () => {
        server.removeAllListeners('error');
        resolve();
      });
    });
    const bound = server.address() as AddressInfo;
    const address = `${bound.family === 'IPv6' ? `[${bound.address}]` : bound.address}:${bound.port}`;
    opts.logger.info('Start', `Operations server listening on ${address}`);
    return new OperationsServer(server, address);
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
