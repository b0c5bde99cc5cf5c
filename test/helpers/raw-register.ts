import { credentials, type ChannelCredentials } from '@grpc/grpc-js';
import shimGrpc from '@hyperledger/fabric-protos/lib/peer/chaincode_shim_grpc_pb.js';
import { ChaincodeID, ChaincodeMessage, MessageTypes as T, messageTypeName } from '../../src/common/protos/peer.js';

/** The REGISTER payload (a serialized ChaincodeID) naming `name`. */
export function chaincodeIdPayload(name: string): Uint8Array {
  const id = new ChaincodeID();
  id.setName(name);
  return id.serializeBinary();
}

/**
 * A ChaincodeID whose name field holds `bytes` as they are, valid UTF-8 or not: what a client that
 * does not use the protobuf library can send (field 2, length-delimited).
 */
export function rawNamePayload(bytes: Uint8Array): Uint8Array {
  const length: number[] = [];
  for (let n = bytes.length; ; n >>>= 7) {
    if (n < 0x80) {
      length.push(n);
      break;
    }
    length.push((n & 0x7f) | 0x80);
  }
  return Buffer.concat([Buffer.from([0x12, ...length]), bytes]);
}

/**
 * Dials the chaincode listener as a chaincode does (ChaincodeSupport.Register), sends one REGISTER
 * with `payload`, and resolves with what the peer sent back: `TYPE payload` per message, until
 * ERROR, READY (with `awaitWork`, the first message after it: the INIT or TRANSACTION a registered
 * chaincode is given), or the end of the stream.
 */
export async function registerAs(
  address: string,
  payload: Uint8Array,
  opts: { creds?: ChannelCredentials; awaitWork?: boolean } = {},
): Promise<string[]> {
  const creds = opts.creds ?? credentials.createInsecure();
  const client = new shimGrpc.ChaincodeSupportClient(address, creds);
  const call = client.register();
  const seen: string[] = [];
  let ready = false;
  const done = new Promise<void>((resolve) => {
    call.on('data', (msg: ChaincodeMessage) => {
      const type = msg.getType();
      const text = type === T.ERROR ? Buffer.from(msg.getPayload_asU8()).toString() : '';
      seen.push(`${messageTypeName(type)} ${text}`.trim());
      if (type === T.ERROR || ready || (type === T.READY && opts.awaitWork !== true)) resolve();
      if (type === T.READY) ready = true;
    });
    call.on('error', (err: Error) => {
      seen.push(`(stream error: ${err.message})`);
      resolve();
    });
    call.on('end', () => resolve());
  });
  const reg = new ChaincodeMessage();
  reg.setType(T.REGISTER);
  reg.setPayload(payload);
  call.write(reg);
  await done;
  call.end();
  client.close();
  return seen;
}
