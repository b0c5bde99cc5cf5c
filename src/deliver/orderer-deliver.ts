import type { ServerDuplexStream } from '@grpc/grpc-js';
import type { Logger } from '../common/logging/logging.js';
import type { Envelope } from '../common/protos/common.js';
import { OrdererDeliverResponse } from '../common/protos/deliver.js';
import type { DeliverHandler } from './deliver-handler.js';
import { serveGrpcDeliver, type DeliverResponses } from './grpc-deliver-stream.js';

/** The orderer's AtomicBroadcast.Deliver responses: blocks and the final status. */
export const ordererDeliverResponses: DeliverResponses<OrdererDeliverResponse> = {
  status: (status) => {
    const response = new OrdererDeliverResponse();
    response.setStatus(status);
    return response;
  },
  block: (block) => {
    const response = new OrdererDeliverResponse();
    response.setBlock(block);
    return response;
  },
};

/**
 * The `deliver` method of an AtomicBroadcast service served by the handler (whose `authorize`
 * checks /Channel/Readers): `server.addService(AtomicBroadcastService, { broadcast, deliver: ordererDeliver(handler, logger) })`.
 */
export function ordererDeliver(handler: DeliverHandler, logger: Logger): (call: ServerDuplexStream<Envelope, OrdererDeliverResponse>) => void {
  return (call) => void serveGrpcDeliver(handler, call, { kind: 'block', responses: ordererDeliverResponses, logger });
}
