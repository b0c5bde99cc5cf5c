import * as grpc from '@grpc/grpc-js';
import type { FabricShim, ShimChaincode, ShimMessage } from './fabric-shim-loader.js';
import { TestNetworkError } from './test-network-error.js';

/**
 * A chaincode server in this process, as fabric-shim's `shim.server()` makes one (Fabric's
 * `protos.Chaincode/Connect`, each connection a conversation run by fabric-shim's own message
 * handler), with two differences a test needs: it listens on a port the system chooses and says
 * which, and it can be stopped. Its serializers call `serializeBinary()` rather than checking the
 * message's class as the generated ones do: with several copies of the protobuf classes in one
 * process (the peer's, the shim's, fabric-gateway's), that check refuses the shim's own messages.
 */
export class InProcessChaincodeServer {
  private constructor(
    private readonly server: grpc.Server,
    /** The chaincode's ID once serveAs() gives it; shared with the connection handler. */
    private readonly serving: { ccid?: string },
    /** host:port the server listens on. */
    readonly address: string,
  ) {}

  /** Starts listening on 127.0.0.1, on a free port; connections are served once serveAs() names the chaincode. */
  static async start(shim: FabricShim, chaincode: ShimChaincode): Promise<InProcessChaincodeServer> {
    const server = new grpc.Server();
    const serialize = (message: ShimMessage): Buffer => Buffer.from(message.serializeBinary());
    const deserialize = (bytes: Buffer): ShimMessage => shim.decodeMessage(bytes);
    const service: grpc.ServiceDefinition = {
      connect: {
        path: '/protos.Chaincode/Connect',
        requestStream: true,
        responseStream: true,
        requestSerialize: serialize,
        requestDeserialize: deserialize,
        responseSerialize: serialize,
        responseDeserialize: deserialize,
      },
    };
    const serving: { ccid?: string } = {};
    server.addService(service, {
      connect: (stream: grpc.ServerDuplexStream<ShimMessage, ShimMessage>) => {
        const ccid = serving.ccid;
        if (ccid === undefined) {
          stream.destroy(new Error('the chaincode server is not serving yet'));
          return;
        }
        shim.converse(stream, chaincode, ccid);
      },
    });
    const port = await new Promise<number>((resolve, reject) => {
      server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (err, bound) => (err === null ? resolve(bound) : reject(err)));
    }).catch((err: unknown) => {
      server.forceShutdown();
      throw new TestNetworkError('BAD_CHAINCODE', 'the in-process chaincode server could not listen on 127.0.0.1', { cause: err });
    });
    return new InProcessChaincodeServer(server, serving, `127.0.0.1:${port}`);
  }

  /** The chaincode's ID (its package ID), which it registers with on each connection. */
  serveAs(ccid: string): void {
    this.serving.ccid = ccid;
  }

  /** Ends every conversation and stops listening. */
  stop(): void {
    this.server.forceShutdown();
  }
}
