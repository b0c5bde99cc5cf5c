import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { credentials, type ClientDuplexStream } from '@grpc/grpc-js';
import shimGrpc from '@hyperledger/fabric-protos/lib/peer/chaincode_shim_grpc_pb.js';
import { startChaincodeServer, ListenError } from '../../src/comm/chaincode-server.js';
import type { GrpcListener } from '../../src/comm/grpc-listener.js';
import type { ChaincodeStream } from '../../src/comm/chaincode-stream.js';
import { GrpcChaincodeStream } from '../../src/comm/grpc-chaincode-stream.js';
import { Logging } from '../../src/common/logging/logging.js';
import { MessageTypes, type ChaincodeMessage } from '../../src/common/protos/peer.js';
import { WeftError } from '../../src/common/errors/weft-error.js';
import { chaincodeStreamSuite, isStreamClosed, message } from './chaincode-stream-suite.js';

type Call = ClientDuplexStream<ChaincodeMessage, ChaincodeMessage>;

/** The chaincode's end: the same stream class over the client half of the call. */
function chaincodeSide(call: Call): GrpcChaincodeStream {
  return new GrpcChaincodeStream(call);
}

interface Registered {
  stream: ChaincodeStream;
  /** Lets the server's register() return. */
  release(): void;
}

/** A chaincode server on 127.0.0.1:0 whose register() hands each stream to the next waiting test. */
class Harness {
  readonly lines: string[] = [];
  server!: GrpcListener;
  client!: InstanceType<typeof shimGrpc.ChaincodeSupportClient>;
  private readonly waiting: Array<(r: Registered) => void> = [];
  /** How register() ends; a test may change it. */
  onRegister: (stream: ChaincodeStream) => Promise<void> = (stream) =>
    new Promise<void>((release) => {
      const take = this.waiting.shift();
      assert.ok(take, 'a chaincode registered that no test waited for');
      take({ stream, release });
    });

  async start(): Promise<void> {
    const logging = new Logging({ sink: (line) => this.lines.push(line), now: () => new Date(0) });
    this.server = await startChaincodeServer({
      address: '127.0.0.1:0',
      register: (stream) => this.onRegister(stream),
      logger: logging.logger('comm.grpc.server'),
    });
    this.client = new shimGrpc.ChaincodeSupportClient(this.server.address, credentials.createInsecure());
  }

  /** Opens one Register call; resolves once the server side holds its stream. */
  async connect(): Promise<{ call: Call; chaincode: GrpcChaincodeStream; registered: Registered }> {
    const serverSide = new Promise<Registered>((resolve) => this.waiting.push(resolve));
    const call = this.client.register();
    call.on('error', () => undefined); // cancellation at dispose is expected
    const chaincode = chaincodeSide(call);
    return { call, chaincode, registered: await serverSide };
  }

  async stop(): Promise<void> {
    this.client.close();
    await this.server.stop();
  }
}

describe('ChaincodeServer over real gRPC', () => {
  const harness = new Harness();
  before(() => harness.start());
  after(() => harness.stop());

  chaincodeStreamSuite('gRPC Register stream (server side) and client call', async () => {
    const { call, chaincode, registered } = await harness.connect();
    return {
      peer: registered.stream,
      chaincode,
      dispose: async () => {
        registered.release();
        call.cancel();
      },
    };
  }, { peerCloseEndsCall: true });

  test('start() reports the bound address with the real port', () => {
    const match = /^127\.0\.0\.1:(\d+)$/.exec(harness.server.address);
    assert.ok(match, harness.server.address);
    assert.notEqual(Number(match[1]), 0);
  });

  test('when register() returns, the chaincode sees its stream end', async () => {
    const { call, chaincode, registered } = await harness.connect();
    try {
      await registered.stream.send(message(MessageTypes.REGISTERED, '', '', ''));
      registered.release();
      assert.equal((await chaincode.recv()).getType(), MessageTypes.REGISTERED);
      await assert.rejects(chaincode.recv(), isStreamClosed);
    } finally {
      call.cancel();
    }
  });

  test('when register() fails, the error is logged and the chaincode sees its stream end', async () => {
    const previous = harness.onRegister;
    const before = harness.lines.length;
    harness.onRegister = () => Promise.reject(new Error('handler exploded'));
    const call = harness.client.register();
    call.on('error', () => undefined);
    try {
      const chaincode = chaincodeSide(call);
      await assert.rejects(chaincode.recv(), isStreamClosed);
      assert.deepEqual(harness.lines.slice(before), [
        `1970-01-01 00:00:00.000 UTC [comm.grpc.server] Register -> ERRO ${(before + 1).toString(16).padStart(3, '0')} ` +
          'chaincode stream ended with error: handler exploded\n',
      ]);
    } finally {
      harness.onRegister = previous;
      call.cancel();
    }
  });

  test('when the chaincode half-closes and register() returns, the call ends for the chaincode', { timeout: 2000 }, async () => {
    const { call, chaincode, registered } = await harness.connect();
    try {
      chaincode.closeSend();
      await assert.rejects(registered.stream.recv(), isStreamClosed);
      registered.release();
      // The server's register() is over: the client must see the end of the call.
      await assert.rejects(chaincode.recv(), isStreamClosed);
    } finally {
      call.cancel();
    }
  });

  test('when the chaincode cancels its call, the peer side sees the stream closed', async () => {
    const { call, registered } = await harness.connect();
    try {
      call.cancel();
      await assert.rejects(registered.stream.recv(), isStreamClosed);
      // The end of the chaincode's sending arrives first (it may only have half-closed); the
      // cancellation follows, and from then on sends fail.
      let sendError: unknown;
      for (let i = 0; i < 100 && sendError === undefined; i++) {
        sendError = await registered.stream.send(message(MessageTypes.TRANSACTION, 't', 'c', '')).then(
          () => undefined,
          (err: unknown) => err,
        );
        if (sendError === undefined) await new Promise((r) => setTimeout(r, 10));
      }
      assert.ok(isStreamClosed(sendError), `sends still accepted after the call was cancelled: ${String(sendError)}`);
    } finally {
      registered.release();
    }
  });

  test('a send blocked on flow control settles when the chaincode goes away', { timeout: 2000 }, async () => {
    const { call, registered } = await harness.connect();
    try {
      // The chaincode never reads: the peer's sends fill the transport until write() says wait.
      const big = Buffer.alloc(256 * 1024, 7);
      const sends: Array<Promise<void>> = [];
      let blocked: Promise<void> | undefined;
      for (let i = 0; i < 200 && blocked === undefined; i++) {
        // Set by the callbacks; `as boolean` keeps TypeScript from taking it for always false.
        let resolved = false as boolean;
        const p = registered.stream.send(message(MessageTypes.TRANSACTION, `t${i}`, 'c', big));
        p.then(
          () => (resolved = true),
          () => (resolved = true),
        );
        await new Promise((r) => setImmediate(r));
        if (!resolved) blocked = p;
        sends.push(p);
      }
      assert.ok(blocked, 'the transport never pushed back');
      call.cancel();
      // Resolving or rejecting are both acceptable; never settling leaves the handler hung.
      await blocked.catch(isStreamClosed);
    } finally {
      registered.release();
    }
  });

  test('several chaincodes are served at once, each on its own stream', async () => {
    const a = await harness.connect();
    const b = await harness.connect();
    try {
      await a.registered.stream.send(message(MessageTypes.REGISTERED, 'for-a', '', ''));
      await b.registered.stream.send(message(MessageTypes.REGISTERED, 'for-b', '', ''));
      await b.chaincode.send(message(MessageTypes.REGISTER, 'from-b', '', ''));
      await a.chaincode.send(message(MessageTypes.REGISTER, 'from-a', '', ''));
      assert.equal((await a.chaincode.recv()).getTxid(), 'for-a');
      assert.equal((await b.chaincode.recv()).getTxid(), 'for-b');
      assert.equal((await a.registered.stream.recv()).getTxid(), 'from-a');
      assert.equal((await b.registered.stream.recv()).getTxid(), 'from-b');
    } finally {
      for (const c of [a, b]) {
        c.registered.release();
        c.call.cancel();
      }
    }
  });
});

describe('startChaincodeServer start and stop', () => {
  const logger = new Logging({ sink: () => undefined }).logger('comm.grpc.server');
  const register = (): Promise<void> => Promise.resolve();

  function isListenError(address: string) {
    return (err: unknown): boolean => {
      assert.ok(err instanceof ListenError, String(err));
      assert.ok(err instanceof WeftError);
      assert.equal(err.code, 'LISTEN_FAILED');
      assert.equal(err.name, 'ListenError');
      assert.ok(err.message.includes(`failed to listen on ${address}`), err.message);
      return true;
    };
  }

  test('a port already taken by another server is LISTEN_FAILED naming the address', async () => {
    const first = await startChaincodeServer({ address: '127.0.0.1:0', register, logger });
    try {
      await assert.rejects(startChaincodeServer({ address: first.address, register, logger }), isListenError(first.address));
    } finally {
      await first.stop();
    }
  });

  test('an address that cannot exist is LISTEN_FAILED naming it', async () => {
    await assert.rejects(startChaincodeServer({ address: '256.1.1.1:1', register, logger }), isListenError('256.1.1.1:1'));
  });

  test('stop() with no calls open resolves and frees the port', async () => {
    const server = await startChaincodeServer({ address: '127.0.0.1:0', register, logger });
    await server.stop();
    const again = await startChaincodeServer({ address: server.address, register, logger });
    assert.equal(again.address, server.address);
    await again.stop();
  });

  test('stop() ends calls still open: both sides see their streams closed', async () => {
    let peerSide: ChaincodeStream | undefined;
    let registered!: () => void;
    const gotStream = new Promise<void>((r) => (registered = r));
    const server = await startChaincodeServer({
      address: '127.0.0.1:0',
      register: (stream) => {
        peerSide = stream;
        registered();
        return new Promise<void>(() => undefined); // a handler that never ends by itself
      },
      logger,
    });
    const client = new shimGrpc.ChaincodeSupportClient(server.address, credentials.createInsecure());
    try {
      const call = client.register();
      call.on('error', () => undefined);
      const chaincode = chaincodeSide(call);
      await gotStream;
      await server.stop();
      await assert.rejects(chaincode.recv(), isStreamClosed);
      await assert.rejects((peerSide as ChaincodeStream).recv(), isStreamClosed);
    } finally {
      client.close();
    }
  });
});
