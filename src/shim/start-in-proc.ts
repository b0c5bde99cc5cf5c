import type { AsyncQueue } from '../common/async/async-queue.js';
import type { Logger } from '../common/logging/logging.js';
import { ChaincodeID, MessageTypes, type ChaincodeMessage } from '../common/protos/peer.js';
import type { ChaincodeStream } from '../comm/chaincode-stream.js';
import { InProcStream } from '../comm/in-proc-stream.js';
import { StreamClosedError } from '../comm/stream-closed-error.js';
import type { Chaincode } from './chaincode.js';
import { ShimError } from './shim-error.js';
import { ShimHandler, newMessage } from './shim-handler.js';

const ID_NAME = 'CORE_CHAINCODE_ID_NAME=';

/**
 * Runs a system chaincode over an in-process stream: its name comes from CORE_CHAINCODE_ID_NAME
 * in `env`, as a launched chaincode's would. Resolves when the peer ends the conversation.
 */
export function startInProc(
  env: string[],
  args: string[],
  chaincode: Chaincode,
  recv: AsyncQueue<ChaincodeMessage>,
  send: AsyncQueue<ChaincodeMessage>,
  logger: Logger,
): Promise<void> {
  logger.debug('StartInProc', `in proc [${args.join(' ')}]`);
  const entry = env.find((v) => v.startsWith(ID_NAME));
  const name = entry?.slice(ID_NAME.length) ?? '';
  if (name === '') {
    return Promise.reject(new ShimError('NO_CHAINCODE_ID', 'error chaincode id not provided (CORE_CHAINCODE_ID_NAME is not set)'));
  }
  logger.debug('StartInProc', `starting chat with peer using name=${name}`);
  return chatWithPeer(name, new InProcStream(recv, send), chaincode, logger);
}

/** Registers with the peer, then handles its messages until the stream ends. */
export async function chatWithPeer(name: string, stream: ChaincodeStream, chaincode: Chaincode, logger: Logger): Promise<void> {
  const handler = new ShimHandler(stream, chaincode, logger);
  const id = new ChaincodeID();
  id.setName(name);
  logger.debug('chatWithPeer', 'Registering.. sending REGISTER');
  try {
    await stream.send(newMessage(MessageTypes.REGISTER, id.serializeBinary(), '', ''));
    for (;;) handler.handleMessage(await stream.recv());
  } catch (err) {
    if (!(err instanceof StreamClosedError)) throw err;
    logger.debug('chatWithPeer', 'received EOF, ending chaincode stream');
  } finally {
    handler.close(new ShimError('STREAM_ENDED', `the stream of chaincode ${name} to the peer has ended`));
    stream.closeSend();
  }
}
