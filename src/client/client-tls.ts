import type { ChannelCredentials, ChannelOptions } from '@grpc/grpc-js';

/** How a client reaches a peer or orderer over TLS (the CLI's --tls --cafile, --clientauth --certfile --keyfile). */
export interface ClientTls {
  /** The root(s) the server's certificate must chain to (PEM). */
  rootCertPem: Buffer;
  /** The client's certificate and key, for servers that require client authentication. */
  clientCertPem?: Buffer | undefined;
  clientKeyPem?: Buffer | undefined;
  /** The host name the server's certificate must carry when it is not the dialled one (--ordererTLSHostnameOverride). */
  serverNameOverride?: string | undefined;
}

/** gRPC channel credentials: TLS when `tls` is given, plaintext otherwise. */
export function channelCredentials(grpc: typeof import('@grpc/grpc-js'), tls: ClientTls | undefined): ChannelCredentials {
  if (tls === undefined) return grpc.credentials.createInsecure();
  return grpc.credentials.createSsl(tls.rootCertPem, tls.clientKeyPem ?? null, tls.clientCertPem ?? null);
}

/**
 * gRPC channel options: no channelz (statistics per call that nothing reads), and the TLS server
 * name to check, when it is not the dialled host.
 */
export function channelOptions(tls: ClientTls | undefined): ChannelOptions {
  const name = tls?.serverNameOverride;
  const noChannelz = { 'grpc.enable_channelz': 0 };
  return name === undefined || name === '' ? noChannelz : { ...noChannelz, 'grpc.ssl_target_name_override': name, 'grpc.default_authority': name };
}
