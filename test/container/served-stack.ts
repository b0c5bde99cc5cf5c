import { startChaincodeServer } from '../../src/comm/chaincode-server.js';
import type { GrpcListener } from '../../src/comm/grpc-listener.js';
import type { Logging } from '../../src/common/logging/logging.js';
import type { VMProvider } from '../../src/container/vm.js';
import { createChaincodeStack, type ChaincodeStack } from '../../src/peer/chaincode-stack.js';

/**
 * The real chaincode machinery with one VM provider for user chaincode, and the real gRPC
 * listener chaincodes dial back to on 127.0.0.1. The caller stops the listener.
 */
export async function servedStack(opts: {
  logging: Logging;
  containerType: string;
  provider: VMProvider;
  startupTimeoutMs?: number | undefined;
}): Promise<{ stack: ChaincodeStack; server: GrpcListener }> {
  let address = '';
  const stack = createChaincodeStack({
    chaincode: {
      startupTimeoutMs: opts.startupTimeoutMs ?? 60_000,
      executeTimeoutMs: 30_000,
      mode: 'net',
      logging: { level: 'info', shim: 'info', format: '%{message}' },
    },
    peerAddress: () => address,
    logging: opts.logging,
    vmProviders: new Map([[opts.containerType, opts.provider]]),
  });
  const server = await startChaincodeServer({
    address: '127.0.0.1:0',
    register: (stream) => stack.chaincodeSupport.register(stream),
    logger: opts.logging.logger('comm.grpc.server'),
  });
  address = server.address;
  return { stack, server };
}
