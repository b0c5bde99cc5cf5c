import type { ServerDuplexStream } from '@grpc/grpc-js';
import { errorMessage } from '../common/errors/weft-error.js';
import type { Logger } from '../common/logging/logging.js';
import type { ChaincodeMessage } from '../common/protos/peer.js';
import type { ChaincodeStream } from './chaincode-stream.js';
import { GrpcChaincodeStream } from './grpc-chaincode-stream.js';
import { GrpcListener } from './grpc-listener.js';

export { ListenError } from './grpc-listener.js';

export interface ChaincodeServerOptions {
  /** host:port; port 0 picks a free one. */
  address: string;
  /** Serves one chaincode's stream until it ends (ChaincodeSupport.register). */
  register(stream: ChaincodeStream): Promise<void>;
  logger: Logger;
}

/** Starts the gRPC listener chaincodes connect to: the ChaincodeSupport service on peer.chaincodeListenAddress. */
export function startChaincodeServer(opts: ChaincodeServerOptions): Promise<GrpcListener> {
  return GrpcListener.start(opts.address, async (server) => {
    const { default: shimGrpc } = await import('@hyperledger/fabric-protos/lib/peer/chaincode_shim_grpc_pb.js');
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
  });
}
