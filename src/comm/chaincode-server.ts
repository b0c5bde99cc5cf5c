import type { Server, ServerDuplexStream } from '@grpc/grpc-js';
import { errorMessage } from '../common/errors/weft-error.js';
import type { Logger } from '../common/logging/logging.js';
import type { ChaincodeMessage } from '../common/protos/peer.js';
import type { ChaincodeStream } from './chaincode-stream.js';
import { GrpcChaincodeStream } from './grpc-chaincode-stream.js';
import { WeftError } from '../common/errors/weft-error.js';

export class ListenError extends WeftError<'LISTEN_FAILED'> {}

export interface ChaincodeServerOptions {
  /** host:port; port 0 picks a free one. */
  address: string;
  /** Serves one chaincode's stream until it ends (ChaincodeSupport.register). */
  register(stream: ChaincodeStream): Promise<void>;
  logger: Logger;
}

/** The gRPC listener chaincodes connect to: the ChaincodeSupport service on peer.chaincodeListenAddress. */
export class ChaincodeServer {
  private constructor(
    private readonly server: Server,
    /** The bound address, with the real port. */
    readonly address: string,
  ) {}

  static async start(opts: ChaincodeServerOptions): Promise<ChaincodeServer> {
    // Loaded here, not at start-up: the peer does other work while gRPC loads, and the ledgers open.
    const [{ Server, ServerCredentials }, { default: shimGrpc }] = await Promise.all([
      import('@grpc/grpc-js'),
      import('@hyperledger/fabric-protos/lib/peer/chaincode_shim_grpc_pb.js'),
    ]);
    const server = new Server();
    server.addService(shimGrpc.ChaincodeSupportService, {
      register: (call: ServerDuplexStream<ChaincodeMessage, ChaincodeMessage>) => {
        const stream = new GrpcChaincodeStream(call);
        opts.register(stream).then(
          () => stream.closeSend(),
          (err: unknown) => {
            opts.logger.error('Register', `chaincode stream ended with error: ${errorMessage(err)}`);
            stream.closeSend();
          },
        );
      },
    });
    const port = await new Promise<number>((resolve, reject) => {
      server.bindAsync(opts.address, ServerCredentials.createInsecure(), (err, boundPort) =>
        err === null ? resolve(boundPort) : reject(new ListenError('LISTEN_FAILED', `failed to listen on ${opts.address}: ${err.message}`)),
      );
    });
    const host = opts.address.slice(0, opts.address.lastIndexOf(':'));
    return new ChaincodeServer(server, `${host}:${port}`);
  }

  /** Stops accepting, then ends the calls still open. */
  async stop(): Promise<void> {
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        this.server.forceShutdown();
        resolve();
      }, 1000);
      this.server.tryShutdown(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }
}
