import type { ServerDuplexStream } from '@grpc/grpc-js';
import { once } from 'node:events';
import { AsyncQueue } from '../common/async/async-queue.js';
import { errorMessage } from '../common/errors/weft-error.js';
import type { Logger } from '../common/logging/logging.js';
import type { Block, Envelope } from '../common/protos/common.js';
import type { StatusValue } from '../common/protos/deliver.js';
import type { DeliverHandler, DeliverKind, SeekContext } from './deliver-handler.js';

/** How a service words its responses: the peer's DeliverResponse or the orderer's. */
export interface DeliverResponses<R> {
  status(status: StatusValue): R;
  /** The block as this call serves it; throwing a DeliverError ends the seek with its status. */
  block(block: Block, seek: SeekContext): R | Promise<R>;
}

/**
 * Serves one gRPC Deliver call with the handler: envelopes read from the call, responses written
 * with its flow control, and the client's cancellation ending any wait for blocks. Resolves once
 * the call is over; never rejects (a broken stream is logged).
 */
export async function serveGrpcDeliver<R>(
  handler: DeliverHandler,
  call: ServerDuplexStream<Envelope, R>,
  opts: { kind: DeliverKind; responses: DeliverResponses<R>; logger: Logger },
): Promise<void> {
  const cancelled = new AbortController();
  const requests = new AsyncQueue<Envelope>(Number.MAX_SAFE_INTEGER, 'deliver requests');
  const remoteAddress = call.getPeer();
  const stop = (): void => {
    requests.close();
    cancelled.abort(new Error(`the deliver stream from ${remoteAddress} was cancelled`));
  };
  call.on('data', (envelope: Envelope) => void requests.push(envelope).catch(() => undefined));
  call.on('end', () => {
    requests.close();
  });
  call.on('cancelled', stop);
  call.on('error', stop);
  const write = async (response: R): Promise<void> => {
    cancelled.signal.throwIfAborted();
    if (!call.write(response)) await once(call, 'drain', { signal: cancelled.signal });
  };
  try {
    await handler.handle({
      requests: drain(requests),
      sendStatus: (status) => write(opts.responses.status(status)),
      sendBlock: async (block, seek) => write(await opts.responses.block(block, seek)),
      signal: cancelled.signal,
      remoteAddress,
      kind: opts.kind,
    });
  } catch (err) {
    if (!cancelled.signal.aborted) opts.logger.warn('Handle', `Error sending to ${remoteAddress}: ${errorMessage(err)}`);
  } finally {
    requests.close();
    if (!call.cancelled) call.end();
  }
}

/** The queue's items until it is closed. */
async function* drain<T>(queue: AsyncQueue<T>): AsyncGenerator<T> {
  for (;;) {
    let item: T;
    try {
      item = await queue.shift();
    } catch {
      return;
    }
    yield item;
  }
}
