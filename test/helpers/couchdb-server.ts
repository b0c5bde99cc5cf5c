// A CouchDB-compatible HTTP server for tests and benchmarks: express-pouchdb over PouchDB's
// memory adapter serves CouchDB's API (databases, documents, attachments, _all_docs, _bulk_docs,
// _index, _find). PouchDB's _find has no bookmarks; this server adds them, as CouchDB's are
// opaque: a bookmark here records how many matches were already returned.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import expressPouchDB from 'express-pouchdb';
import PouchDB from 'pouchdb-core';
import memoryAdapter from 'pouchdb-adapter-memory';
import findPlugin from 'pouchdb-find';
import type { CouchDbConfig } from '../../src/ledger/index.js';

export interface CouchDbTestServer {
  /** http://127.0.0.1:<port> */
  url: string;
  /** host:port, as core.yaml's couchDBAddress takes it. */
  address: string;
  /** While true, every `_bulk_docs` (a commit's writes) fails with a 500, as a CouchDB in trouble answers. */
  failWrites: boolean;
  /** Stops accepting requests (a CouchDB that went away); `resume` starts again on the same port. */
  pause(): Promise<void>;
  resume(): Promise<void>;
  close(): Promise<void>;
}

let servers = 0;

export async function startCouchDbServer(): Promise<CouchDbTestServer> {
  // Each server keeps its databases apart: the memory adapter shares a name across the process.
  const Base = PouchDB.plugin(memoryAdapter).plugin(findPlugin);
  // Every server's database list listens on PouchDB's one emitter: many servers in one test file are not a leak.
  Base.setMaxListeners(0);
  const Pouch = Base.defaults({ adapter: 'memory', prefix: `couch-${process.pid}-${++servers}-` });
  const app = expressPouchDB(Pouch, {
    mode: 'minimumForPouchDB',
    overrideMode: { include: ['routes/find'] },
    inMemoryConfig: true,
    logPath: '/dev/null',
  });
  const control = { failWrites: false };
  const handle = (req: IncomingMessage, res: ServerResponse): void => {
    if (control.failWrites && req.method === 'POST' && /\/_bulk_docs(?:\?|$)/.test(req.url ?? '')) {
      res.writeHead(500, { 'content-type': 'application/json' }).end(JSON.stringify({ error: 'unknown_error', reason: 'the disk is full' }));
      return;
    }
    const find = req.method === 'POST' ? /^\/([^/?]+)\/_find(?:\?|$)/.exec(req.url ?? '') : null;
    if (find === null) {
      app(req, res);
      return;
    }
    findWithBookmark(Pouch, decodeURIComponent(find[1] as string), req, res).catch((err: unknown) => {
      res.writeHead(500, { 'content-type': 'application/json' }).end(JSON.stringify({ error: 'unknown_error', reason: String(err) }));
    });
  };
  let server = await listen(createServer(handle), 0);
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    address: `127.0.0.1:${port}`,
    get failWrites() {
      return control.failWrites;
    },
    set failWrites(on: boolean) {
      control.failWrites = on;
    },
    pause: () => closeServer(server),
    resume: async () => {
      server = await listen(createServer(handle), port);
    },
    close: () => closeServer(server),
  };
}

type PouchConstructor = ReturnType<typeof PouchDB.defaults>;

async function findWithBookmark(Pouch: PouchConstructor, db: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  let request: Record<string, unknown>;
  try {
    request = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>;
  } catch {
    res.writeHead(400, { 'content-type': 'application/json' }).end(JSON.stringify({ error: 'bad_request', reason: 'invalid UTF-8 JSON' }));
    return;
  }
  const { bookmark, ...query } = request;
  let done = 0;
  if (typeof bookmark === 'string' && bookmark !== '' && bookmark !== 'nil') {
    const parsed = Number(Buffer.from(bookmark, 'base64url').toString('utf8'));
    if (!Number.isSafeInteger(parsed) || parsed < 0) {
      res.writeHead(400, { 'content-type': 'application/json' }).end(JSON.stringify({ error: 'invalid_bookmark', reason: `Invalid bookmark value: ${JSON.stringify(bookmark)}` }));
      return;
    }
    done = parsed;
  }
  const skip = typeof query['skip'] === 'number' ? query['skip'] : 0;
  try {
    const found = (await new Pouch(db).find({ ...query, skip: skip + done })) as { docs: unknown[]; warning?: string };
    const next = done + found.docs.length;
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ ...found, bookmark: Buffer.from(String(next)).toString('base64url') }));
  } catch (err) {
    const e = err as { status?: number; name?: string; error?: string; message?: string; reason?: string };
    res.writeHead(e.status ?? 400, { 'content-type': 'application/json' }).end(JSON.stringify({ error: e.error ?? 'bad_request', reason: e.reason ?? e.message ?? String(err) }));
  }
}

function listen(server: Server, port: number): Promise<Server> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve(server));
  });
}

function closeServer(server: Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}

/** Runs `fn` with a CouchDB test server of its own, closed afterwards. */
export async function withCouchDbServer<T>(fn: (server: CouchDbTestServer) => Promise<T>): Promise<T> {
  const server = await startCouchDbServer();
  try {
    return await fn(server);
  } finally {
    await server.close();
  }
}

/** The peer's couchDBConfig for the server: quick to give up, as a test wants. */
export function couchDbConfigOf(server: CouchDbTestServer, overrides: Partial<CouchDbConfig> = {}): CouchDbConfig {
  return {
    couchDBAddress: server.address,
    username: 'admin',
    password: 'adminpw',
    maxRetries: 1,
    maxRetriesOnStartup: 1,
    requestTimeoutMs: 10_000,
    internalQueryLimit: 1000,
    maxBatchUpdateSize: 1000,
    ...overrides,
  };
}
