import type { Server, ServerCredentials, ServerInterceptor } from '@grpc/grpc-js';
import { WeftError } from '../common/errors/weft-error.js';
import { listenFailureText } from './listen-failure.js';

export class ListenError extends WeftError<'LISTEN_FAILED'> {}

export type GrpcModule = typeof import('@grpc/grpc-js');

/** Chooses the server's credentials once gRPC is loaded; insecure when absent. */
export type CredentialsFactory = (grpc: GrpcModule) => ServerCredentials;

/** Told of each TLS handshake a client failed: who it was and why. */
export type TlsRefusalListener = (remoteAddress: string, reason: string) => void;

/**
 * The largest message (bytes) the server takes and gives (Fabric's peer.maxRecvMsgSize and
 * peer.maxSendMsgSize). gRPC itself refuses a larger one with RESOURCE_EXHAUSTED, failing that call
 * only, before any of it reaches a service.
 */
export interface MessageLimits {
  maxRecvMsgSize: number;
  maxSendMsgSize: number;
}

export interface ListenOptions {
  /** The configuration key the address came from (peer.listenAddress), named when it cannot be bound. */
  setting?: string | undefined;
  /** The server's credentials; insecure when absent. */
  credentials?: CredentialsFactory | undefined;
  onTlsRefusal?: TlsRefusalListener | undefined;
  /** grpc-js's own when absent (4 MiB received, no limit sent). */
  limits?: MessageLimits | undefined;
  /** Server interceptors (the gRPC metrics), made once gRPC is loaded. */
  interceptors?: ((grpc: GrpcModule) => ServerInterceptor[]) | undefined;
}

/** A client's TCP socket, as a TLS server's 'connection' event gives it. */
interface RawSocket {
  remoteAddress?: string;
  destroy(): void;
  once(event: 'close', listener: () => void): unknown;
}

/** The TLS socket a failed handshake is reported with; `_parent` (Node's, undocumented) is the TCP socket it wraps. */
interface FailedTlsSocket {
  remoteAddress?: string;
  _parent?: RawSocket;
}

/** The HTTP/2 servers inside a grpc-js Server: not part of its API, so looked for, not relied on. */
interface WithHttp2Servers {
  http2Servers?: Map<
    {
      on(event: 'connection', listener: (socket: RawSocket) => void): unknown;
      on(event: 'tlsClientError', listener: (err: Error, socket: FailedTlsSocket) => void): unknown;
    },
    unknown
  >;
}

/** One bound gRPC server: the services it was given, on one address. */
export class GrpcListener {
  private constructor(
    private readonly server: Server,
    /** The bound address, with the real port. */
    readonly address: string,
    /** Every client connection still open: one accepted as the server shuts down is not grpc-js's yet, and would keep the process alive. */
    private readonly sockets: ReadonlySet<RawSocket>,
  ) {}

  /**
   * Loads gRPC (here rather than at start-up, so the peer does other work meanwhile), lets
   * `addServices` add the services, and binds `address` (host:port; port 0 picks a free one).
   */
  static async start(
    address: string,
    addServices: (server: Server, grpc: GrpcModule) => Promise<void> | void,
    opts: ListenOptions = {},
  ): Promise<GrpcListener> {
    const { setting, credentials, onTlsRefusal, limits } = opts;
    const grpc = await import('@grpc/grpc-js');
    const interceptors = opts.interceptors?.(grpc);
    const server = new grpc.Server({
      ...(interceptors === undefined ? {} : { interceptors }),
      // Channelz keeps statistics per call that nothing here reads: measurable CPU on every message.
      'grpc.enable_channelz': 0,
      ...(limits === undefined ? {} : { 'grpc.max_receive_message_length': limits.maxRecvMsgSize, 'grpc.max_send_message_length': limits.maxSendMsgSize }),
    });
    await addServices(server, grpc);
    const port = await new Promise<number>((resolve, reject) => {
      server.bindAsync(address, credentials?.(grpc) ?? grpc.ServerCredentials.createInsecure(), (err, boundPort) =>
        err === null ? resolve(boundPort) : reject(new ListenError('LISTEN_FAILED', listenFailureText(address, setting, err.message), { cause: err })),
      );
    });
    const sockets = new Set<RawSocket>();
    for (const http2Server of (server as unknown as WithHttp2Servers).http2Servers?.keys() ?? []) {
      http2Server.on('connection', (raw) => {
        sockets.add(raw);
        raw.once('close', () => sockets.delete(raw));
      });
    }
    if (onTlsRefusal !== undefined) {
      // grpc-js has no hook for a failed handshake; its HTTP/2 servers do. When a grpc-js release
      // hides them elsewhere, refusals go unlogged (and the test that expects the log line fails).
      for (const http2Server of (server as unknown as WithHttp2Servers).http2Servers?.keys() ?? []) {
        // When the client hangs up mid-handshake, its socket is closed, and has lost its address, by
        // the time the failure is reported: each connection's address is noted as it arrives.
        const addresses = new WeakMap<RawSocket, string>();
        http2Server.on('connection', (raw) => {
          if (raw.remoteAddress !== undefined) addresses.set(raw, raw.remoteAddress);
        });
        http2Server.on('tlsClientError', (err, socket) => {
          const noted = socket._parent === undefined ? undefined : addresses.get(socket._parent);
          onTlsRefusal(socket.remoteAddress ?? noted ?? 'an unknown address', tlsReason(err));
        });
      }
    }
    const host = address.slice(0, address.lastIndexOf(':'));
    return new GrpcListener(server, `${host}:${port}`, sockets);
  }

  /** Stops accepting, then ends the calls still open after `graceMs`. */
  async stop(graceMs = 1000): Promise<void> {
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        this.server.forceShutdown();
        resolve();
      }, graceMs);
      this.server.tryShutdown(() => {
        clearTimeout(timer);
        resolve();
      });
    });
    for (const socket of this.sockets) socket.destroy();
  }
}

/** OpenSSL's reason out of its error line (`...:SSL routines:ssl3_get_record:wrong version number:...`). */
function tlsReason(err: Error): string {
  const first = err.message.split('\n')[0] ?? '';
  const parts = first.split(':');
  return /^[0-9A-F]+$/.test(parts[0] ?? '') && parts[1] === 'error' && parts[5] !== undefined ? parts[5] : first;
}
