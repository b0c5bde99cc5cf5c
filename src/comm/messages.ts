import type { ChaincodeMessage } from '../common/protos/peer.js';
import type { ChaincodeStream } from './chaincode-stream.js';
import { StreamClosedError } from './stream-closed-error.js';

/**
 * Iterates the messages of a stream until the other side closes it; any other failure is thrown.
 * Both ends of the conversation read their stream this way.
 */
export async function* messages(stream: ChaincodeStream): AsyncGenerator<ChaincodeMessage, void, undefined> {
  for (;;) {
    let msg: ChaincodeMessage;
    try {
      msg = await stream.recv();
    } catch (err) {
      if (err instanceof StreamClosedError) return;
      throw err;
    }
    yield msg;
  }
}
