import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { ServerDuplexStream } from '@grpc/grpc-js';
import abGrpc from '@hyperledger/fabric-protos/lib/orderer/ab_grpc_pb.js';
import { BroadcastStream } from '../../src/client/broadcast-stream.js';
import { ClientError } from '../../src/client/client-error.js';
import { GrpcListener } from '../../src/comm/grpc-listener.js';
import { Envelope } from '../../src/common/protos/common.js';
import { BroadcastResponse } from '../../src/common/protos/orderer.js';
import { RemoteOrderer } from '../../src/gateway/orderers.js';

/** An envelope whose payload is `text`. */
function envelope(text: string): Envelope {
  const env = new Envelope();
  env.setPayload(Buffer.from(text));
  env.setSignature(Buffer.from('sig'));
  return env;
}

describe('one Broadcast stream shared by many submits', () => {
  let listener: GrpcListener;
  /** The streams the orderer was opened, and the payloads each received. */
  const streams: string[][] = [];

  before(async () => {
    // An orderer as Fabric's handler answers: in order, one answer per envelope; a refusal (the
    // payload "bad") ends the stream, and what came after it on the stream is not read.
    listener = await GrpcListener.start('127.0.0.1:0', (server) => {
      server.addService(abGrpc.AtomicBroadcastService, {
        broadcast: (call: ServerDuplexStream<Envelope, BroadcastResponse>) => {
          const seen: string[] = [];
          streams.push(seen);
          let ended = false;
          call.on('data', (env: Envelope) => {
            if (ended) return;
            const text = Buffer.from(env.getPayload_asU8()).toString();
            seen.push(text);
            const reply = new BroadcastResponse();
            reply.setStatus(text === 'bad' ? 403 : 200);
            reply.setInfo(text === 'bad' ? 'refused' : '');
            call.write(reply);
            if (text === 'bad') {
              ended = true;
              call.end();
            }
          });
          call.on('end', () => {
            if (!ended) call.end();
          });
          call.on('error', () => undefined);
        },
        deliver: (call: ServerDuplexStream<Envelope, unknown>) => {
          call.end();
        },
      });
    });
  });

  after(async () => {
    await listener.stop(0);
  });

  test('answers go to their sends in order, all on one stream', async () => {
    const stream = await BroadcastStream.connect(listener.address);
    try {
      const before = streams.length;
      const replies = await Promise.all(['a', 'b', 'c'].map((t) => stream.send(envelope(t))));
      assert.deepEqual(replies.map((r) => r.getStatus()), [200, 200, 200]);
      assert.equal(streams.length, before + 1);
      assert.deepEqual(streams.at(-1), ['a', 'b', 'c']);
    } finally {
      stream.close();
    }
  });

  test("a refusal ends the stream: the sends behind it fail CALL_FAILED, and the next send opens a new stream", async () => {
    const stream = await BroadcastStream.connect(listener.address);
    try {
      const outcomes = await Promise.allSettled(['bad', 'x', 'y'].map((t) => stream.send(envelope(t))));
      assert.equal(outcomes[0]?.status === 'fulfilled' ? outcomes[0].value.getStatus() : undefined, 403);
      for (const outcome of outcomes.slice(1)) {
        if (outcome.status !== 'rejected') assert.fail('a send behind the refusal was answered');
        assert.ok(outcome.reason instanceof ClientError && outcome.reason.code === 'CALL_FAILED', String(outcome.reason));
      }
      assert.equal((await stream.send(envelope('z'))).getStatus(), 200);
    } finally {
      stream.close();
    }
  });

  test("the Gateway's orderer sends again, once, what another transaction's refusal cut off", async () => {
    const orderer = RemoteOrderer.connect(listener.address, 'OrdererMSP', undefined);
    try {
      const answers = await Promise.all(['bad', 'p', 'q'].map((t) => orderer.broadcast(envelope(t))));
      assert.deepEqual(answers.map((a) => a.status), [403, 200, 200]);
      assert.equal(answers[0]?.info, 'refused');
    } finally {
      orderer.close();
    }
  });
});
