import { ChaincodeID, ChaincodeMessage, MessageTypes, messageTypeName, type MessageType } from '../../src/common/protos/peer.js';
import type { ChaincodeStream } from '../../src/comm/chaincode-stream.js';

/** Plays the chaincode's side of a stream by hand, to drive the peer's handler message by message. */
export class FakeChaincodeEnd {
  constructor(readonly stream: ChaincodeStream) {}

  async send(type: number, opts: { payload?: Uint8Array; txId?: string; channelId?: string } = {}): Promise<void> {
    const msg = new ChaincodeMessage();
    msg.setType(type as MessageType);
    if (opts.payload) msg.setPayload(opts.payload);
    msg.setTxid(opts.txId ?? '');
    msg.setChannelId(opts.channelId ?? '');
    await this.stream.send(msg);
  }

  async register(name: string): Promise<void> {
    const id = new ChaincodeID();
    id.setName(name);
    await this.send(MessageTypes.REGISTER, { payload: id.serializeBinary() });
  }

  /** The next message, as its type name and payload text. */
  async next(): Promise<{ type: string; text: string; txId: string; msg: ChaincodeMessage }> {
    const msg = await this.stream.recv();
    return {
      type: messageTypeName(msg.getType()),
      text: Buffer.from(msg.getPayload_asU8()).toString(),
      txId: msg.getTxid(),
      msg,
    };
  }
}
