import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { INPROC_CONTAINER_TYPE } from '../../src/container/inproc/inproc-registry.js';
import { SccError } from '../../src/scc/scc-error.js';
import { SccProvider } from '../../src/scc/scc-provider.js';
import type { SystemChaincode } from '../../src/scc/system-chaincode.js';
import { isWhitelisted } from '../../src/scc/whitelist.js';
import { error, success, type Chaincode } from '../../src/shim/chaincode.js';
import { captureLogging } from '../helpers/capture-logging.js';
import { input, testStack } from '../helpers/stack.js';
import { testLedger } from '../helpers/test-ledger.js';

function scc(name: string, chaincode: Chaincode, over: Partial<SystemChaincode> = {}): SystemChaincode {
  return { name, path: `test/scc/${name}`, initArgs: [], chaincode, invokableExternal: true, invokableCC2CC: true, enabled: true, ...over };
}

const counting = () => {
  const inits: string[] = [];
  const chaincode: Chaincode = {
    init: (stub) => {
      inits.push(`${stub.getChannelID()}:${stub.getStringArgs().join(',')}`);
      return success();
    },
    invoke: (stub) => success(stub.getChannelID()),
  };
  return { inits, chaincode };
};

async function setUp(whitelist: Record<string, string> = { alpha: 'enable', beta: 'enable', gamma: 'enable' }) {
  const stack = testStack();
  const ledgers = new Map<string, Awaited<ReturnType<typeof testLedger>>['ledger']>();
  const provider = new SccProvider({
    registrar: stack.inprocRegistry,
    chaincodeProvider: stack.chaincodeSupport,
    ledgers: { getLedger: (id) => ledgers.get(id) },
    whitelist,
    version: '9.9',
    containerType: INPROC_CONTAINER_TYPE,
    logger: captureLogging().logging.logger('sccapi'),
  });
  return { stack, provider, ledgers };
}

describe('isWhitelisted', () => {
  test("accepts Fabric's spellings of enable, case-insensitively; anything else or unlisted is off", () => {
    const system = { a: 'enable', b: 'TRUE', c: 'Yes', d: 'disable', e: 'false', f: 'no', g: ' enable ' };
    assert.deepEqual(
      ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'missing'].map((n) => isWhitelisted(system, n)),
      [true, true, true, false, false, false, true, false],
    );
  });
});

describe('SccProvider', () => {
  test('registers enabled SCCs with the in-process VM and skips disabled or unlisted ones', async () => {
    const { provider, stack } = await setUp({ alpha: 'enable', beta: 'disable' });
    assert.equal(provider.registerSysCC(scc('alpha', counting().chaincode)), true);
    assert.equal(provider.registerSysCC(scc('beta', counting().chaincode)), false);
    assert.equal(provider.registerSysCC(scc('gamma', counting().chaincode)), false);
    assert.equal(provider.registerSysCC(scc('delta', counting().chaincode, { enabled: false })), false);
    assert.equal(stack.inprocRegistry.isRegistered('alpha'), true);
    assert.equal(stack.inprocRegistry.isRegistered('beta'), false);
    assert.equal(stack.inprocRegistry.isRegistered('gamma'), false);
    assert.deepEqual(provider.registered.map((s) => s.name), ['alpha', 'beta', 'gamma', 'delta']);
  });

  test('registering the same SCC twice is harmless; two SCCs with one name is an error naming both', async () => {
    const { provider } = await setUp();
    const alpha = scc('alpha', counting().chaincode);
    provider.registerSysCC(alpha);
    assert.equal(provider.registerSysCC(alpha), true);
    assert.equal(provider.registered.length, 1);
    assert.throws(
      () => provider.registerSysCC(scc('alpha', counting().chaincode, { path: '/plugins/evil.js' })),
      (err: unknown) =>
        err instanceof SccError &&
        err.code === 'NAME_CONFLICT' &&
        err.message ===
          'system chaincode alpha (/plugins/evil.js) conflicts with system chaincode alpha (test/scc/alpha): two system chaincodes cannot share a name',
    );
  });

  test('deploys every enabled SCC on the system channel and on a channel, running Init with its init args each time', async () => {
    const { provider, ledgers } = await setUp();
    const a = counting();
    const b = counting();
    provider.registerSysCC(scc('alpha', a.chaincode, { initArgs: [Buffer.from('x'), Buffer.from('y')] }));
    provider.registerSysCC(scc('beta', b.chaincode));
    provider.registerSysCC(scc('off', counting().chaincode));
    await provider.deploySysCCs('');
    const { ledger } = await testLedger('chan1');
    ledgers.set('chan1', ledger);
    await provider.deploySysCCs('chan1');
    assert.deepEqual(a.inits, [':x,y', 'chan1:x,y']);
    assert.deepEqual(b.inits, [':', 'chan1:']);
  });

  test('deploying on a channel without a ledger is an error naming the SCC and the channel', async () => {
    const { provider } = await setUp();
    const alpha = scc('alpha', counting().chaincode);
    provider.registerSysCC(alpha);
    await assert.rejects(
      provider.deploySysCC('nochannel', alpha),
      (err: unknown) =>
        err instanceof SccError && err.code === 'NO_LEDGER' && err.message === 'syschain alpha start up failure - unexpected nil ledger for channel nochannel',
    );
  });

  test('an SCC whose Init fails is reported as failed with the reason, not as deployed', async () => {
    const { provider } = await setUp();
    const bad = scc('alpha', { init: () => error('missing config'), invoke: () => success() });
    provider.registerSysCC(bad);
    await assert.rejects(
      provider.deploySysCCs(''),
      (err: unknown) =>
        err instanceof SccError && err.code === 'DEPLOY_FAILED' && err.message === "system chaincode alpha failed to deploy on channel '': missing config",
    );
    const throwing = scc('beta', {
      init: () => {
        throw new Error('kaboom');
      },
      invoke: () => success(),
    });
    provider.registerSysCC(throwing);
    await assert.rejects(provider.deploySysCC('', throwing), /system chaincode beta failed to deploy on channel '': .*kaboom/);
  });

  test('answers which names are SCCs and how they may be invoked', async () => {
    const { provider } = await setUp();
    provider.registerSysCC(scc('alpha', counting().chaincode, { invokableExternal: false, invokableCC2CC: true }));
    provider.registerSysCC(scc('beta', counting().chaincode, { invokableExternal: true, invokableCC2CC: false }));
    assert.equal(provider.isSysCC('alpha'), true);
    assert.equal(provider.isSysCC('mycc'), false);
    assert.equal(provider.isSysCCAndNotInvokableExternal('alpha'), true);
    assert.equal(provider.isSysCCAndNotInvokableExternal('beta'), false);
    assert.equal(provider.isSysCCAndNotInvokableCC2CC('beta'), true);
    assert.equal(provider.isSysCCAndNotInvokableCC2CC('alpha'), false);
    assert.equal(provider.isSysCCAndNotInvokableExternal('mycc'), false);
  });

  test('tells why chaincode may not make a call: an SCC not invokable cc2cc, or a function its SCC refuses to chaincode', async () => {
    const { provider } = await setUp({ alpha: 'enable', beta: 'enable', gamma: 'enable' });
    provider.registerSysCC(scc('beta', counting().chaincode, { invokableCC2CC: false }));
    const refuseWrites = (args: readonly Uint8Array[], caller: string) => (Buffer.from(args[0] ?? []).toString() === 'write' ? `${caller} may not write` : undefined);
    provider.registerSysCC(scc('gamma', counting().chaincode, { refuseCC2CC: refuseWrites }));
    assert.equal(provider.cc2ccRefusal('beta', [], 'mycc'), 'system chaincode beta cannot be invoked with a cc2cc invocation');
    assert.equal(provider.cc2ccRefusal('gamma', [Buffer.from('write')], 'mycc'), 'mycc may not write');
    assert.equal(provider.cc2ccRefusal('gamma', [Buffer.from('read')], 'mycc'), undefined);
    assert.equal(provider.cc2ccRefusal('mycc', [Buffer.from('write')], 'othercc'), undefined);
  });

  test('deDeploySysCC stops the SCC; deploying again starts it again', async () => {
    const { provider, stack } = await setUp();
    const a = counting();
    const alpha = scc('alpha', a.chaincode);
    provider.registerSysCC(alpha);
    await provider.deploySysCCs('');
    await provider.deDeploySysCC(alpha);
    for (let i = 0; i < 50 && stack.handlerRegistry.handler('alpha:9.9') !== undefined; i++) await new Promise((r) => setTimeout(r, 5));
    assert.equal(stack.handlerRegistry.handler('alpha:9.9'), undefined);
    await provider.deploySysCCs('');
    assert.equal(a.inits.length, 2);
    const resp = await stack.chaincodeSupport.execute({ txId: 'q', channelId: '' }, { name: 'alpha', version: '9.9' }, input('x'));
    assert.equal(resp.response.getStatus(), 200);
  });
});
