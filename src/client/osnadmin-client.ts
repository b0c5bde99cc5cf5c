import { randomBytes } from 'node:crypto';
import { request as httpRequest, type IncomingMessage, type RequestOptions } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP } from 'node:net';
import { errorMessage } from '../common/errors/weft-error.js';
import { multipartFormOfFile } from '../orderer/participation/multipart-form.js';
import { ClientError } from './client-error.js';
import type { ClientTls } from './client-tls.js';

/** An HTTP answer of the orderer's admin endpoint: its status and body as sent. */
export interface AdminReply {
  status: number;
  body: Buffer;
}

const CHANNELS = '/participation/v1/channels';

/**
 * A client of an orderer's channel participation API (Fabric's internal/osnadmin): http:// without
 * TLS, https:// with the CA to trust and, for mutual TLS, the client's certificate and key.
 */
export class OsnadminClient {
  constructor(
    private readonly address: string,
    private readonly tls?: ClientTls,
  ) {}

  /** POST the config block as the multipart form's `config-block` file. */
  join(configBlock: Uint8Array): Promise<AdminReply> {
    const form = multipartFormOfFile('config-block', 'config.block', configBlock, randomBytes(16).toString('hex'));
    return this.call('POST', CHANNELS, { 'Content-Type': form.contentType, 'Content-Length': String(form.body.length) }, form.body);
  }

  /** All channels, or one channel's details when `channelId` is given. */
  list(channelId?: string): Promise<AdminReply> {
    return this.call('GET', channelId === undefined ? CHANNELS : `${CHANNELS}/${encodeURIComponent(channelId)}`, {}, undefined);
  }

  remove(channelId: string): Promise<AdminReply> {
    return this.call('DELETE', `${CHANNELS}/${encodeURIComponent(channelId)}`, {}, undefined);
  }

  private call(method: string, path: string, headers: Record<string, string>, body: Buffer | undefined): Promise<AdminReply> {
    const url = `${this.tls === undefined ? 'http' : 'https'}://${this.address}${path}`;
    const options: RequestOptions & { ca?: Buffer; cert?: Buffer; key?: Buffer; servername?: string } = { method, headers };
    if (this.tls !== undefined) {
      // An IP address is no server name (SNI); the certificate is then checked against the IP address.
      if (isIP(new URL(url).hostname.replace(/^\[(.*)\]$/, '$1')) !== 0) options.servername = '';
      options.ca = this.tls.rootCertPem;
      if (this.tls.clientCertPem !== undefined) options.cert = this.tls.clientCertPem;
      if (this.tls.clientKeyPem !== undefined) options.key = this.tls.clientKeyPem;
    }
    return new Promise<AdminReply>((resolve, reject) => {
      const onResponse = (res: IncomingMessage): void => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks) });
        });
        res.on('error', (err) => {
          reject(new ClientError('CALL_FAILED', `reading http response body: ${errorMessage(err)}`, { cause: err }));
        });
      };
      const req = this.tls === undefined ? httpRequest(url, options, onResponse) : httpsRequest(url, options, onResponse);
      req.on('error', (err) => {
        // Go's http client words it `Post "https://host:port/participation/v1/channels": <cause>`.
        const verb = method.charAt(0) + method.slice(1).toLowerCase();
        reject(new ClientError('PEER_UNREACHABLE', `${verb} "${url}": ${errorMessage(err)}`, { cause: err }));
      });
      req.end(body);
    });
  }
}
