// The one compliance suite for ChaincodeStream: every implementation (the in-process queue pair,
// gRPC streams) must pass it. Not a test file itself; the implementation tests call it.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { ChaincodeMessage, MessageTypes, type MessageType } from '../../src/common/protos/peer.js';
import type { ChaincodeStream } from '../../src/comm/chaincode-stream.js';
import { StreamClosedError } from '../../src/comm/stream-closed-error.js';
import { WeftError } from '../../src/common/errors/weft-error.js';

/** Two connected ends: what the peer holds and what the chaincode holds. */
export interface StreamPair {
  peer: ChaincodeStream;
  chaincode: ChaincodeStream;
  /** Tears the pair down, whatever state the test left it in. */
  dispose(): Promise<void>;
}

export function message(type: MessageType, txid: string, channelId: string, payload: Uint8Array | string): ChaincodeMessage {
  const msg = new ChaincodeMessage();
  msg.setType(type);
  msg.setTxid(txid);
  msg.setChannelId(channelId);
  msg.setPayload(typeof payload === 'string' ? Buffer.from(payload) : payload);
  return msg;
}

export function isStreamClosed(err: unknown): boolean {
  assert.ok(err instanceof StreamClosedError, `expected StreamClosedError, got ${String(err)}`);
  assert.ok(err instanceof WeftError);
  assert.equal(err.code, 'STREAM_CLOSED');
  assert.equal(err.name, 'StreamClosedError');
  return true;
}

function assertSameMessage(got: ChaincodeMessage, sent: ChaincodeMessage): void {
  assert.ok(got instanceof ChaincodeMessage);
  assert.equal(got.getType(), sent.getType());
  assert.equal(got.getTxid(), sent.getTxid());
  assert.equal(got.getChannelId(), sent.getChannelId());
  assert.deepEqual(Buffer.from(got.getPayload_asU8()), Buffer.from(sent.getPayload_asU8()));
}

/** Calls `fn` and reports whether it threw synchronously, handing back what it returned. */
function callWithoutThrow<T>(fn: () => T): T {
  let result: T | undefined;
  assert.doesNotThrow(() => {
    result = fn();
  });
  return result as T;
}

export interface StreamSuiteOptions {
  /**
   * The peer's closeSend ends the whole call (gRPC: a server that ends its side sends the call's
   * status), so only the chaincode can half-close.
   */
  peerCloseEndsCall?: boolean;
}

export function chaincodeStreamSuite(name: string, open: () => Promise<StreamPair>, opts: StreamSuiteOptions = {}): void {
  async function withPair(fn: (pair: StreamPair) => Promise<void>): Promise<void> {
    const pair = await open();
    try {
      await fn(pair);
    } finally {
      await pair.dispose();
    }
  }

  const directions = [
    { label: 'peer to chaincode', from: (p: StreamPair) => p.peer, to: (p: StreamPair) => p.chaincode },
    { label: 'chaincode to peer', from: (p: StreamPair) => p.chaincode, to: (p: StreamPair) => p.peer },
  ];

  describe(`ChaincodeStream compliance: ${name}`, () => {
    for (const { label, from, to } of directions) {
      test(`${label}: a message arrives with its type, txid, channel id and payload`, () =>
        withPair(async (pair) => {
          const sent = message(MessageTypes.TRANSACTION, 'tx-0001', 'mychannel', Uint8Array.from([0, 1, 2, 250, 255]));
          await from(pair).send(sent);
          assertSameMessage(await to(pair).recv(), sent);
        }));

      test(`${label}: every message type and an empty payload pass unchanged`, () =>
        withPair(async (pair) => {
          const types = [MessageTypes.REGISTER, MessageTypes.GET_STATE, MessageTypes.COMPLETED, MessageTypes.ERROR];
          const sent = types.map((type, i) => message(type, i === 0 ? '' : `tx${i}`, i === 0 ? '' : 'ch', i === 1 ? '' : `p${i}`));
          const receiving = Promise.all(sent.map(() => to(pair).recv()));
          for (const msg of sent) await from(pair).send(msg);
          const got = await receiving;
          got.forEach((msg, i) => assertSameMessage(msg, sent[i] as ChaincodeMessage));
        }));

      test(`${label}: 1,000 messages keep their order`, () =>
        withPair(async (pair) => {
          const n = 1000;
          const receiving = (async () => {
            const got: ChaincodeMessage[] = [];
            for (let i = 0; i < n; i++) got.push(await to(pair).recv());
            return got;
          })();
          for (let i = 0; i < n; i++) await from(pair).send(message(MessageTypes.PUT_STATE, `tx${i}`, 'ch', `payload ${i}`));
          const got = await receiving;
          got.forEach((msg, i) => {
            if (msg.getTxid() !== `tx${i}` || Buffer.from(msg.getPayload_asU8()).toString() !== `payload ${i}`) {
              assert.fail(`message ${i} arrived as ${msg.getTxid()}`);
            }
          });
        }));

      test(`${label}: 1,000 sends fired without waiting arrive in order`, () =>
        withPair(async (pair) => {
          const n = 1000;
          const sends = Array.from({ length: n }, (_, i) => from(pair).send(message(MessageTypes.GET_STATE, `tx${i}`, 'ch', `k${i}`)));
          for (let i = 0; i < n; i++) {
            const msg = await to(pair).recv();
            if (msg.getTxid() !== `tx${i}`) assert.fail(`message ${i} arrived as ${msg.getTxid()}`);
          }
          await Promise.all(sends);
        }));

      test(`${label}: after closeSend, messages sent before it arrive, then recv rejects with StreamClosedError`, () =>
        withPair(async (pair) => {
          await from(pair).send(message(MessageTypes.TRANSACTION, 'a', 'ch', 'first'));
          await from(pair).send(message(MessageTypes.TRANSACTION, 'b', 'ch', 'second'));
          from(pair).closeSend();
          assert.equal((await to(pair).recv()).getTxid(), 'a');
          assert.equal((await to(pair).recv()).getTxid(), 'b');
          await assert.rejects(to(pair).recv(), isStreamClosed);
          await assert.rejects(to(pair).recv(), isStreamClosed);
        }));

      test(`${label}: a recv already waiting rejects when the other side closes`, () =>
        withPair(async (pair) => {
          const waiting = to(pair).recv();
          from(pair).closeSend();
          await assert.rejects(waiting, isStreamClosed);
        }));

      test(`${label}: send after closeSend rejects with StreamClosedError and never throws`, () =>
        withPair(async (pair) => {
          from(pair).closeSend();
          const sending = callWithoutThrow(() => from(pair).send(message(MessageTypes.TRANSACTION, 'late', 'ch', 'x')));
          await assert.rejects(sending, isStreamClosed);
        }));

      test(`${label}: closeSend twice is harmless`, () =>
        withPair(async (pair) => {
          from(pair).closeSend();
          assert.doesNotThrow(() => from(pair).closeSend());
          await assert.rejects(to(pair).recv(), isStreamClosed);
        }));

      if (opts.peerCloseEndsCall === true && label === 'peer to chaincode') continue;
      test(`${label}: closeSend is a half-close; the other side can still send to it`, () =>
        withPair(async (pair) => {
          from(pair).closeSend();
          await assert.rejects(to(pair).recv(), isStreamClosed);
          await to(pair).send(message(MessageTypes.RESPONSE, 'reply', 'ch', 'still open'));
          const got = await from(pair).recv();
          assert.equal(got.getTxid(), 'reply');
        }));
    }

    test('both directions at once keep each order', () =>
      withPair(async (pair) => {
        const n = 300;
        const pump = async (a: ChaincodeStream, b: ChaincodeStream, tag: string): Promise<void> => {
          const receiving = (async () => {
            for (let i = 0; i < n; i++) {
              const msg = await b.recv();
              if (msg.getTxid() !== `${tag}${i}`) assert.fail(`${tag}: message ${i} arrived as ${msg.getTxid()}`);
            }
          })();
          for (let i = 0; i < n; i++) await a.send(message(MessageTypes.TRANSACTION, `${tag}${i}`, 'ch', tag));
          await receiving;
        };
        await Promise.all([pump(pair.peer, pair.chaincode, 'down'), pump(pair.chaincode, pair.peer, 'up')]);
      }));
  });
}
