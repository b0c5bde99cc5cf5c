import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { streamQueue } from '../../src/comm/in-proc-stream.js';
import { ChaincodeID, ChaincodeInput, MessageTypes as T, Response } from '../../src/common/protos/peer.js';
import { createInProcStreamPair } from '../../src/comm/in-proc-stream.js';
import { ChaincodeStub, type PeerCalls } from '../../src/shim/chaincode-stub.js';
import { error, success, type Chaincode } from '../../src/shim/chaincode.js';
import { ShimError } from '../../src/shim/shim-error.js';
import { chatWithPeer, startInProc } from '../../src/shim/start-in-proc.js';
import { captureLogging } from '../helpers/capture-logging.js';
import { FakeChaincodeEnd } from '../helpers/fake-chaincode-end.js';

const noCalls: PeerCalls = {
  getState: async () => new Uint8Array(),
  putState: async () => undefined,
  deleteState: async () => undefined,
  getPrivateData: async () => new Uint8Array(),
  getPrivateDataHash: async () => new Uint8Array(),
  putPrivateData: async () => undefined,
  deletePrivateData: async () => undefined,
};

function inputOf(...args: string[]): ChaincodeInput {
  const i = new ChaincodeInput();
  i.setArgsList(args.map((a) => Buffer.from(a)));
  return i;
}

function argsOf(...args: string[]): Uint8Array[] {
  return args.map((a) => Buffer.from(a));
}

describe('ChaincodeStub', () => {
  test('gives the arguments as bytes, as strings, and as function and parameters, with the txid and channel', () => {
    const stub = new ChaincodeStub(noCalls, 'ch1', 'tx1', argsOf('transfer', 'alice', 'bob', '10'));
    assert.deepEqual(stub.getArgs().map((a) => Buffer.from(a).toString()), ['transfer', 'alice', 'bob', '10']);
    assert.deepEqual(stub.getStringArgs(), ['transfer', 'alice', 'bob', '10']);
    assert.deepEqual(stub.getFunctionAndParameters(), { fcn: 'transfer', params: ['alice', 'bob', '10'] });
    assert.equal(stub.getTxID(), 'tx1');
    assert.equal(stub.getChannelID(), 'ch1');
    assert.deepEqual(new ChaincodeStub(noCalls, '', '', argsOf()).getFunctionAndParameters(), { fcn: '', params: [] });
  });
});

/** Drives a shim over an in-process stream, playing the peer by hand. */
function shimWith(chaincode: Chaincode) {
  const pair = createInProcStreamPair();
  const { logging, lines } = captureLogging();
  const chatting = chatWithPeer('mycc:1.0', pair.chaincode, chaincode, logging.logger('shim'));
  return { peer: new FakeChaincodeEnd(pair.peer), chatting, lines };
}

async function ready(peer: FakeChaincodeEnd): Promise<void> {
  const reg = await peer.next();
  assert.equal(reg.type, 'REGISTER');
  assert.equal(ChaincodeID.deserializeBinary(reg.msg.getPayload_asU8()).getName(), 'mycc:1.0');
  await peer.send(T.REGISTERED);
  await peer.send(T.READY);
}

describe('shim handler', () => {
  test('registers, then answers INIT and TRANSACTION with COMPLETED carrying the Response', async () => {
    const { peer } = shimWith({ init: () => success('inited'), invoke: (stub) => error(`no ${String(stub.getStringArgs()[0])}`) });
    await ready(peer);
    await peer.send(T.INIT, { txId: 't1', channelId: 'c', payload: inputOf('a').serializeBinary() });
    const done = await peer.next();
    assert.equal(done.type, 'COMPLETED');
    assert.equal(done.txId, 't1');
    assert.equal(done.msg.getChannelId(), 'c');
    const resp = Response.deserializeBinary(done.msg.getPayload_asU8());
    assert.equal(resp.getStatus(), 200);
    assert.equal(Buffer.from(resp.getPayload_asU8()).toString(), 'inited');
    await peer.send(T.TRANSACTION, { txId: 't2', channelId: 'c', payload: inputOf('thing').serializeBinary() });
    const failed = Response.deserializeBinary((await peer.next()).msg.getPayload_asU8());
    assert.deepEqual([failed.getStatus(), failed.getMessage()], [500, 'no thing']);
  });

  test('state calls go to the peer and wait for its RESPONSE; an ERROR reply rejects with its text', async () => {
    const seen: string[] = [];
    const { peer } = shimWith({
      init: () => success(),
      async invoke(stub) {
        seen.push(Buffer.from(await stub.getState('k')).toString());
        await stub.putState('k', 'v2');
        try {
          await stub.deleteState('k');
        } catch (err) {
          return error(`delete refused: ${(err as Error).message}`);
        }
        return success();
      },
    });
    await ready(peer);
    await peer.send(T.TRANSACTION, { txId: 't', channelId: 'c', payload: inputOf('x').serializeBinary() });
    const get = await peer.next();
    assert.equal(get.type, 'GET_STATE');
    await peer.send(T.RESPONSE, { txId: 't', channelId: 'c', payload: Buffer.from('v1') });
    assert.equal((await peer.next()).type, 'PUT_STATE');
    await peer.send(T.RESPONSE, { txId: 't', channelId: 'c' });
    assert.equal((await peer.next()).type, 'DEL_STATE');
    await peer.send(T.ERROR, { txId: 't', channelId: 'c', payload: Buffer.from('no ledger') });
    const resp = Response.deserializeBinary((await peer.next()).msg.getPayload_asU8());
    assert.equal(resp.getMessage(), 'delete refused: no ledger');
    assert.deepEqual(seen, ['v1']);
  });

  test('a chaincode that throws answers ERROR with its words, and the shim goes on', async () => {
    let calls = 0;
    const { peer, lines } = shimWith({
      init: () => success(),
      invoke: () => {
        calls++;
        if (calls === 1) throw new Error('bad day');
        return success('fine');
      },
    });
    await ready(peer);
    await peer.send(T.TRANSACTION, { txId: 'x1', payload: inputOf().serializeBinary() });
    const err = await peer.next();
    assert.equal(err.type, 'ERROR');
    assert.equal(err.text, '[x1] Calling chaincode invoke() has thrown an error: bad day');
    assert.ok(lines.some((l) => l.includes('ERRO') && l.includes('bad day')));
    await peer.send(T.TRANSACTION, { txId: 'x2', payload: inputOf().serializeBinary() });
    assert.equal((await peer.next()).type, 'COMPLETED');
  });

  test('a message out of place before READY ends the conversation with an error naming it and the state', async () => {
    const { peer, chatting } = shimWith({ init: () => success(), invoke: () => success() });
    await peer.next();
    await peer.send(T.TRANSACTION, { txId: 'early' });
    await assert.rejects(
      chatting,
      (err: unknown) => err instanceof ShimError && err.code === 'BAD_STATE' && err.message === 'chaincode handler cannot handle message (TRANSACTION) while in state: created',
    );
  });

  test('an ERROR instead of REGISTERED ends the conversation with the peer\'s reason', async () => {
    const { peer, chatting } = shimWith({ init: () => success(), invoke: () => success() });
    await peer.next();
    await peer.send(T.ERROR, { payload: Buffer.from('duplicate chaincodeID: mycc:1.0') });
    await assert.rejects(chatting, /while in state: created: duplicate chaincodeID: mycc:1.0/);
  });

  test('KEEPALIVE is echoed; an unknown message in ready state is answered with an ERROR', async () => {
    const { peer } = shimWith({ init: () => success(), invoke: () => success() });
    await ready(peer);
    await peer.send(T.KEEPALIVE);
    assert.equal((await peer.next()).type, 'KEEPALIVE');
    await peer.send(T.GET_STATE, { txId: 'odd' });
    const reply = await peer.next();
    assert.equal(reply.type, 'ERROR');
    assert.equal(reply.text, '[odd] Chaincode handler cannot handle message (GET_STATE) while in state: ready');
  });

  test('putState and deleteState refuse an empty key', async () => {
    const { peer } = shimWith({
      init: () => success(),
      async invoke(stub) {
        const results: string[] = [];
        for (const call of [() => stub.putState('', 'v'), () => stub.deleteState('')]) {
          await call().catch((err: unknown) => results.push(err instanceof Error ? err.message : String(err)));
        }
        return success(results.join('|'));
      },
    });
    await ready(peer);
    await peer.send(T.TRANSACTION, { txId: 'e', payload: inputOf().serializeBinary() });
    const resp = Response.deserializeBinary((await peer.next()).msg.getPayload_asU8());
    assert.equal(Buffer.from(resp.getPayload_asU8()).toString(), 'key must not be an empty string|key must not be an empty string');
  });
});

describe('startInProc', () => {
  test('takes the chaincode name from CORE_CHAINCODE_ID_NAME and registers under it', async () => {
    const toCc = streamQueue(8, 'to chaincode');
    const toPeer = streamQueue(8, 'to peer');
    const { logging } = captureLogging();
    const running = startInProc(['A=B', 'CORE_CHAINCODE_ID_NAME=lscc:2.5'], [], { init: () => success(), invoke: () => success() }, toCc, toPeer, logging.logger('shim'));
    const reg = await toPeer.shift();
    assert.equal(reg.getType(), T.REGISTER);
    assert.equal(ChaincodeID.deserializeBinary(reg.getPayload_asU8()).getName(), 'lscc:2.5');
    toCc.close();
    await running;
  });

  test('fails clearly without CORE_CHAINCODE_ID_NAME', async () => {
    const { logging } = captureLogging();
    await assert.rejects(
      startInProc(['A=B'], [], { init: () => success(), invoke: () => success() }, streamQueue(1, 'a'), streamQueue(1, 'b'), logging.logger('shim')),
      (err: unknown) => err instanceof ShimError && err.code === 'NO_CHAINCODE_ID' && /CORE_CHAINCODE_ID_NAME/.test(err.message),
    );
  });
});
