import type { Metadata, ServiceError, status as GrpcStatus } from '@grpc/grpc-js';
import anyPb from 'google-protobuf/google/protobuf/any_pb.js';
import gatewayPb from '@hyperledger/fabric-protos/lib/gateway/gateway_pb.js';
import rpcStatusPb from '@hyperledger/fabric-protos/lib/google/rpc/status_pb.js';
import { errorMessage } from '../common/errors/weft-error.js';
import { GatewayError } from './gateway-error.js';

type GrpcModule = { status: typeof GrpcStatus; Metadata: typeof Metadata };

const ERROR_DETAIL_TYPE = 'type.googleapis.com/gateway.ErrorDetail';

/**
 * The gRPC error a Gateway failure is sent as. Endpoint failures travel as gateway.ErrorDetail
 * entries of a google.rpc.Status in the `grpc-status-details-bin` trailer, where Fabric's clients
 * read them. Anything else thrown is an internal failure, reported as UNKNOWN with its message.
 */
export function toServiceError(err: unknown, grpc: GrpcModule): Partial<ServiceError> {
  const failure = err instanceof GatewayError ? err : new GatewayError('UNKNOWN', errorMessage(err));
  const code = grpc.status[failure.code];
  const metadata = new grpc.Metadata();
  if (failure.details.length > 0) {
    const status = new rpcStatusPb.Status();
    status.setCode(code);
    status.setMessage(failure.message);
    for (const detail of failure.details) {
      const entry = new gatewayPb.ErrorDetail();
      entry.setAddress(detail.address);
      entry.setMspId(detail.mspId);
      entry.setMessage(detail.message);
      const any = new anyPb.Any();
      any.setTypeUrl(ERROR_DETAIL_TYPE);
      any.setValue(entry.serializeBinary());
      status.addDetails(any);
    }
    metadata.set('grpc-status-details-bin', Buffer.from(status.serializeBinary()));
  }
  return { code, details: failure.message, metadata };
}
