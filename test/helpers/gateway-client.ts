import { createPrivateKey } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { connect, hash, signers, type Gateway } from '@hyperledger/fabric-gateway';

/** An MSP folder's certificate and key, as a fabric-gateway application loads them (signcerts/, keystore/). */
export async function gatewayIdentity(mspDir: string): Promise<{ credentials: Buffer; key: Buffer }> {
  const first = async (dir: string): Promise<Buffer> => {
    const [file] = (await readdir(dir)).sort();
    if (file === undefined) throw new Error(`${dir} is empty`);
    return readFile(join(dir, file));
  };
  return { credentials: await first(join(mspDir, 'signcerts')), key: await first(join(mspDir, 'keystore')) };
}

export interface GatewayConnection {
  gateway: Gateway;
  /** The identity's signer, for signing a digest offline. */
  signer: (digest: Uint8Array) => Promise<Uint8Array>;
  close(): void;
}

/**
 * A @hyperledger/fabric-gateway connection to a peer, made as the client's README makes one: a
 * gRPC client, an identity and a signer from an MSP folder, SHA-256.
 */
export async function connectGateway(opts: { address: string; mspId: string; mspDir: string; tlsRootCert?: Buffer; serverName?: string }): Promise<GatewayConnection> {
  const { credentials, key } = await gatewayIdentity(opts.mspDir);
  const channelOptions = opts.serverName === undefined ? {} : { 'grpc.ssl_target_name_override': opts.serverName };
  const client = new grpc.Client(opts.address, opts.tlsRootCert === undefined ? grpc.credentials.createInsecure() : grpc.credentials.createSsl(opts.tlsRootCert), channelOptions);
  const signer = signers.newPrivateKeySigner(createPrivateKey(key));
  const gateway = connect({
    client,
    identity: { mspId: opts.mspId, credentials },
    signer,
    hash: hash.sha256,
    evaluateOptions: () => ({ deadline: Date.now() + 10_000 }),
    endorseOptions: () => ({ deadline: Date.now() + 20_000 }),
    submitOptions: () => ({ deadline: Date.now() + 10_000 }),
    commitStatusOptions: () => ({ deadline: Date.now() + 60_000 }),
  });
  return {
    gateway,
    signer,
    close: () => {
      gateway.close();
      client.close();
    },
  };
}

/** The next `count` items of a stream of events (fabric-gateway's chaincode or block events), then closes it. */
export async function take<T>(events: AsyncIterable<T> & { close(): void }, count: number): Promise<T[]> {
  const got: T[] = [];
  try {
    for await (const event of events) {
      got.push(event);
      if (got.length === count) break;
    }
  } finally {
    events.close();
  }
  return got;
}
