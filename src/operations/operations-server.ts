import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
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
  /** The peer's version, for GET /version. */
  version: string;
  /** The process's logging, for GET and PUT /logspec. */
  logging: { readonly currentSpec: string; setSpec(spec: string): void };
  logger: Logger;
}

/**
 * The operations service, as Fabric's: GET /healthz answers 200 with `{"status":"OK","time":...}`,
 * or 503 with the failed checks; GET /version the version; GET /logspec the logging spec in force
 * and PUT /logspec (`{"spec":"..."}`) a new one, refused with 400 and its reason when it does not
 * parse. A few routes on node:http: a web framework would cost more start-up time than the service.
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
      if (path === '/healthz') serveHealth(req, res, opts);
      else if (path === '/version') serveVersion(req, res, opts.version);
      else if (path === '/logspec') serveLogSpec(req, res, opts);
      else res.writeHead(404, { 'Content-Type': 'text/plain' }).end('404 page not found\n');
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

function serveHealth(req: IncomingMessage, res: ServerResponse, opts: OperationsServerOptions): void {
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
}

/** Fabric's version handler: GET only, a 400 naming any other method. */
function serveVersion(req: IncomingMessage, res: ServerResponse, version: string): void {
  if (req.method !== 'GET') {
    sendJson(res, 400, { error: `invalid request method: ${req.method ?? ''}` });
    return;
  }
  sendJson(res, 200, { CommitSHA: 'development build', Version: version });
}

/** Fabric's log spec handler: GET the spec, PUT `{"spec":"..."}` (204; 400 with the reason, nothing changed). */
function serveLogSpec(req: IncomingMessage, res: ServerResponse, opts: OperationsServerOptions): void {
  if (req.method === 'GET') {
    sendJson(res, 200, { spec: opts.logging.currentSpec });
    return;
  }
  if (req.method !== 'PUT') {
    sendJson(res, 400, { error: `invalid request method: ${req.method ?? ''}` });
    return;
  }
  const chunks: Buffer[] = [];
  let size = 0;
  req.on('data', (chunk: Buffer) => {
    size += chunk.length;
    // A spec is a line; anything much larger is not one.
    if (size <= MAX_SPEC_BODY) chunks.push(chunk);
  });
  req.on('end', () => {
    if (size > MAX_SPEC_BODY) {
      sendJson(res, 400, { error: `the request body is over ${MAX_SPEC_BODY} bytes` });
      return;
    }
    let spec: unknown;
    try {
      spec = (JSON.parse(Buffer.concat(chunks).toString('utf8')) as { spec?: unknown } | null)?.spec ?? '';
    } catch (err) {
      sendJson(res, 400, { error: `the request body is not JSON: ${errorMessage(err)}` });
      return;
    }
    if (typeof spec !== 'string') {
      sendJson(res, 400, { error: 'spec must be a string' });
      return;
    }
    try {
      opts.logging.setSpec(spec);
    } catch (err) {
      sendJson(res, 400, { error: errorMessage(err) });
      return;
    }
    opts.logger.info('SpecHandler', `Logging spec set to ${opts.logging.currentSpec}`);
    res.writeHead(204).end();
  });
}

const MAX_SPEC_BODY = 64 * 1024;

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'Content-Type': 'application/json' }).end(`${JSON.stringify(body)}\n`);
}
