import type { ServerInterceptor } from '@grpc/grpc-js';
import { secondsSince, type Counter, type Histogram, type MetricsProvider } from '../common/metrics/metrics-provider.js';
import type { GrpcModule } from './grpc-listener.js';

/** Fabric's gRPC server metrics (common/grpcmetrics), with its names and labels. */
export interface GrpcServerMetrics {
  unaryRequestDuration: Histogram;
  unaryRequestsReceived: Counter;
  unaryRequestsCompleted: Counter;
  streamRequestDuration: Histogram;
  streamRequestsReceived: Counter;
  streamRequestsCompleted: Counter;
  streamMessagesReceived: Counter;
  streamMessagesSent: Counter;
}

export function newGrpcServerMetrics(p: MetricsProvider): GrpcServerMetrics {
  const base = { namespace: 'grpc', subsystem: 'server' };
  const called = ['service', 'method'];
  const answered = ['service', 'method', 'code'];
  return {
    unaryRequestDuration: p.newHistogram({ ...base, name: 'unary_request_duration', help: 'The time to complete a unary request.', labelNames: answered }),
    unaryRequestsReceived: p.newCounter({ ...base, name: 'unary_requests_received', help: 'The number of unary requests received.', labelNames: called }),
    unaryRequestsCompleted: p.newCounter({ ...base, name: 'unary_requests_completed', help: 'The number of unary requests completed.', labelNames: answered }),
    streamRequestDuration: p.newHistogram({ ...base, name: 'stream_request_duration', help: 'The time to complete a stream request.', labelNames: answered }),
    streamRequestsReceived: p.newCounter({ ...base, name: 'stream_requests_received', help: 'The number of stream requests received.', labelNames: called }),
    streamRequestsCompleted: p.newCounter({ ...base, name: 'stream_requests_completed', help: 'The number of stream requests completed.', labelNames: answered }),
    streamMessagesReceived: p.newCounter({ ...base, name: 'stream_messages_received', help: 'The number of stream messages received.', labelNames: called }),
    streamMessagesSent: p.newCounter({ ...base, name: 'stream_messages_sent', help: 'The number of stream messages sent.', labelNames: called }),
  };
}

/** gRPC status codes by number, named as Go names them (Fabric's `code` label). */
const CODE_NAMES = [
  'OK', 'Canceled', 'Unknown', 'InvalidArgument', 'DeadlineExceeded', 'NotFound', 'AlreadyExists', 'PermissionDenied',
  'ResourceExhausted', 'FailedPrecondition', 'Aborted', 'OutOfRange', 'Unimplemented', 'Internal', 'Unavailable', 'DataLoss', 'Unauthenticated',
];

/** `/protos.Endorser/ProcessProposal` -> service `protos_Endorser`, method `ProcessProposal`, as Fabric labels them. */
export function serviceMethod(path: string): { service: string; method: string } {
  const parts = path.replaceAll('.', '_').split('/');
  if (parts.length !== 3) return { service: 'unknown', method: 'unknown' };
  return { service: parts[1] ?? 'unknown', method: parts[2] ?? 'unknown' };
}

/** The interceptors GrpcListener takes for these metrics; none without metrics. */
export function metricsInterceptors(metrics: GrpcServerMetrics | undefined): ((grpc: GrpcModule) => ServerInterceptor[]) | undefined {
  if (metrics === undefined) return undefined;
  return (grpc) => [metricsInterceptor(metrics, grpc)];
}

/** A server interceptor counting and timing every call (and each message of a stream). */
export function metricsInterceptor(metrics: GrpcServerMetrics, grpc: GrpcModule): ServerInterceptor {
  return (descriptor, call) => {
    const { service, method } = serviceMethod(descriptor.path);
    const streaming = descriptor.requestStream || descriptor.responseStream;
    const start = performance.now();
    (streaming ? metrics.streamRequestsReceived : metrics.unaryRequestsReceived).with(service, method).add(1);
    const received = streaming ? metrics.streamMessagesReceived.with(service, method) : undefined;
    const sent = streaming ? metrics.streamMessagesSent.with(service, method) : undefined;
    const responder = new grpc.ResponderBuilder()
      .withStart((next) => {
        next(
          new grpc.ServerListenerBuilder()
            .withOnReceiveMessage((message, nextMessage) => {
              received?.add(1);
              nextMessage(message);
            })
            .build(),
        );
      })
      .withSendMessage((message, next) => {
        sent?.add(1);
        next(message);
      })
      .withSendStatus((status, next) => {
        const code = CODE_NAMES[status.code] ?? String(status.code);
        (streaming ? metrics.streamRequestsCompleted : metrics.unaryRequestsCompleted).with(service, method, code).add(1);
        (streaming ? metrics.streamRequestDuration : metrics.unaryRequestDuration).with(service, method, code).observe(secondsSince(start));
        next(status);
      })
      .build();
    return new grpc.ServerInterceptingCall(call, responder);
  };
}
