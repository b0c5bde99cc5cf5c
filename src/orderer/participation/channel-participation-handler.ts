import type { IncomingMessage, ServerResponse } from 'node:http';
import { ChannelBundle } from '../../channel/channel-bundle.js';
import { errorMessage, WeftError } from '../../common/errors/weft-error.js';
import type { Logger } from '../../common/logging/logging.js';
import { Block } from '../../common/protos/common.js';
import { parseMultipartForm, type FormPart } from './multipart-form.js';

/** What the orderer tells of one of its channels (Fabric's types.ChannelInfo, without the URL). */
export interface ChannelInfo {
  name: string;
  consensusRelation: 'consenter' | 'follower' | 'config-tracker';
  status: 'active' | 'onboarding' | 'inactive' | 'failed';
  height: number;
}

/** The orderer's channels, as the channel participation API manages them (the orderer's registrar). */
export interface ChannelParticipationRegistrar {
  joinChannel(configBlock: Block): Promise<ChannelInfo>;
  list(): ChannelInfo[];
  info(channelId: string): ChannelInfo | undefined;
  remove(channelId: string): Promise<void>;
}

/**
 * Refusals a registrar may throw for the API to answer with Fabric's status: CHANNEL_EXISTS (405),
 * CHANNEL_NOT_FOUND (404), PENDING_REMOVAL (409), REMOVAL_FAILED (500). Anything else is a 400.
 */
export class ChannelParticipationError extends WeftError<'CHANNEL_EXISTS' | 'CHANNEL_NOT_FOUND' | 'PENDING_REMOVAL' | 'REMOVAL_FAILED'> {}

export interface ChannelParticipationOptions {
  /** ChannelParticipation.Enabled: when false every request is answered 503. */
  enabled?: boolean;
  /** ChannelParticipation.MaxRequestBodySize, in bytes (Fabric's default: 1 MB). */
  maxRequestBodySize?: number;
}

const BASE = '/participation/v1/';
const CHANNELS = '/participation/v1/channels';
const CONFIG_BLOCK = 'config-block';
const DEFAULT_MAX_BODY = 1024 * 1024;
const CHANNEL_ID = /^[a-z][a-z0-9.-]*$/;

/** A reply: status, JSON body (none for 204), extra headers. */
interface Reply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

/**
 * The channel participation API of an orderer without a system channel (Fabric 2.3+'s
 * /participation/v1/channels): list, show, join with a config block, remove. Statuses, JSON bodies
 * and error texts are Fabric's, so osnadmin and scripts written for Fabric read them unchanged.
 */
export class ChannelParticipationHandler {
  constructor(
    private readonly opts: ChannelParticipationOptions,
    private readonly modules: { registrar: ChannelParticipationRegistrar; logger: Logger },
  ) {}

  /** Answers one request; never rejects (a fault becomes a 500). */
  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    let reply: Reply;
    try {
      reply = await this.route(req);
    } catch (err) {
      this.modules.logger.error('ServeHTTP', `channel participation request ${req.method ?? ''} ${req.url ?? ''} failed: ${errorMessage(err)}`);
      reply = failure(500, errorMessage(err));
    }
    send(res, reply);
  }

  private async route(req: IncomingMessage): Promise<Reply> {
    if (this.opts.enabled === false) return failure(503, 'channel participation API is disabled');
    const path = new URL(req.url ?? '/', 'http://orderer').pathname;
    const method = req.method ?? 'GET';
    if (path === CHANNELS) return this.channels(req, method);
    if (path.startsWith(`${CHANNELS}/`) && !path.slice(CHANNELS.length + 1).includes('/')) {
      const channelId = decodedSegment(path.slice(CHANNELS.length + 1));
      if (channelId === undefined) {
        req.resume();
        return failure(400, `invalid channel ID: '${path.slice(CHANNELS.length + 1)}' contains illegal characters`);
      }
      return this.channel(req, method, channelId);
    }
    if (path === BASE && method === 'GET') return { status: 302, headers: { Location: CHANNELS } };
    return { status: 404, body: '404 page not found' };
  }

  private async channels(req: IncomingMessage, method: string): Promise<Reply> {
    if (method === 'GET') {
      req.resume();
      return acceptsJson(req) ?? { status: 200, body: this.list(), headers: { 'Cache-Control': 'no-store' } };
    }
    if (method === 'POST') {
      const contentType = req.headers['content-type'] ?? '';
      if (!/^multipart\/form-data/i.test(contentType)) {
        req.resume();
        return failure(400, `unsupported Content-Type: [${contentType}]`);
      }
      const refused = acceptsJson(req);
      if (refused !== undefined) {
        req.resume();
        return refused;
      }
      return this.join(req, contentType);
    }
    req.resume();
    return notAllowed(`invalid request method: ${method}`, 'GET, POST');
  }

  private async channel(req: IncomingMessage, method: string, channelId: string): Promise<Reply> {
    req.resume();
    if (method !== 'GET' && method !== 'DELETE') return notAllowed(`invalid request method: ${method}`, 'GET, DELETE');
    const refused = acceptsJson(req);
    if (refused !== undefined) return refused;
    const invalid = invalidChannelId(channelId);
    if (invalid !== undefined) return failure(400, `invalid channel ID: ${invalid}`);
    const info = this.modules.registrar.info(channelId);
    if (method === 'GET') {
      return info === undefined ? failure(404, 'channel does not exist') : { status: 200, body: withUrl(info), headers: { 'Cache-Control': 'no-store' } };
    }
    if (info === undefined) return failure(404, 'cannot remove: channel does not exist');
    try {
      await this.modules.registrar.remove(channelId);
    } catch (err) {
      return refusal(err, 'cannot remove');
    }
    this.modules.logger.debug('serveRemove', `Successfully removed channel: ${channelId}`);
    return { status: 204 };
  }

  private list(): { systemChannel: null; channels: Array<{ name: string; url: string }> | null } {
    const channels = this.modules.registrar.list().map((info) => ({ name: info.name, url: urlOf(info.name) }));
    // Fabric's list is a nil slice, and so JSON null, when the orderer has no channel.
    return { systemChannel: null, channels: channels.length === 0 ? null : channels };
  }

  private async join(req: IncomingMessage, contentType: string): Promise<Reply> {
    const boundary = /;\s*boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType);
    if (boundary === null) {
      req.resume();
      return failure(400, 'cannot parse Mime media type: no boundary parameter');
    }
    const body = await readBody(req, this.opts.maxRequestBodySize ?? DEFAULT_MAX_BODY);
    if (body === undefined) return failure(400, 'cannot read form from request body: http: request body too large');
    let parts: FormPart[];
    try {
      parts = parseMultipartForm(body, boundary[1] ?? boundary[2] ?? '');
    } catch (err) {
      return failure(400, `cannot read form from request body: ${errorMessage(err)}`);
    }
    const file = parts.find((p) => p.name === CONFIG_BLOCK && p.filename !== undefined);
    if (file === undefined) return failure(400, `form does not contains part key: ${CONFIG_BLOCK}`);
    if (parts.length !== 1) return failure(400, 'form contains too many parts');
    let block: Block;
    try {
      block = Block.deserializeBinary(file.data);
    } catch (err) {
      return failure(400, `cannot unmarshal file part ${CONFIG_BLOCK} into a block: ${errorMessage(err)}`);
    }
    let channelId: string;
    try {
      channelId = joinBlockChannel(block);
    } catch (err) {
      return failure(400, `invalid join block: ${errorMessage(err)}`);
    }
    if (this.modules.registrar.info(channelId) !== undefined) return notAllowed('cannot join: channel already exists', 'GET, DELETE');
    let info: ChannelInfo;
    try {
      info = await this.modules.registrar.joinChannel(block);
    } catch (err) {
      return refusal(err, 'cannot join');
    }
    const url = urlOf(info.name);
    this.modules.logger.debug('serveJoin', `Successfully joined channel: ${url}`);
    return { status: 201, body: withUrl(info), headers: { Location: url } };
  }
}

/** The channel of a usable join block: a config block whose config loads and has an Application group. */
function joinBlockChannel(block: Block): string {
  const bundle = ChannelBundle.fromBlock(block);
  if (!bundle.config.channelGroup.getGroupsMap().has('Application')) {
    throw new Error('invalid config: must have at least one of application or consortiums');
  }
  const invalid = invalidChannelId(bundle.channelId);
  if (invalid !== undefined) throw new Error(`bad channel ID: ${invalid}`);
  return bundle.channelId;
}

/** A path segment with its %-escapes decoded; undefined when they are malformed. */
function decodedSegment(segment: string): string | undefined {
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined;
  }
}

/** Fabric's channel ID rule (configtx.ValidateChannelID), in its words. */
function invalidChannelId(channelId: string): string | undefined {
  if (channelId === '') return 'channel ID illegal, cannot be empty';
  if (channelId.length > 249) return 'channel ID illegal, cannot be longer than 249';
  if (!CHANNEL_ID.test(channelId)) return `'${channelId}' contains illegal characters`;
  return undefined;
}

function urlOf(channelId: string): string {
  return `${CHANNELS}/${channelId}`;
}

/** Fabric's field order: name, url, consensusRelation, status, height. */
function withUrl(info: ChannelInfo): Record<string, unknown> {
  return { name: info.name, url: urlOf(info.name), consensusRelation: info.consensusRelation, status: info.status, height: info.height };
}

function refusal(err: unknown, what: string): Reply {
  const message = `${what}: ${errorMessage(err)}`;
  if (!(err instanceof ChannelParticipationError)) return failure(400, message);
  switch (err.code) {
    case 'CHANNEL_EXISTS':
      return notAllowed(message, 'GET, DELETE');
    case 'CHANNEL_NOT_FOUND':
      return failure(404, message);
    case 'PENDING_REMOVAL':
      return failure(409, message);
    case 'REMOVAL_FAILED':
      return failure(500, message);
  }
}

/** A 406 unless the client takes JSON (only JSON is served, as in Fabric). */
function acceptsJson(req: IncomingMessage): Reply | undefined {
  const accept = req.headers.accept ?? '';
  if (accept === '' || accept.split(',').some((o) => o.includes('application/json') || o.includes('application/*') || o.includes('*/*'))) return undefined;
  return failure(406, 'response Content-Type is application/json only');
}

function failure(status: number, error: string): Reply {
  return { status, body: { error } };
}

function notAllowed(error: string, allow: string): Reply {
  return { status: 405, body: { error }, headers: { Allow: allow } };
}

/** The request body, or undefined once it passes `limit` bytes (the rest is drained). */
async function readBody(req: IncomingMessage, limit: number): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  let tooLarge = false;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) tooLarge = true;
    if (!tooLarge) chunks.push(chunk);
  }
  return tooLarge ? undefined : Buffer.concat(chunks);
}

function send(res: ServerResponse, reply: Reply): void {
  for (const [name, value] of Object.entries(reply.headers ?? {})) res.setHeader(name, value);
  if (reply.body === undefined) {
    res.writeHead(reply.status).end();
  } else if (typeof reply.body === 'string') {
    // Go's router answers an unknown path in plain text.
    res.writeHead(reply.status, { 'Content-Type': 'text/plain; charset=utf-8' }).end(`${reply.body}\n`);
  } else {
    // Go's json.Encoder ends each document with a newline.
    res.writeHead(reply.status, { 'Content-Type': 'application/json' }).end(`${JSON.stringify(reply.body)}\n`);
  }
}
