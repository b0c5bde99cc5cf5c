import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ChaincodeError } from '../../src/chaincode/chaincode-error.js';
import { Handler, newMessage } from '../../src/chaincode/handler.js';
import { HandlerRegistry } from '../../src/chaincode/handler-registry.js';
import { MessageTypes as T } from '../../src/common/protos/peer.js';
import { createInProcStreamPair } from '../../src/comm/in-proc-stream.js';
import { captureLogging } from '../helpers/capture-logging.js';
import { FakeChaincodeEnd } from '../helpers/fake-chaincode-end.js';

function setUp(opts: { dev?: boolean; launching?: string[]; containerExit?: (cname: string) => Promise<Error> | undefined } = {}) {
  const { logging, lines } = captureLogging('info:chaincode=debug');
  const registry = new HandlerRegistry<Handler>({ allowUnsolicitedRegistration: opts.dev ?? false, logger: logging.logger('chaincode') });
  for (const name of opts.launching ?? ['mycc:1.0']) registry.launch(name);
  const pair = createInProcStreamPair();
  const handler = new Handler({ registry, logger: logging.logger('chaincode'), containerExit: opts.containerExit });
  const served = handler.processStream(pair.peer);
  return { registry, handler, served, cc: new FakeChaincodeEnd(pair.chaincode), lines };
}

describe('Handler (peer side)', () => {
  test('REGISTER is answered with REGISTERED then READY; the handler walks created -> established -> ready', async () => {
    const { registry, handler, cc, lines } = setUp();
    assert.equal(handler.state, 'created');
    const launch = registry.launch('mycc:1.0');
    await cc.register('mycc:1.0');
    assert.equal((await cc.next()).type, 'REGISTERED');
    assert.equal((await cc.next()).type, 'READY');
    assert.equal(handler.state, 'ready');
    assert.equal(registry.handler('mycc:1.0'), handler);
    await launch.launchState.done;
    assert.equal(launch.launchState.err, undefined);
    const conversation = lines.map((l) => l.replace(/^.*? -> DEBU [0-9a-f]+ /, ''));
    assert.deepEqual(conversation, [
      '[] Fabric side handling ChaincodeMessage of type: REGISTER in state created',
      'Received REGISTER in state created',
      'registered handler complete for chaincode mycc:1.0',
      'Got REGISTER for chaincodeID = name:"mycc:1.0" , sending back REGISTERED',
      'Changed state to established for name:"mycc:1.0"',
      'sending READY for chaincode name:"mycc:1.0"',
      'Changed to state ready for chaincode name:"mycc:1.0"',
    ]);
  });

  test('a message not valid before registration gets an ERROR naming it and the state; the stream stays up', async () => {
    const { cc, handler } = setUp();
    await cc.send(T.GET_STATE, { txId: 'abcdef123456' });
    const reply = await cc.next();
    assert.equal(reply.type, 'ERROR');
    assert.equal(reply.txId, 'abcdef123456');
    assert.equal(reply.text, '[abcdef12] Fabric side handler cannot handle message (GET_STATE) while in created state');
    await cc.register('mycc:1.0');
    assert.equal((await cc.next()).type, 'REGISTERED');
    assert.equal((await cc.next()).type, 'READY');
    assert.equal(handler.state, 'ready');
  });

  test('REGISTER again, or a message type the handler does not serve, gets an ERROR in ready state; the stream stays up', async () => {
    const { cc } = setUp();
    await cc.register('mycc:1.0');
    await cc.next();
    await cc.next();
    await cc.register('mycc:1.0');
    assert.equal((await cc.next()).text, '[] Fabric side handler cannot handle message (REGISTER) while in ready state');
    await cc.send(T.INIT, { txId: 't1' });
    assert.equal((await cc.next()).text, '[t1] Fabric side handler cannot handle message (INIT) while in ready state');
    await cc.send(99, { txId: 't2' });
    assert.equal((await cc.next()).text, '[t2] Fabric side handler cannot handle message (UNKNOWN(99)) while in ready state');
    // KEEPALIVE is taken silently; the next reply is the answer to the next message.
    await cc.send(T.KEEPALIVE);
    await cc.send(T.GET_STATE, { txId: 'tx3', channelId: 'ch' });
    const reply = await cc.next();
    assert.equal(reply.type, 'ERROR');
    assert.match(reply.text, /^GET_STATE failed: transaction ID: tx3: \[tx3\] No ledger context for GET_STATE/);
  });

  test('a chaincode the peer did not launch is refused unless in dev mode', async () => {
    const refused = setUp({ launching: [] });
    await refused.cc.register('rogue:1.0');
    const reply = await refused.cc.next();
    assert.equal(reply.type, 'ERROR');
    assert.equal(reply.text, 'peer will not accept external chaincode connection rogue:1.0 (except in dev mode)');
    assert.equal(refused.registry.handler('rogue:1.0'), undefined);

    const dev = setUp({ dev: true, launching: [] });
    await dev.cc.register('devcc:1.0');
    assert.equal((await dev.cc.next()).type, 'REGISTERED');
    assert.equal((await dev.cc.next()).type, 'READY');
  });

  test('a second chaincode registering a name already registered is refused as a duplicate', async () => {
    const first = setUp();
    await first.cc.register('mycc:1.0');
    await first.cc.next();
    await first.cc.next();
    const pair = createInProcStreamPair();
    const { logging } = captureLogging();
    const second = new Handler({ registry: first.registry, logger: logging.logger('chaincode') });
    void second.processStream(pair.peer);
    const cc2 = new FakeChaincodeEnd(pair.chaincode);
    await cc2.register('mycc:1.0');
    const reply = await cc2.next();
    assert.equal(reply.type, 'ERROR');
    assert.equal(reply.text, 'duplicate chaincodeID: mycc:1.0');
    assert.equal(first.registry.handler('mycc:1.0'), first.handler);
  });

  test('a REGISTER whose payload is not a ChaincodeID is answered with an ERROR', async () => {
    const { cc, handler } = setUp();
    await cc.send(T.REGISTER, { payload: Buffer.from([0xff, 0xff, 0xff]) });
    const reply = await cc.next();
    assert.equal(reply.type, 'ERROR');
    assert.match(reply.text, /^error unmarshalling chaincode ID in REGISTER/);
    assert.equal(handler.state, 'created');
  });

  test('when the chaincode ends its stream, the transaction in flight fails naming it and the handler is deregistered', async () => {
    const { cc, handler, registry, served } = setUp();
    await cc.register('mycc:1.0');
    await cc.next();
    await cc.next();
    const running = handler.execute(
      { txId: 'tx9', channelId: 'ch' },
      { name: 'mycc', version: '1.0' },
      newMessage(T.TRANSACTION, undefined, 'tx9', 'ch'),
      10_000,
    );
    assert.equal((await cc.next()).type, 'TRANSACTION');
    cc.stream.closeSend();
    await assert.rejects(
      running,
      (err: unknown) =>
        err instanceof ChaincodeError &&
        err.code === 'STREAM_ENDED' &&
        err.message === 'chaincode mycc:1.0 ended its stream before completing the transaction',
    );
    await served;
    assert.equal(registry.handler('mycc:1.0'), undefined);
  });

  test("a stream cut off by the container's exit fails the transaction in flight with the exit", async () => {
    let exited!: (err: Error) => void;
    const exit = new Promise<Error>((resolve) => (exited = resolve));
    const asked: string[] = [];
    const { cc, handler, served } = setUp({
      containerExit: (cname) => {
        asked.push(cname);
        return exit;
      },
    });
    await cc.register('mycc:1.0');
    await cc.next();
    await cc.next();
    const running = handler.execute(
      { txId: 'tx10', channelId: 'ch' },
      { name: 'mycc', version: '1.0' },
      newMessage(T.TRANSACTION, undefined, 'tx10', 'ch'),
      10_000,
    );
    assert.equal((await cc.next()).type, 'TRANSACTION');
    cc.stream.closeSend();
    setTimeout(() => exited(new ChaincodeError('CONTAINER_EXITED', 'container exited with 137 (killed by SIGKILL)')), 10);
    await assert.rejects(
      running,
      (err: unknown) =>
        err instanceof ChaincodeError &&
        err.code === 'STREAM_ENDED' &&
        err.message === 'chaincode mycc:1.0 ended its stream before completing the transaction: container exited with 137 (killed by SIGKILL)',
    );
    await served;
    assert.deepEqual(asked, ['mycc:1.0']);
  });

  test('COMPLETED for a transaction nobody waits for is dropped, and the stream goes on', async () => {
    const { cc, handler, lines } = setUp();
    await cc.register('mycc:1.0');
    await cc.next();
    await cc.next();
    await cc.send(T.COMPLETED, { txId: 'stray', channelId: 'ch' });
    const running = handler.execute(
      { txId: 'real', channelId: 'ch' },
      { name: 'mycc', version: '1.0' },
      newMessage(T.TRANSACTION, undefined, 'real', 'ch'),
      10_000,
    );
    assert.equal((await cc.next()).txId, 'real');
    await cc.send(T.COMPLETED, { txId: 'real', channelId: 'ch' });
    assert.equal((await running).getTxid(), 'real');
    assert.ok(lines.some((l) => l.endsWith('notifier Txid:stray, channelID:ch does not exist for handling message COMPLETED')));
  });
});
