import { setTimeout as sleep } from 'node:timers/promises';
import { errorMessage } from '../../common/errors/weft-error.js';
import type { Logger } from '../../common/logging/logging.js';
import { CouchDbError } from './couchdb-error.js';

export interface CouchDbClientOptions {
  /** `couchDBAddress`: host:port, or a URL. */
  address: string;
  username: string;
  password: string;
  /** Tries after the first for a request that finds CouchDB unreachable or failing (Fabric: 3). */
  maxRetries: number;
  /** Time one request may take (`requestTimeout`, Fabric: 35s). */
  requestTimeoutMs: number;
  /** The first wait between tries, doubled after each (Fabric: 125 ms). */
  retryWaitMs?: number;
  /** Where retries are reported (Fabric's couchdb logger). */
  logger?: Logger | undefined;
}

/** CouchDB's answer: its status and parsed JSON body. */
export interface CouchResponse<T> {
  status: number;
  body: T;
}

export interface CouchRequest {
  method: 'GET' | 'PUT' | 'POST' | 'DELETE' | 'HEAD';
  /** The path below the server, each segment already encoded. */
  path: string;
  query?: Record<string, string | number | boolean> | undefined;
  body?: unknown;
  /** Statuses the caller handles itself rather than as a failure (404 for a missing document). */
  accept?: readonly number[];
  /** Overrides `maxRetries` (start-up uses `maxRetriesOnStartup`). */
  maxRetries?: number;
}

const DEFAULT_RETRY_WAIT_MS = 125;

/**
 * CouchDB's HTTP API over Node's fetch (undici, which keeps connections alive), with Fabric's
 * retry policy: a request that cannot reach CouchDB, times out or gets a 5xx is tried again after
 * a wait that doubles each time; a 4xx is CouchDB refusing the request and is returned at once.
 */
export class CouchDbClient {
  readonly url: string;
  private readonly authorization: string | undefined;

  constructor(private readonly opts: CouchDbClientOptions) {
    const address = opts.address.includes('://') ? opts.address : `http://${opts.address}`;
    this.url = address.replace(/\/+$/, '');
    // As Fabric: credentials are sent only when both are set.
    this.authorization = opts.username === '' || opts.password === '' ? undefined : `Basic ${Buffer.from(`${opts.username}:${opts.password}`).toString('base64')}`;
  }

  async request<T>(req: CouchRequest): Promise<CouchResponse<T>> {
    const retries = req.maxRetries ?? this.opts.maxRetries;
    let wait = this.opts.retryWaitMs ?? DEFAULT_RETRY_WAIT_MS;
    for (let attempt = 0; ; attempt++) {
      const outcome = await this.attempt<T>(req);
      if (!(outcome instanceof CouchDbError)) return outcome;
      // A 4xx is CouchDB refusing the request: asking again gets the same answer.
      if ((outcome.status > 0 && outcome.status < 500) || attempt >= retries) throw outcome;
      this.opts.logger?.warn('handleRequest', `Attempt ${attempt + 1} of ${retries + 1} returned error: ${outcome.message}. Retrying couchdb request in ${wait}ms`);
      await sleep(wait);
      wait *= 2;
    }
  }

  /** One try: CouchDB's answer, or the failure to report or retry. */
  private async attempt<T>(req: CouchRequest): Promise<CouchResponse<T> | CouchDbError> {
    let res: Response;
    let text: string;
    try {
      res = await this.send(req);
      text = await res.text();
    } catch (err) {
      return new CouchDbError('COUCHDB_UNREACHABLE', `http error calling couchdb: ${req.method} ${this.url}${req.path}: ${causeOf(err)}`, 0, '', { cause: err });
    }
    let body: unknown;
    try {
      body = text === '' ? {} : JSON.parse(text);
    } catch {
      body = { reason: text };
    }
    if (res.status < 400 || req.accept?.includes(res.status) === true) return { status: res.status, body: body as T };
    const { error, reason } = body as { error?: string; reason?: string };
    return new CouchDbError(
      'COUCHDB_REQUEST_FAILED',
      `error handling CouchDB request. Error:${error ?? 'unknown'},  Status Code:${res.status},  Reason:${reason ?? text}`,
      res.status,
      error ?? '',
    );
  }

  private send(req: CouchRequest): Promise<Response> {
    let url = this.url + req.path;
    if (req.query !== undefined) {
      const params = new URLSearchParams();
      for (const [name, value] of Object.entries(req.query)) params.set(name, String(value));
      url += `?${params.toString()}`;
    }
    const headers: Record<string, string> = { accept: 'application/json' };
    if (this.authorization !== undefined) headers['authorization'] = this.authorization;
    let body: string | undefined;
    if (req.body !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(req.body);
    }
    return fetch(url, { method: req.method, headers, body, signal: AbortSignal.timeout(this.opts.requestTimeoutMs) });
  }
}

/** undici hides the socket's error (ECONNREFUSED, ...) in `cause`: name it. */
function causeOf(err: unknown): string {
  const cause = (err as { cause?: unknown }).cause;
  if (cause instanceof Error) return `${errorMessage(err)} (${cause.message})`;
  return errorMessage(err);
}

/** A database name or document id as one path segment. */
export function segment(name: string): string {
  return encodeURIComponent(name);
}
