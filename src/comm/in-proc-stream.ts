import { AsyncQueue } from '../common/async/async-queue.js';
import type { ChaincodeMessage } from '../common/protos/peer.js';
import type { ChaincodeStream } from './chaincode-stream.js';
import { StreamClosedError } from './stream-closed-error.js';

// Room for a few messages each way, so that neither side waits on every send.
const QUEUE_CAPACITY = 64;

/** One end of an in-process stream: sends into one queue, receives from the other. */
export class InProcStream implements ChaincodeStream {
  constructor(
    private readonly incoming: AsyncQueue<ChaincodeMessage>,
    private readonly outgoing: AsyncQueue<ChaincodeMessage>,
  ) {}

  send(msg: ChaincodeMessage): Promise<void> {
    return this.outgoing.push(msg);
  }

  recv(): Promise<ChaincodeMessage> {
    return this.incoming.shift();
  }

  closeSend(): void {
    this.outgoing.close();
  }
}

/** A queue of a chaincode stream: closed, it fails with StreamClosedError. */
export function streamQueue(capacity: number, name: string): AsyncQueue<ChaincodeMessage> {
  return new AsyncQueue<ChaincodeMessage>(capacity, name, (n) => new StreamClosedError(`${n} is closed`));
}

/**
 * The two ends of an in-process chaincode stream. Messages pass as objects, never serialised:
 * this is how system chaincodes talk to the peer.
 */
export function createInProcStreamPair(capacity = QUEUE_CAPACITY): { peer: InProcStream; chaincode: InProcStream } {
  const toChaincode = streamQueue(capacity, 'peer to chaincode stream');
  const toPeer = streamQueue(capacity, 'chaincode to peer stream');
  return {
    peer: new InProcStream(toPeer, toChaincode),
    chaincode: new InProcStream(toChaincode, toPeer),
  };
}
