import type { ServerDuplexStream } from '@grpc/grpc-js';
import { AsyncQueue, QueueClosedError } from '../common/async/async-queue.js';
import type { ChaincodeMessage } from '../common/protos/peer.js';
import type { ChaincodeStream } from './chaincode-stream.js';
import { StreamClosedError } from './stream-closed-error.js';

/** The parts of a gRPC bidirectional call the stream uses. */
type DuplexCall = Pick<
  ServerDuplexStream<ChaincodeMessage, ChaincodeMessage>,
  'write' | 'end' | 'on' | 'once' | 'pause' | 'resume'
>;

// Messages read ahead of the handler before the call is paused.
const READ_AHEAD = 256;

/** A ChaincodeStream over one gRPC bidirectional call (ChaincodeSupport.Register or Chaincode.Connect). */
export class GrpcChaincodeStream implements ChaincodeStream {
  private readonly incoming = new AsyncQueue<ChaincodeMessage>(Number.MAX_SAFE_INTEGER, 'chaincode stream');
  private ended = false;
  private paused = false;

  constructor(private readonly call: DuplexCall) {
    call.on('data', (msg: ChaincodeMessage) => {
      void this.incoming.push(msg);
      if (!this.paused && this.incoming.size >= READ_AHEAD) {
        this.paused = true;
        call.pause();
      }
    });
    const finish = (): void => {
      this.ended = true;
      this.incoming.close();
    };
    call.on('end', finish);
    call.on('error', finish);
    call.on('close', finish);
  }

  send(msg: ChaincodeMessage): Promise<void> {
    if (this.ended) return Promise.reject(new StreamClosedError('chaincode stream is closed'));
    try {
      if (this.call.write(msg)) return Promise.resolve();
    } catch (err) {
      return Promise.reject(new StreamClosedError('chaincode stream is closed', { cause: err }));
    }
    return new Promise((resolve) => this.call.once('drain', () => resolve()));
  }

  async recv(): Promise<ChaincodeMessage> {
    try {
      const msg = await this.incoming.shift();
      if (this.paused && this.incoming.size < READ_AHEAD / 2) {
        this.paused = false;
        this.call.resume();
      }
      return msg;
    } catch (err) {
      if (err instanceof QueueClosedError) throw new StreamClosedError('received EOF', { cause: err });
      throw err;
    }
  }

  closeSend(): void {
    if (this.ended) return;
    this.ended = true;
    this.call.end();
  }
}
