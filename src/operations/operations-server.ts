import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { ListenError } from '../comm/grpc-listener.js';
import { listenFailureText } from '../comm/listen-failure.js';
import { errorMessage } from '../common/errors/weft-error.js';
import type { Logger } from '../common/logging/logging.js';
import type { HealthRegistry } from './health-registry.js';
import { LIVE_PAGE_HTML } from './live-page.js';
import type { LiveStatus } from './live-status.js';
import type { TraceEvent } from './trace/trace-event.js';

export interface OperationsServerOptions {
  /** operations.listenAddress, host:port */
  address: string;
  /** The key `address` came from, named when it cannot be bound; operations.listenAddress by default. */
  setting?: string | undefined;
  health: HealthRegistry;
  /** The peer's version, for GET /version. */
  version: string;
  /** The process's logging, for GET and PUT /logspec. */
  logging: { readonly currentSpec: string; setSpec(spec: string): void };
  /** operations.tls: HTTPS; the routes other than /healthz and /version then want a verified client certificate. */
  tls?: OperationsTls | undefined;
  /** The Prometheus exposition of the peer's metrics (metrics.provider: prometheus), for GET /metrics. */
  metrics?: { text(): Promise<{ contentType: string; body: string }> } | undefined;
  /** The conversation trace (chaincode.trace), for GET /trace. */
  trace?: { events(filter: { chaincode?: string; txid?: string }): TraceEvent[] } | undefined;
  /** What the live page (GET /) shows, for GET /status. */
  status?: (() => Promise<LiveStatus>) | undefined;
  logger: Logger;
}

export interface OperationsTls {
  certPem: Buffer;
  keyPem: Buffer;
  /** operations.tls.clientRootCAs.files, read: the roots a client certificate must chain to. */
  clientRootCasPem: Buffer[];
  /** operations.tls.clientAuthRequired: the handshake refuses a client without such a certificate. */
  clientAuthRequired: boolean;
}

type Route = (req: IncomingMessage, res: ServerResponse, url: URL) => void;

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
    // Fabric's split: health and version for anyone; the rest, with TLS on, for verified clients only.
    const open = new Map<string, Route>([
      ['/healthz', (req, res) => serveHealth(req, res, opts)],
      ['/version', (req, res) => serveVersion(req, res, opts.version)],
    ]);
    const secured = new Map<string, Route>([['/logspec', (req, res) => serveLogSpec(req, res, opts)]]);
    if (opts.metrics !== undefined) secured.set('/metrics', (req, res) => serveMetrics(req, res, opts));
    const trace = opts.trace;
    if (trace !== undefined) secured.set('/trace', (req, res, url) => serveTrace(req, res, url, trace));
    const status = opts.status;
    if (status !== undefined) {
      secured.set('/', (req, res) => serveLivePage(req, res));
      secured.set('/status', (req, res) => serveStatus(req, res, status));
    }
    const tls = opts.tls;
    const handle = (req: IncomingMessage, res: ServerResponse): void => {
      const url = new URL(req.url ?? '/', 'http://operations');
      const route = open.get(url.pathname);
      if (route !== undefined) {
        route(req, res, url);
        return;
      }
      const securedRoute = secured.get(url.pathname);
      if (securedRoute === undefined) {
        res.writeHead(404, { 'Content-Type': 'text/plain' }).end('404 page not found\n');
        return;
      }
      if (tls !== undefined && !(tls.clientRootCasPem.length > 0 && (req.socket as { authorized?: boolean }).authorized === true)) {
        opts.logger.warn(
          'ServeHTTP',
          `Client request not authorized, client must pass a valid client certificate for this operation URL ${url.pathname} Method ${req.method ?? ''} RemoteAddr ${req.socket.remoteAddress ?? ''}`,
        );
        res.writeHead(401).end();
        return;
      }
      securedRoute(req, res, url);
    };
    const server: Server =
      tls === undefined
        ? createServer(handle)
        : createTlsServer(
            {
              cert: tls.certPem,
              key: tls.keyPem,
              minVersion: 'TLSv1.2',
              requestCert: true,
              // Without roots of its own, node would check client certificates against the public CAs.
              ca: tls.clientRootCasPem.length > 0 ? tls.clientRootCasPem : [tls.certPem],
              rejectUnauthorized: tls.clientAuthRequired,
            },
            handle,
          );
    await new Promise<void>((resolve, reject) => {
      server.once('error', (err) => reject(new ListenError('LISTEN_FAILED', listenFailureText(opts.address, opts.setting ?? 'operations.listenAddress', err.message), { cause: err })));
      server.listen(port, host === '' ? undefined : host, () => {
        server.removeAllListeners('error');
        resolve();
      });
    });
    const bound = server.address() as AddressInfo;
    const address = `${bound.family === 'IPv6' ? `[${bound.address}]` : bound.address}:${bound.port}`;
    opts.logger.info('Start', `Operations server listening on ${address}${tls === undefined ? '' : ' (TLS)'}`);
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

function allowGet(req: IncomingMessage, res: ServerResponse): boolean {
  if (req.method === 'GET' || req.method === 'HEAD') return true;
  res.writeHead(405, { 'Content-Type': 'text/plain', Allow: 'GET' }).end('Method Not Allowed\n');
  return false;
}

function serveMetrics(req: IncomingMessage, res: ServerResponse, opts: OperationsServerOptions): void {
  if (!allowGet(req, res) || opts.metrics === undefined) return;
  opts.metrics.text().then(
    ({ contentType, body }) => res.writeHead(200, { 'Content-Type': contentType }).end(body),
    (err: unknown) => res.writeHead(500, { 'Content-Type': 'text/plain' }).end(`${errorMessage(err)}\n`),
  );
}

const TRACE_FORMATS = ['json', 'mermaid', 'svg', 'html'];

/** GET /trace[?chaincode=NAME][&txid=ID][&format=json|mermaid|svg|html]: the recorded conversations. */
function serveTrace(
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  trace: NonNullable<OperationsServerOptions['trace']>,
): void {
  if (!allowGet(req, res)) return;
  const format = url.searchParams.get('format') ?? 'json';
  if (!TRACE_FORMATS.includes(format)) {
    sendJson(res, 400, { error: `unknown format ${JSON.stringify(format.slice(0, 40))}: use json, mermaid, svg or html` });
    return;
  }
  const events = trace.events({ chaincode: url.searchParams.get('chaincode') ?? undefined, txid: url.searchParams.get('txid') ?? undefined });
  if (format === 'json') {
    sendJson(res, 200, { events });
    return;
  }
  drawTrace(events, format).then(
    (drawn) => {
      res.writeHead(200, { 'Content-Type': drawn.contentType, 'Content-Security-Policy': "default-src 'none'; style-src 'unsafe-inline'" }).end(drawn.body);
    },
    (err: unknown) => sendJson(res, 500, { error: errorMessage(err) }),
  );
}

/** The diagram of the events; the renderers load on the first request for one, not at the peer's start. */
async function drawTrace(events: TraceEvent[], format: string): Promise<{ contentType: string; body: string }> {
  const { buildConversation } = await import('./trace/conversation.js');
  const conversation = buildConversation(events);
  if (format === 'mermaid') return { contentType: 'text/plain; charset=utf-8', body: (await import('./trace/render-mermaid.js')).renderMermaid(conversation) };
  if (format === 'svg') return { contentType: 'image/svg+xml', body: (await import('./trace/render-svg.js')).renderSvg(conversation) };
  return { contentType: 'text/html; charset=utf-8', body: (await import('./trace/render-html.js')).renderHtml(conversation) };
}

function serveLivePage(req: IncomingMessage, res: ServerResponse): void {
  if (!allowGet(req, res)) return;
  res
    .writeHead(200, {
      'Content-Type': 'text/html; charset=utf-8',
      // Its own inline script and style, and fetches of /status on the same origin: nothing else.
      'Content-Security-Policy': "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; connect-src 'self'",
    })
    .end(LIVE_PAGE_HTML);
}

function serveStatus(req: IncomingMessage, res: ServerResponse, status: () => Promise<LiveStatus>): void {
  if (!allowGet(req, res)) return;
  status().then(
    (body) => sendJson(res, 200, body),
    (err: unknown) => sendJson(res, 500, { error: errorMessage(err) }),
  );
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'Content-Type': 'application/json' }).end(`${JSON.stringify(body)}\n`);
}
