import { errorMessage } from '../../common/errors/weft-error.js';
import type { Logger } from '../../common/logging/logging.js';
import type { ChaincodeStream } from '../../comm/chaincode-stream.js';
import { withChaincodeMessageCodec } from '../../comm/chaincode-message-codec.js';
import { GrpcChaincodeStream } from '../../comm/grpc-chaincode-stream.js';
import { canonicalName, containerName, type CCID } from '../ccintf.js';
import { ContainerError } from '../container-error.js';
import type { ChaincodeStreamHandler } from '../inproc/inproc-registry.js';
import type { VM, VMProvider } from '../vm.js';
import { readConnectionInfo } from './connection-info.js';

/** The container type of chaincode that runs as a service the peer dials. */
export const CCAAS_CONTAINER_TYPE = 'CCAAS';

export interface CcaasVMProviderOptions {
  /** The folder of an installed package, where its connection.json is. */
  packages: { sourceDir(ccid: CCID): string | undefined };
  logger: Logger;
}

interface Connection {
  close(): void;
  /** Resolves with 0 when the conversation ends, 1 when it fails. */
  ended: Promise<number>;
}

/**
 * Chaincode as a service: the chaincode runs as a gRPC server somewhere (fabric-shim's server
 * mode), and "starting" it means dialling its Chaincode.Connect. From then on the conversation is
 * the usual one, through the same handler: the chaincode sends REGISTER first.
 */
export class CcaasVMProvider implements VMProvider {
  private readonly connections = new Map<string, Connection>();
  private handler: ChaincodeStreamHandler | undefined;

  constructor(private readonly opts: CcaasVMProviderOptions) {}

  /** Closes the cycle provider -> chaincode support; the composition root calls it once. */
  attach(handler: ChaincodeStreamHandler): void {
    this.handler = handler;
  }

  newVM(): VM {
    return {
      start: (ccid) => this.start(ccid),
      stop: async (ccid) => this.stop(ccid),
      wait: (ccid) => this.wait(ccid),
    };
  }

  private async start(ccid: CCID): Promise<void> {
    const name = containerName(ccid);
    if (this.connections.has(name)) throw new ContainerError('ALREADY_RUNNING', `chaincode running ${canonicalName(ccid)}`);
    const dir = this.opts.packages.sourceDir(ccid);
    if (dir === undefined) throw new ContainerError('PACKAGE_NOT_FOUND', `chaincode ${canonicalName(ccid)} is not installed`);
    const handler = this.handler;
    if (handler === undefined) throw new ContainerError('START_FAILED', 'the chaincode-as-a-service VM has no chaincode support attached');
    const info = await readConnectionInfo(dir);
    const [grpc, { default: shimGrpc }] = await Promise.all([
      import('@grpc/grpc-js'),
      import('@hyperledger/fabric-protos/lib/peer/chaincode_shim_grpc_pb.js'),
    ]);
    const credentials = info.tlsRequired
      ? grpc.credentials.createSsl(
          Buffer.from(info.rootCert ?? ''),
          info.clientKey === undefined ? null : Buffer.from(info.clientKey),
          info.clientCert === undefined ? null : Buffer.from(info.clientCert),
        )
      : grpc.credentials.createInsecure();
    // The generated client with the peer's own codec: the generic constructor makes the same class.
    const ChaincodeClient = grpc.makeGenericClientConstructor({ connect: withChaincodeMessageCodec(shimGrpc.ChaincodeService.connect) }, 'Chaincode') as unknown as typeof shimGrpc.ChaincodeClient;
    const client = new ChaincodeClient(info.address, credentials);
    try {
      await new Promise<void>((resolve, reject) =>
        client.waitForReady(new Date(Date.now() + info.dialTimeoutMs), (err) => (err ? reject(err) : resolve())),
      );
    } catch (err) {
      client.close();
      throw new ContainerError('START_FAILED', `could not connect to chaincode server at ${info.address}: ${errorMessage(err)}`, { cause: err });
    }
    const call = client.connect();
    const stream: ChaincodeStream = new GrpcChaincodeStream(call);
    this.opts.logger.info('Start', `connected to chaincode ${canonicalName(ccid)} served at ${info.address}`);
    const ended = handler.handleChaincodeStream(stream).then(
      () => 0,
      (err: unknown) => {
        this.opts.logger.error('Start', `the conversation with chaincode ${canonicalName(ccid)} at ${info.address} failed: ${errorMessage(err)}`);
        return 1;
      },
    );
    const connection: Connection = {
      close: () => {
        call.cancel();
        client.close();
      },
      ended: ended.finally(() => {
        client.close();
        if (this.connections.get(name) === connection) this.connections.delete(name);
      }),
    };
    this.connections.set(name, connection);
  }

  /** Hangs up on every chaincode server: the peer is going down. */
  async stopAll(): Promise<void> {
    const open = [...this.connections.values()];
    for (const connection of open) connection.close();
    await Promise.all(open.map((connection) => connection.ended));
  }

  private async stop(ccid: CCID): Promise<void> {
    const connection = this.connections.get(containerName(ccid));
    if (connection === undefined) throw new ContainerError('NOT_FOUND', `${containerName(ccid)} not found`);
    connection.close();
    await connection.ended;
  }

  private wait(ccid: CCID): Promise<number> {
    const connection = this.connections.get(containerName(ccid));
    if (connection === undefined) return Promise.reject(new ContainerError('NOT_FOUND', `${containerName(ccid)} not found`));
    return connection.ended;
  }
}
