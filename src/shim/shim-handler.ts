import { errorMessage } from '../common/errors/weft-error.js';
import type { Logger } from '../common/logging/logging.js';
import {
  ChaincodeMessage,
  DelState,
  GetState,
  MessageTypes,
  PutState,
  Response,
  messageTypeName,
  type MessageType,
} from '../common/protos/peer.js';
import { repeatedBytesField } from '../common/protos/proto-wire.js';
import type { ChaincodeStream } from '../comm/chaincode-stream.js';
import type { Chaincode, ChaincodeResponse } from './chaincode.js';
import { ChaincodeStub, type PeerCalls } from './chaincode-stub.js';
import { ShimError } from './shim-error.js';

const NO_BYTES = new Uint8Array(0);

export type ShimState = 'created' | 'established' | 'ready';

const T = MessageTypes;

/** A state call: sent when it reaches the head of its transaction's queue. */
interface Pending {
  msg: ChaincodeMessage;
  resolve(msg: ChaincodeMessage): void;
  reject(err: Error): void;
}

/**
 * The chaincode's side of the conversation: walks created -> established -> ready on REGISTERED
 * and READY, runs Init and Invoke for INIT and TRANSACTION, and makes the stub's state calls,
 * one at a time per transaction.
 */
export class ShimHandler implements PeerCalls {
  private currentState: ShimState = 'created';
  /** Each transaction's state calls: the first is with the peer, the rest wait their turn. */
  private readonly pending = new Map<string, Pending[]>();

  constructor(
    private readonly stream: ChaincodeStream,
    private readonly chaincode: Chaincode,
    private readonly logger: Logger,
  ) {}

  get state(): ShimState {
    return this.currentState;
  }

  /** Handles one message from the peer; throws when the conversation cannot go on. */
  handleMessage(msg: ChaincodeMessage): void {
    const type = msg.getType();
    if (type === T.KEEPALIVE) {
      this.send(msg);
      return;
    }
    switch (this.currentState) {
      case 'created':
        if (type === T.REGISTERED) {
          this.currentState = 'established';
          return;
        }
        break;
      case 'established':
        if (type === T.READY) {
          this.currentState = 'ready';
          return;
        }
        break;
      case 'ready':
        switch (type) {
          case T.RESPONSE:
          case T.ERROR:
            this.settle(msg);
            return;
          case T.INIT:
            void this.runChaincode(msg, 'init');
            return;
          case T.TRANSACTION:
            void this.runChaincode(msg, 'invoke');
            return;
        }
        this.send(
          newMessage(T.ERROR, Buffer.from(`[${msg.getTxid()}] Chaincode handler cannot handle message (${messageTypeName(type)}) while in state: ready`), msg.getTxid(), msg.getChannelId()),
        );
        return;
    }
    const detail = type === T.ERROR ? `: ${Buffer.from(msg.getPayload_asU8()).toString()}` : '';
    throw new ShimError(
      'BAD_STATE',
      `chaincode handler cannot handle message (${messageTypeName(type)}) while in state: ${this.currentState}${detail}`,
    );
  }

  /** The peer is gone: every call waiting for an answer fails. */
  close(err: Error): void {
    for (const calls of this.pending.values()) for (const call of calls) call.reject(err);
    this.pending.clear();
  }

  getState(key: string, channelId: string, txId: string): Promise<Uint8Array> {
    return this.getPrivateData('', key, channelId, txId);
  }

  putState(key: string, value: Uint8Array, channelId: string, txId: string): Promise<void> {
    return this.putPrivateData('', key, value, channelId, txId);
  }

  deleteState(key: string, channelId: string, txId: string): Promise<void> {
    return this.deletePrivateData('', key, channelId, txId);
  }

  /** A value of the collection ('' for the public state). */
  async getPrivateData(collection: string, key: string, channelId: string, txId: string): Promise<Uint8Array> {
    const req = new GetState();
    req.setKey(key);
    req.setCollection(collection);
    const reply = await this.call(T.GET_STATE, req.serializeBinary(), channelId, txId);
    return reply.getPayload_asU8();
  }

  /** The SHA-256 of a collection's value, which peers of every organisation have. */
  async getPrivateDataHash(collection: string, key: string, channelId: string, txId: string): Promise<Uint8Array> {
    const req = new GetState();
    req.setKey(key);
    req.setCollection(collection);
    const reply = await this.call(T.GET_PRIVATE_DATA_HASH, req.serializeBinary(), channelId, txId);
    return reply.getPayload_asU8();
  }

  async putPrivateData(collection: string, key: string, value: Uint8Array, channelId: string, txId: string): Promise<void> {
    if (key === '') throw new ShimError('PEER_ERROR', 'key must not be an empty string');
    const req = new PutState();
    req.setKey(key);
    req.setValue(value);
    req.setCollection(collection);
    await this.call(T.PUT_STATE, req.serializeBinary(), channelId, txId);
  }

  async deletePrivateData(collection: string, key: string, channelId: string, txId: string): Promise<void> {
    if (key === '') throw new ShimError('PEER_ERROR', 'key must not be an empty string');
    const req = new DelState();
    req.setKey(key);
    req.setCollection(collection);
    await this.call(T.DEL_STATE, req.serializeBinary(), channelId, txId);
  }

  /** Runs Init or Invoke; a throw or a missing response becomes an ERROR to the peer, never a crash. */
  private async runChaincode(msg: ChaincodeMessage, method: 'init' | 'invoke'): Promise<void> {
    const txId = msg.getTxid();
    const channelId = msg.getChannelId();
    let reply: ChaincodeMessage;
    try {
      // ChaincodeInput.args (field 1): all the stub gives the chaincode of its input.
      const args = repeatedBytesField(msg.getPayload_asU8(), 1);
      const stub = new ChaincodeStub(this, channelId, txId, args, msg.getProposal());
      // User chaincode is JavaScript: what it returns is checked, whatever its type says.
      const res = (await this.chaincode[method](stub)) as Partial<ChaincodeResponse> | null | undefined;
      if (res === undefined || res === null || typeof res.status !== 'number') {
        throw new ShimError('PEER_ERROR', `${method}() returned no response`);
      }
      const response = new Response();
      response.setStatus(res.status);
      if (res.message) response.setMessage(res.message);
      // Set even when empty: google-protobuf's default for bytes is '', which it base64-decodes on every serialization.
      response.setPayload(res.payload !== undefined && res.payload.length > 0 ? res.payload : NO_BYTES);
      reply = newMessage(T.COMPLETED, response.serializeBinary(), txId, channelId);
    } catch (err) {
      const text = `[${txId.slice(0, 8)}] Calling chaincode ${method}() has thrown an error: ${errorMessage(err)}`;
      this.logger.error('handleMessage', text);
      reply = newMessage(T.ERROR, Buffer.from(text), txId, channelId);
    }
    this.send(reply);
  }

  /** Sends a state call and waits for its answer; calls of one transaction go one at a time. */
  private call(type: number, payload: Uint8Array, channelId: string, txId: string): Promise<ChaincodeMessage> {
    const key = `${channelId}\x00${txId}`;
    return new Promise<ChaincodeMessage>((resolve, reject) => {
      const call: Pending = { msg: newMessage(type, payload, txId, channelId), resolve, reject };
      const waiting = this.pending.get(key);
      if (waiting === undefined) {
        this.pending.set(key, [call]);
        this.sendCall(key, call);
      } else {
        waiting.push(call);
      }
    });
  }

  private sendCall(key: string, call: Pending): void {
    this.stream.send(call.msg).catch((err: unknown) => {
      this.finishCall(key);
      call.reject(new ShimError('STREAM_ENDED', `error sending ${messageTypeName(call.msg.getType())}: ${errorMessage(err)}`));
    });
  }

  /** Takes the answered call off its transaction's queue and sends the next one. */
  private finishCall(key: string): Pending | undefined {
    const waiting = this.pending.get(key);
    const done = waiting?.shift();
    const next = waiting?.[0];
    if (next === undefined) this.pending.delete(key);
    else this.sendCall(key, next);
    return done;
  }

  private settle(msg: ChaincodeMessage): void {
    const key = `${msg.getChannelId()}\x00${msg.getTxid()}`;
    if (!this.pending.has(key)) {
      this.logger.debug('handleMessage', `[${msg.getTxid()}] no call waiting for ${messageTypeName(msg.getType())}`);
      return;
    }
    const call = this.finishCall(key);
    if (call === undefined) return;
    if (msg.getType() === T.RESPONSE) {
      call.resolve(msg);
    } else {
      call.reject(new ShimError('PEER_ERROR', Buffer.from(msg.getPayload_asU8()).toString()));
    }
  }

  private send(msg: ChaincodeMessage): void {
    this.stream.send(msg).catch((err: unknown) => {
      this.logger.debug('send', `error sending ${messageTypeName(msg.getType())}: ${errorMessage(err)}`);
    });
  }
}

export function newMessage(type: number, payload: Uint8Array | undefined, txId: string, channelId: string): ChaincodeMessage {
  const msg = new ChaincodeMessage();
  msg.setType(type as MessageType);
  msg.setPayload(payload ?? NO_BYTES);
  msg.setTxid(txId);
  msg.setChannelId(channelId);
  return msg;
}
