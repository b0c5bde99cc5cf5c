import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { ChaincodeSupport } from '../../../src/chaincode/chaincode-support.js';
import type { Handler } from '../../../src/chaincode/handler.js';
import { HandlerRegistry } from '../../../src/chaincode/handler-registry.js';
import type { ChaincodeStream } from '../../../src/comm/chaincode-stream.js';
import { Logging } from '../../../src/common/logging/logging.js';
import { ChaincodeID, ChaincodeInput, MessageTypes } from '../../../src/common/protos/peer.js';
import { ContainerError, SysCCRegisteredError } from '../../../src/container/container-error.js';
import { INPROC_CONTAINER_TYPE, InprocRegistry, type ChaincodeStreamHandler } from '../../../src/container/inproc/inproc-registry.js';
import { VMController } from '../../../src/container/vm-controller.js';
import { StartContainerReq, StopContainerReq, WaitContainerReq } from '../../../src/container/vm-requests.js';
import { success, type Chaincode } from '../../../src/shim/chaincode.js';
import { startInProc } from '../../../src/shim/start-in-proc.js';

const CCID = { name: 'mycc', version: '1.0' };
const ENV = ['CORE_CHAINCODE_ID_NAME=mycc:1.0'];

const echo: Chaincode = {
  init: () => success(),
  invoke: (stub) => success(`echo ${stub.getStringArgs().join(' ')}`),
};

/** The in-process VM wired as the peer wires it: real shim, real VM controller, a chosen peer side. */
function setup(opts: { support?: 'real' | ChaincodeStreamHandler | 'none' } = {}) {
  const lines: string[] = [];
  const logging = new Logging({ sink: (l) => lines.push(l), now: () => new Date(0) });
  const shimLogger = logging.logger('shim');
  const registry = new InprocRegistry<Chaincode>({
    startInProc: (env, args, cc, recv, send) => startInProc(env, args, cc, recv, send, shimLogger),
    logger: logging.logger('inproccontroller'),
  });
  const vmc = new VMController({ vmProviders: new Map([[INPROC_CONTAINER_TYPE, registry]]), logger: logging.logger('container') });
  const handlers = new HandlerRegistry<Handler>({ allowUnsolicitedRegistration: true, logger: logging.logger('chaincode') });
  const unused = (): never => assert.fail('not used by these tests');
  const chaincodeSupport = new ChaincodeSupport({
    launcher: { launch: unused },
    runtime: { start: unused, stop: unused, wait: unused },
    handlerRegistry: handlers,
    executeTimeoutMs: 30_000,
    logger: logging.logger('chaincode'),
  });
  const support = opts.support ?? 'real';
  if (support === 'real') registry.attach(chaincodeSupport);
  else if (support !== 'none') registry.attach(support);

  const start = (env = ENV, ccid = CCID) => vmc.process(INPROC_CONTAINER_TYPE, new StartContainerReq(ccid, [], env));
  const stop = (ccid = CCID) => vmc.process(INPROC_CONTAINER_TYPE, new StopContainerReq(ccid));
  /** Issues a WaitContainerReq now; resolves with what `exited` was given. */
  const wait = (ccid = CCID) =>
    new Promise<{ code: number; err?: Error }>((resolve, reject) => {
      vmc
        .process(INPROC_CONTAINER_TYPE, new WaitContainerReq(ccid, (code, err) => resolve(err === undefined ? { code } : { code, err })))
        .catch(reject);
    });
  /** Call before start: resolves once the chaincode registered with the peer and is ready. */
  const expectRegistration = (cname = 'mycc:1.0') => {
    const { launchState } = handlers.launch(cname);
    return {
      registered: async () => {
        await launchState.done;
        assert.equal(launchState.err, undefined);
      },
    };
  };
  const invoke = async (txId: string, ...args: string[]) => {
    const input = new ChaincodeInput();
    input.setArgsList(args.map((a) => Buffer.from(a)));
    const result = await chaincodeSupport.execute({ txId, channelId: '' }, { name: 'mycc', version: '1.0' }, input);
    return { status: result.response.getStatus(), payload: Buffer.from(result.response.getPayload_asU8()).toString() };
  };
  const errorLines = () => lines.filter((l) => l.includes(' -> ERRO ')).map((l) => l.slice(l.indexOf('[')));
  return { registry, vmc, handlers, lines, errorLines, start, stop, wait, expectRegistration, invoke };
}

function isContainerError(code: string, message: string) {
  return (err: unknown): boolean => {
    assert.ok(err instanceof ContainerError, String(err));
    assert.equal(err.code, code);
    assert.equal(err.name, 'ContainerError');
    assert.equal(err.message, message);
    return true;
  };
}

describe('InprocRegistry: the type registry', () => {
  test('register makes a name known', () => {
    const { registry } = setup();
    assert.equal(registry.isRegistered('mycc'), false);
    registry.register(CCID, echo);
    assert.equal(registry.isRegistered('mycc'), true);
  });

  test('registering a name twice is SysCCRegisteredError', () => {
    const { registry } = setup();
    registry.register(CCID, echo);
    assert.throws(
      () => registry.register({ name: 'mycc', version: '2.0' }, echo),
      (err: unknown) => {
        assert.ok(err instanceof SysCCRegisteredError);
        assert.equal(err.code, 'SYSCC_REGISTERED');
        assert.equal(err.chaincodeName, 'mycc');
        assert.equal(err.message, 'mycc already registered');
        return true;
      },
    );
  });

  test('newVM gives a fresh VM each time', () => {
    const { registry } = setup();
    assert.notEqual(registry.newVM(), registry.newVM());
  });
});

describe('InprocRegistry: running system chaincode in process', () => {
  test('start runs the chaincode: it registers with the peer and answers invocations', async () => {
    const t = setup();
    t.registry.register(CCID, echo);
    const launch = t.expectRegistration();
    await t.start();
    await launch.registered();
    assert.equal(t.handlers.handler('mycc:1.0')?.chaincodeName, 'mycc:1.0');
    assert.deepEqual(await t.invoke('tx1', 'hello', 'world'), { status: 200, payload: 'echo hello world' });
    assert.deepEqual(await t.invoke('tx2', 'again'), { status: 200, payload: 'echo again' });
    await t.stop();
    assert.deepEqual(t.errorLines(), []);
  });

  test('starting an unregistered chaincode is NOT_REGISTERED', async () => {
    const t = setup();
    await assert.rejects(t.start(), isContainerError('NOT_REGISTERED', 'mycc not registered'));
    assert.equal(t.vmc.lockCount, 0);
  });

  test('starting without attached chaincode support is START_FAILED', async () => {
    const t = setup({ support: 'none' });
    t.registry.register(CCID, echo);
    await assert.rejects(
      t.start(),
      isContainerError('START_FAILED', 'in-process registry has no chaincode support attached'),
    );
  });

  test('starting a running chaincode again is ALREADY_RUNNING', async () => {
    const t = setup();
    t.registry.register(CCID, echo);
    const launch = t.expectRegistration();
    await t.start();
    await assert.rejects(t.start(), isContainerError('ALREADY_RUNNING', 'chaincode running mycc'));
    // The first instance is untouched.
    await launch.registered();
    assert.deepEqual(await t.invoke('tx1', 'still'), { status: 200, payload: 'echo still' });
    await t.stop();
  });

  test('stopping a chaincode that is not running is NOT_FOUND', async () => {
    const t = setup();
    t.registry.register(CCID, echo);
    await assert.rejects(t.stop(), isContainerError('NOT_FOUND', 'mycc-1.0 not found'));
  });

  test('waiting for a chaincode that is not running reports -1 with NOT_FOUND', async () => {
    const t = setup();
    const exited = await t.wait();
    assert.equal(exited.code, -1);
    isContainerError('NOT_FOUND', 'mycc-1.0 not found')(exited.err);
    assert.equal(t.vmc.lockCount, 0);
  });

  test('stop ends both sides; wait resolves with 0 and the handler is gone', async () => {
    const t = setup();
    t.registry.register(CCID, echo);
    const launch = t.expectRegistration();
    await t.start();
    await launch.registered();
    const exited = t.wait();
    await t.stop();
    assert.deepEqual(await exited, { code: 0 });
    assert.equal(t.handlers.handler('mycc:1.0'), undefined);
    await assert.rejects(t.stop(), { code: 'NOT_FOUND' });
    assert.deepEqual(t.errorLines(), []);
  });

  test('a stopped chaincode can be started again', async () => {
    const t = setup();
    t.registry.register(CCID, echo);
    const launch = t.expectRegistration();
    await t.start();
    await launch.registered();
    await t.stop();
    const relaunch = t.expectRegistration();
    await t.start();
    await relaunch.registered();
    assert.deepEqual(await t.invoke('tx9', 'back'), { status: 200, payload: 'echo back' });
    await t.stop();
  });

  test('two versions of one chaincode run side by side', async () => {
    const t = setup();
    t.registry.register(CCID, echo);
    const v2 = { name: 'mycc', version: '2.0' };
    const launch1 = t.expectRegistration('mycc:1.0');
    const launch2 = t.expectRegistration('mycc:2.0');
    await t.start();
    await t.start(['CORE_CHAINCODE_ID_NAME=mycc:2.0'], v2);
    await launch1.registered();
    await launch2.registered();
    await t.stop();
    await t.stop(v2);
  });

  test('a shim that fails is logged at ERROR, wait resolves 1, and the peer goes on', async () => {
    const t = setup();
    t.registry.register(CCID, echo);
    await t.start([]); // no CORE_CHAINCODE_ID_NAME: startInProc rejects
    const exited = await t.wait();
    assert.deepEqual(exited, { code: 1 });
    assert.deepEqual(t.errorLines(), [
      '[inproccontroller] func1 -> ERRO 001 chaincode ended with err: error chaincode id not provided (CORE_CHAINCODE_ID_NAME is not set)\n',
    ]);
    // The instance is gone and a good start works.
    const launch = t.expectRegistration();
    await t.start();
    await launch.registered();
    assert.deepEqual(await t.invoke('tx1', 'ok'), { status: 200, payload: 'echo ok' });
    await t.stop();
  });

  test('a chaincode support side that throws is logged at ERROR and wait resolves 1', async () => {
    let sawRegister = '';
    const failing: ChaincodeStreamHandler = {
      handleChaincodeStream: async (stream: ChaincodeStream) => {
        const msg = await stream.recv();
        assert.equal(msg.getType(), MessageTypes.REGISTER);
        sawRegister = ChaincodeID.deserializeBinary(msg.getPayload_asU8()).getName();
        throw new Error('support broke');
      },
    };
    const t = setup({ support: failing });
    t.registry.register(CCID, echo);
    const exitedAfterStart = (async () => {
      await t.start();
      return t.wait();
    })();
    assert.deepEqual(await exitedAfterStart, { code: 1 });
    assert.equal(sawRegister, 'mycc:1.0');
    assert.deepEqual(t.errorLines(), ['[inproccontroller] func2 -> ERRO 001 chaincode-support ended with err: support broke\n']);
  });

  test('when the peer side ends normally, the shim sees EOF and wait resolves 0', async () => {
    let released!: () => void;
    const gate = new Promise<void>((r) => (released = r));
    const quitting: ChaincodeStreamHandler = {
      handleChaincodeStream: async (stream: ChaincodeStream) => {
        await stream.recv(); // REGISTER
        await gate;
      },
    };
    const t = setup({ support: quitting });
    t.registry.register(CCID, echo);
    await t.start();
    const exited = t.wait();
    released();
    assert.deepEqual(await exited, { code: 0 });
    assert.deepEqual(t.errorLines(), []);
    // An ended instance can still be waited on; stopping it says it is not running, then it is gone.
    assert.deepEqual(await t.wait(), { code: 0 });
    await assert.rejects(t.stop(), { code: 'NOT_RUNNING' });
    await assert.rejects(t.stop(), { code: 'NOT_FOUND' });
  });
});
