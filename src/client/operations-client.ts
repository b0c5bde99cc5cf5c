import { request as httpRequest, type IncomingMessage, type RequestOptions } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP } from 'node:net';
import { ClientError } from './client-error.js';
import type { ClientTls } from './client-tls.js';

/** An HTTP answer of the operations service: its status and body as sent. */
export interface OperationsReply {
  status: number;
  body: Buffer;
}

export interface OperationsClientOptions {
  /** host:port of the peer's operations service (operations.listenAddress). */
  address: string;
  /** https with this CA (and client pair, for client authentication); http without. */
  tls?: ClientTls | undefined;
  /** How long to wait for the answer; 10 s when not given. */
  timeoutMs?: number;
}

/**
 * A client of a peer's operations service (GET /trace, /healthz, ...), as osnadmin is one of an
 * orderer's admin endpoint: http:// without TLS, https:// with the CA to trust and the client's
 * certificate and key when the service requires client authentication.
 */
export class OperationsClient {
  constructor(private readonly opts: OperationsClientOptions) {}

  /** The URL of `path` on the service (a listen address such as 0.0.0.0:9443 is dialled on this machine). */
  urlOf(path: string): URL {
    const colon = this.opts.address.lastIndexOf(':');
    const host = this.opts.address.slice(0, colon);
    const dialled = host === '' || host === '0.0.0.0' || host === '[::]' ? '127.0.0.1' : host;
    return new URL(`${this.opts.tls === undefined ? 'http' : 'https'}://${dialled}:${this.opts.address.slice(colon + 1)}${path}`);
  }

  get(path: string): Promise<OperationsReply> {
    const url = this.urlOf(path);
    const tls = this.opts.tls;
    const options: RequestOptions & { ca?: Buffer; cert?: Buffer; key?: Buffer; servername?: string } = { method: 'GET' };
    if (tls !== undefined) {
      // An IP address is no server name (SNI); the certificate is then checked against the IP address.
      if (isIP(url.hostname.replace(/^\[(.*)\]$/, '$1')) !== 0) options.servername = '';
      options.ca = tls.rootCertPem;
      if (tls.clientCertPem !== undefined) options.cert = tls.clientCertPem;
      if (tls.clientKeyPem !== undefined) options.key = tls.clientKeyPem;
    }
    const timeoutMs = this.opts.timeoutMs ?? 10_000;
    const where = `${url.protocol}//${url.host}`;
    return new Promise<OperationsReply>((resolve, reject) => {
      const unreachable = (reason: string, cause?: unknown): void => {
        reject(new ClientError('PEER_UNREACHABLE', `operations service not reachable at ${where}: ${reason}`, { cause }));
      };
      const onResponse = (res: IncomingMessage): void => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks) }));
        res.on('error', (err) => unreachable(`reading the answer to GET ${path}: ${reasonOf(err)}`, err));
      };
      const req = tls === undefined ? httpRequest(url, options, onResponse) : httpsRequest(url, options, onResponse);
      req.setTimeout(timeoutMs, () => req.destroy(new Error(`no answer to GET ${path} within ${String(timeoutMs / 1000)} s`)));
      req.on('error', (err) => unreachable(reasonOf(err), err));
      req.end();
    });
  }
}

/** An error's reason in words; a failed connection to a name with several addresses is an AggregateError with no message of its own. */
function reasonOf(err: Error): string {
  if (err instanceof AggregateError && err.errors.length > 0) {
    return err.errors.map((e: unknown) => (e instanceof Error ? e.message : String(e))).join('; ');
  }
  const code = (err as Error & { code?: unknown }).code;
  return err.message !== '' ? err.message : typeof code === 'string' ? code : 'failed';
}
