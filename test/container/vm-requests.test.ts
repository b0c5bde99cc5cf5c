import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { Logging } from '../../src/common/logging/logging.js';
import { VMController } from '../../src/container/vm-controller.js';
import { StartContainerReq, StopContainerReq, WaitContainerReq } from '../../src/container/vm-requests.js';
import { FakeProvider, FakeVM, type VMCall } from './fake-vm.js';

const ccid = { name: 'mycc', version: '1.0' };

describe('StartContainerReq', () => {
  test('calls the VM\'s start with its ccid, args, env and files', async () => {
    const calls: VMCall[] = [];
    const files = new Map([['/etc/hyperledger/fabric/peer.crt', Uint8Array.from([1, 2])]]);
    await new StartContainerReq(ccid, ['chaincode', '-peer.address=x:7052'], ['CORE_CHAINCODE_ID_NAME=mycc:1.0'], files).do(new FakeVM(calls));
    assert.deepEqual(calls, [
      { op: 'start', ccid, args: ['chaincode', '-peer.address=x:7052'], env: ['CORE_CHAINCODE_ID_NAME=mycc:1.0'], files },
    ]);
  });

  test('uploads no files by default', async () => {
    const calls: VMCall[] = [];
    await new StartContainerReq(ccid, [], []).do(new FakeVM(calls));
    const call = calls[0];
    assert.equal(call?.op, 'start');
    assert.equal(call.files.size, 0);
  });

  test('passes a start failure on', async () => {
    const vm = new FakeVM([]);
    vm.startError = new Error('boom');
    await assert.rejects(new StartContainerReq(ccid, [], []).do(vm), /boom/);
  });
});

describe('StopContainerReq', () => {
  test('calls the VM\'s stop with Fabric\'s defaults: 10 s, kill, remove', async () => {
    const calls: VMCall[] = [];
    await new StopContainerReq(ccid).do(new FakeVM(calls));
    assert.deepEqual(calls, [{ op: 'stop', ccid, timeoutMs: 10_000, dontKill: false, dontRemove: false }]);
  });

  test('calls the VM\'s stop with its own fields', async () => {
    const calls: VMCall[] = [];
    await new StopContainerReq(ccid, 250, true, true).do(new FakeVM(calls));
    assert.deepEqual(calls, [{ op: 'stop', ccid, timeoutMs: 250, dontKill: true, dontRemove: true }]);
  });
});

describe('WaitContainerReq', () => {
  test('exited gets the exit code', async () => {
    const vm = new FakeVM([]);
    vm.waitResult = () => Promise.resolve(137);
    const got = await new Promise<[number, Error | undefined]>((resolve) => {
      void new WaitContainerReq(ccid, (code, err) => resolve([code, err])).do(vm);
    });
    assert.deepEqual(got, [137, undefined]);
    assert.deepEqual(vm.calls, [{ op: 'wait', ccid }]);
  });

  test("exited also gets the VM's account of the exit when it gives one", async () => {
    const vm = Object.assign(new FakeVM([]), { exitReason: () => Promise.resolve('137 (killed by SIGKILL)') });
    vm.waitResult = () => Promise.resolve(137);
    const got = await new Promise<unknown[]>((resolve) => {
      void new WaitContainerReq(ccid, (...args) => resolve(args)).do(vm);
    });
    assert.deepEqual(got, [137, undefined, '137 (killed by SIGKILL)']);
  });

  test('exited gets -1 and the error when the wait fails', async () => {
    const vm = new FakeVM([]);
    const failure = new Error('container vanished');
    vm.waitResult = () => Promise.reject(failure);
    const got = await new Promise<[number, Error | undefined]>((resolve) => {
      void new WaitContainerReq(ccid, (code, err) => resolve([code, err])).do(vm);
    });
    assert.equal(got[0], -1);
    assert.equal(got[1], failure);
  });

  test('a thrown non-Error becomes an Error carrying its text', async () => {
    const vm = new FakeVM([]);
    // A non-Error reason is what this test is about.
    // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors
    vm.waitResult = () => Promise.reject('socket hang up');
    const got = await new Promise<[number, Error | undefined]>((resolve) => {
      void new WaitContainerReq(ccid, (code, err) => resolve([code, err])).do(vm);
    });
    assert.equal(got[0], -1);
    assert.ok(got[1] instanceof Error);
    assert.equal(got[1].message, 'socket hang up');
  });

  test('does not hold the container lock while waiting: a stop can run meanwhile', async () => {
    const provider = new FakeProvider();
    const logging = new Logging({ sink: () => undefined });
    const vmc = new VMController({ vmProviders: new Map([['SYSTEM', provider]]), logger: logging.logger('container') });
    let exit!: (code: number) => void;
    const exitedWith = new Promise<number>((resolve) => {
      const origNewVM = provider.newVM.bind(provider);
      provider.newVM = () => {
        const vm = origNewVM();
        vm.waitResult = () => new Promise<number>((r) => (exit = r));
        return vm;
      };
      void vmc.process('SYSTEM', new WaitContainerReq(ccid, (code) => resolve(code)));
    });
    await vmc.process('SYSTEM', new StopContainerReq(ccid));
    assert.deepEqual(provider.calls.map((c) => c.op), ['wait', 'stop']);
    assert.equal(vmc.lockCount, 0);
    exit(0);
    assert.equal(await exitedWith, 0);
  });
});
