import { AsyncQueue, QueueClosedError } from '../common/async/async-queue.js';
import type { ChaincodeMessage } from '../common/protos/peer.js';
import type { ChaincodeCaller, ChaincodeStream } from './chaincode-stream.js';
import { StreamClosedError } from './stream-closed-error.js';

/** The parts of a gRPC bidirectional call the stream uses: a server's call, or a client's. */
interface DuplexCall {
  write(msg: ChaincodeMessage): boolean;
  end(): void;
  on(event: 'data', listener: (msg: ChaincodeMessage) => void): unknown;
  on(event: 'end' | 'error' | 'close' | 'cancelled' | 'drain', listener: () => void): unknown;
  pause(): unknown;
  resume(): unknown;
  /** Only a server's call tells; a client learns of a cancel from its events. */
  readonly cancelled?: boolean;
}

// Messages read ahead of the handler before the call is paused.
const READ_AHEAD = 256;

/**
 * A ChaincodeStream over one gRPC bidirectional call (ChaincodeSupport.Register or
 * Chaincode.Connect). Each direction closes on its own: the other side ending its sending ends
 * our receiving only, as with the in-process pair.
 */
export class GrpcChaincodeStream implements ChaincodeStream {
  private readonly incoming = new AsyncQueue<ChaincodeMessage>(Number.MAX_SAFE_INTEGER, 'chaincode stream');
  /** We have ended our sending. */
  private sendClosed = false;
  /** The call is gone: cancelled, failed or closed. */
  private gone = false;
  private paused = false;
  /** Sends waiting for the call to drain; failed when the call goes away. */
  private readonly blocked = new Set<(err?: Error) => void>();

  /**
   * `caller`: who dialled, for a call the chaincode listener accepted; undefined for a call the
   * peer made itself.
   */
  constructor(
    private readonly call: DuplexCall,
    readonly caller?: ChaincodeCaller,
  ) {
    call.on('data', (msg: ChaincodeMessage) => {
      void this.incoming.push(msg);
      if (!this.paused && this.incoming.size >= READ_AHEAD) {
        this.paused = true;
        call.pause();
      }
    });
    call.on('drain', () => this.release());
    call.on('end', () => this.incoming.close());
    const lost = (): void => {
      this.gone = true;
      this.incoming.close();
      this.release(new StreamClosedError('chaincode stream is closed'));
    };
    call.on('error', lost);
    call.on('close', lost);
    call.on('cancelled', lost);
  }

  send(msg: ChaincodeMessage): Promise<void> {
    // The cancelled flag can be up before its event has been delivered.
    if (this.call.cancelled === true) this.gone = true;
    if (this.sendClosed || this.gone) return Promise.reject(new StreamClosedError('chaincode stream is closed'));
    try {
      if (this.call.write(msg)) return Promise.resolve();
    } catch (err) {
      return Promise.reject(new StreamClosedError('chaincode stream is closed', { cause: err }));
    }
    return new Promise((resolve, reject) => {
      this.blocked.add((err) => (err === undefined ? resolve() : reject(err)));
    });
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
    if (this.sendClosed) return;
    this.sendClosed = true;
    if (!this.gone) this.call.end();
  }

  private release(err?: Error): void {
    const waiting = [...this.blocked];
    this.blocked.clear();
    for (const settle of waiting) settle(err);
  }
}
