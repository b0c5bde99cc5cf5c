import type { Server, ServerCredentials } from '@grpc/grpc-js';
import { WeftError } from '../common/errors/weft-error.js';

export class ListenError extends WeftError<'LISTEN_FAILED'> {}

export type GrpcModule = typeof import('@grpc/grpc-js');

/** Chooses the server's credentials once gRPC is loaded; insecure when absent. */
export type CredentialsFactory = (grpc: GrpcModule) => ServerCredentials;

/** One bound gRPC server: the services it was given, on one address. */
export class GrpcListener {
  private constructor(
    private readonly server: Server,
    /** The bound address, with the real port. */
    readonly address: string,
  ) {}

  /**
   * Loads gRPC (here rather than at start-up, so the peer does other work meanwhile), lets
   * `addServices` add the services, and binds `address` (host:port; port 0 picks a free one).
   */
  static async start(
    address: string,
    addServices: (server: Server, grpc: GrpcModule) => Promise<void> | void,
    credentials?: CredentialsFactory,
  ): Promise<GrpcListener> {
    const grpc = await import('@grpc/grpc-js');
    const server = new grpc.Server();
    await addServices(server, grpc);
    const port = await new Promise<number>((resolve, reject) => {
      server.bindAsync(address, credentials?.(grpc) ?? grpc.ServerCredentials.createInsecure(), (err, boundPort) =>
        err === null ? resolve(boundPort) : reject(new ListenError('LISTEN_FAILED', `failed to listen on ${address}: ${err.message}`)),
      );
    });
    const host = address.slice(0, address.lastIndexOf(':'));
    return new GrpcListener(server, `${host}:${port}`);
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
  }
}
