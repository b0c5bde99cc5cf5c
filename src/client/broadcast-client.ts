import type { Client, ClientDuplexStream } from '@grpc/grpc-js';
import type { Envelope } from '../common/protos/common.js';
import type { BroadcastResponse } from '../common/protos/orderer.js';
import { ClientError } from './client-error.js';
import { rethrowGrpcError } from './grpc-error.js';
import { channelCredentials, channelOptions, type ClientTls } from './client-tls.js';
import { zeroCopyClient } from '../comm/zero-copy.js';

type Broadcaster = Client & { broadcast(): ClientDuplexStream<Envelope, BroadcastResponse> };

/** Sends transactions to an ordering service's AtomicBroadcast.Broadcast, as the CLI's -o does. */
export class BroadcastClient {
  private constructor(
    private readonly client: Broadcaster,
    private readonly address: string,
  ) {}

  /** A client of the ordering service at `address`; over TLS when `tls` is given. */
  static async connect(address: string, tls?: ClientTls): Promise<BroadcastClient> {
    const [grpc, { default: abGrpc }] = await Promise.all([import('@grpc/grpc-js'), import('@hyperledger/fabric-protos/lib/orderer/ab_grpc_pb.js')]);
    const Client = zeroCopyClient(grpc, abGrpc.AtomicBroadcastService, abGrpc.AtomicBroadcastClient);
    return new BroadcastClient(new Client(address, channelCredentials(grpc, tls), channelOptions(tls)), address);
  }

  /** Sends one envelope and waits for the orderer's answer. */
  send(envelope: Envelope): Promise<BroadcastResponse> {
    return this.broadcastOne(envelope).catch((err: unknown) => rethrowGrpcError(err, `broadcast to ${this.address} failed`));
  }

  private broadcastOne(envelope: Envelope): Promise<BroadcastResponse> {
    return new Promise((resolve, reject) => {
      const call = this.client.broadcast();
      let answered = false;
      call.on('data', (reply: BroadcastResponse) => {
        answered = true;
        resolve(reply);
        call.end();
      });
      call.on('error', (err: Error) => {
        if (!answered) reject(err);
      });
      call.on('end', () => {
        if (!answered) reject(new ClientError('CALL_FAILED', `the orderer at ${this.address} closed the broadcast without an answer`));
      });
      call.write(envelope);
    });
  }

  close(): void {
    this.client.close();
  }
}
