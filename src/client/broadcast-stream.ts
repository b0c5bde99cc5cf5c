import type { Client, ClientDuplexStream } from '@grpc/grpc-js';
import type { Envelope } from '../common/protos/common.js';
import type { BroadcastResponse } from '../common/protos/orderer.js';
import { errorMessage } from '../common/errors/weft-error.js';
import { ClientError } from './client-error.js';
import { channelCredentials, channelOptions, type ClientTls } from './client-tls.js';
import { zeroCopyClient } from '../comm/zero-copy.js';

type Broadcaster = Client & { broadcast(): ClientDuplexStream<Envelope, BroadcastResponse> };

interface Pending {
  resolve(reply: BroadcastResponse): void;
  reject(err: Error): void;
}

/**
 * One long-lived AtomicBroadcast.Broadcast stream that many transactions share: the orderer
 * answers each envelope of a stream in order, so each answer goes to the oldest send waiting.
 * Opening a stream per transaction costs both ends an HTTP/2 stream, headers and trailers; a
 * busy Gateway submits hundreds a second. When the stream ends (the orderer ends it after a
 * refusal, or the connection breaks), the sends still waiting fail with CALL_FAILED, having been
 * ordered or not, and the next send opens a new stream.
 */
export class BroadcastStream {
  private call: ClientDuplexStream<Envelope, BroadcastResponse> | undefined;
  private waiting: Pending[] = [];

  private constructor(
    private readonly client: Broadcaster,
    readonly address: string,
  ) {}

  static async connect(address: string, tls?: ClientTls): Promise<BroadcastStream> {
    const [grpc, { default: abGrpc }] = await Promise.all([import('@grpc/grpc-js'), import('@hyperledger/fabric-protos/lib/orderer/ab_grpc_pb.js')]);
    const Client = zeroCopyClient(grpc, abGrpc.AtomicBroadcastService, abGrpc.AtomicBroadcastClient);
    return new BroadcastStream(new Client(address, channelCredentials(grpc, tls), channelOptions(tls)), address);
  }

  /** The orderer's answer to this envelope. */
  send(envelope: Envelope): Promise<BroadcastResponse> {
    const call = this.call ?? this.open();
    return new Promise((resolve, reject) => {
      this.waiting.push({ resolve, reject });
      call.write(envelope);
    });
  }

  close(): void {
    this.call?.end();
    this.client.close();
  }

  private open(): ClientDuplexStream<Envelope, BroadcastResponse> {
    const call = this.client.broadcast();
    this.call = call;
    const waiting: Pending[] = [];
    this.waiting = waiting;
    const fail = (why: string): void => {
      if (this.call === call) this.call = undefined;
      for (const pending of waiting.splice(0)) pending.reject(new ClientError('CALL_FAILED', `the broadcast stream to ${this.address} ended before an answer: ${why}`));
    };
    call.on('data', (reply: BroadcastResponse) => {
      const pending = waiting.shift();
      pending?.resolve(reply);
    });
    call.on('error', (err: Error) => {
      fail(errorMessage(err));
    });
    call.on('end', () => {
      fail('the orderer closed it');
    });
    return call;
  }
}
