import Docker from 'dockerode';
import { errorMessage } from '../../common/errors/weft-error.js';
import { ContainerError } from '../container-error.js';

/** Socket errors that mean nothing answers at the endpoint (as opposed to an answer saying no). */
const UNREACHABLE = new Set(['ENOENT', 'ECONNREFUSED', 'EACCES', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'ABORT_ERR']);

/** What dockerode rejects with: a socket error, or the engine's answer with its HTTP status. */
interface EngineFailure {
  code?: unknown;
  statusCode?: unknown;
  json?: unknown;
}

/** The HTTP status of the engine's answer, when the failure is one. */
export function statusOf(err: unknown): number | undefined {
  const status = (err as EngineFailure | null)?.statusCode;
  return typeof status === 'number' ? status : undefined;
}

/** The engine's own words for a failed call (its JSON `message`), else the error's message. */
function engineMessage(err: unknown): string {
  const json = (err as EngineFailure | null)?.json;
  if (typeof json === 'object' && json !== null && 'message' in json && typeof json.message === 'string') return json.message.trim();
  return errorMessage(err);
}

function isUnreachable(err: unknown): boolean {
  const code = (err as EngineFailure | null)?.code;
  return typeof code === 'string' && UNREACHABLE.has(code);
}

/** dockerode's connection options for `vm.endpoint` (validated by the config loader). */
function connectionOf(endpoint: string): Docker.DockerOptions {
  if (endpoint.startsWith('unix://')) return { socketPath: endpoint.slice('unix://'.length) };
  const url = new URL(endpoint.replace(/^tcp:/, 'http:'));
  return { protocol: url.protocol === 'https:' ? 'https' : 'http', host: url.hostname, port: Number(url.port) };
}

/**
 * The Docker engine at `vm.endpoint`, through dockerode: every call goes through `call`, the one
 * place engine failures become ContainerErrors. One that nothing answers names the endpoint.
 */
export class DockerEngine {
  readonly docker: Docker;

  constructor(readonly endpoint: string) {
    this.docker = new Docker(connectionOf(endpoint));
  }

  /** Resolves when the engine answers within `timeoutMs`; else rejects with ENGINE_UNAVAILABLE. */
  async ping(timeoutMs: number): Promise<void> {
    const abortSignal = AbortSignal.timeout(timeoutMs);
    try {
      // dockerode's ping takes an abort signal, though its type declarations do not say so.
      const ping = this.docker.ping.bind(this.docker) as unknown as (opts: { abortSignal: AbortSignal }) => Promise<unknown>;
      await ping({ abortSignal });
    } catch (err) {
      const why = abortSignal.aborted ? `no answer within ${timeoutMs} ms` : engineMessage(err);
      throw new ContainerError('ENGINE_UNAVAILABLE', `the Docker engine at ${this.endpoint} (vm.endpoint) does not answer: ${why}`, { cause: err });
    }
  }

  /**
   * One engine call. `what` says what was being done (`create container x`), for the error.
   * Statuses listed in `tolerate` resolve with undefined instead of failing.
   */
  async call<T>(what: string, fn: (docker: Docker) => Promise<T>, tolerate: readonly number[] = []): Promise<T | undefined> {
    try {
      return await fn(this.docker);
    } catch (err) {
      const status = statusOf(err);
      if (status !== undefined && tolerate.includes(status)) return undefined;
      throw this.failure(what, err);
    }
  }

  /** A failure of `what` as a ContainerError: the engine unreachable, or its answer. */
  failure(what: string, err: unknown): ContainerError {
    if (isUnreachable(err)) {
      return new ContainerError('ENGINE_UNAVAILABLE', `${what}: the Docker engine at ${this.endpoint} (vm.endpoint) does not answer: ${errorMessage(err)}`, {
        cause: err,
      });
    }
    return new ContainerError('ENGINE_FAILED', `${what}: ${engineMessage(err)}`, { cause: err });
  }
}
