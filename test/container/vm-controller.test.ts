import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { setImmediate as tick } from 'node:timers/promises';
import { Logging } from '../../src/common/logging/logging.js';
import type { CCID } from '../../src/container/ccintf.js';
import { ContainerError } from '../../src/container/container-error.js';
import { VMController } from '../../src/container/vm-controller.js';
import { StartContainerReq, type VMCReq } from '../../src/container/vm-requests.js';
import type { VM, VMProvider } from '../../src/container/vm.js';
import { FakeProvider } from './fake-vm.js';

function controller(providers: Record<string, VMProvider>, spec = 'info'): { vmc: VMController; lines: string[] } {
  const lines: string[] = [];
  const logging = new Logging({ spec, sink: (l) => lines.push(l), now: () => new Date(0) });
  return { vmc: new VMController({ vmProviders: new Map(Object.entries(providers)), logger: logging.logger('container') }), lines };
}

/** A request whose do() holds until released, recording when it starts and ends. */
class GatedReq implements VMCReq {
  started = false;
  finished = false;
  vm: VM | undefined;
  private open!: () => void;
  private readonly gate = new Promise<void>((r) => (this.open = r));

  constructor(
    readonly ccid: CCID,
    private readonly log: string[] = [],
    private readonly label = '',
    private readonly failure?: Error,
  ) {}

  async do(vm: VM): Promise<void> {
    this.vm = vm;
    this.started = true;
    this.log.push(`start ${this.label}`);
    await this.gate;
    this.finished = true;
    this.log.push(`end ${this.label}`);
    if (this.failure !== undefined) throw this.failure;
  }

  release(): void {
    this.open();
  }
}

describe('VMController.process', () => {
  test('routes a request to a new VM of its container type\'s provider', async () => {
    const system = new FakeProvider();
    const docker = new FakeProvider();
    const { vmc } = controller({ SYSTEM: system, DOCKER: docker });
    await vmc.process('DOCKER', new StartContainerReq({ name: 'mycc', version: '1.0' }, ['chaincode'], ['A=1']));
    assert.equal(system.vms.length, 0);
    assert.equal(docker.vms.length, 1);
    assert.deepEqual(docker.calls.map((c) => c.op), ['start']);
    await vmc.process('SYSTEM', new StartContainerReq({ name: 'lscc', version: '1.4.3' }, [], []));
    assert.deepEqual(system.calls.map((c) => [c.op, c.ccid.name]), [['start', 'lscc']]);
  });

  test('an unknown container type is UNKNOWN_VM_TYPE naming the type, and nothing runs', async () => {
    const system = new FakeProvider();
    const { vmc } = controller({ SYSTEM: system, DOCKER: new FakeProvider() });
    const req = new GatedReq({ name: 'mycc', version: '1.0' });
    await assert.rejects(vmc.process('KUBERNETES', req), (err: unknown) => {
      assert.ok(err instanceof ContainerError);
      assert.equal(err.code, 'UNKNOWN_VM_TYPE');
      assert.equal(err.name, 'ContainerError');
      assert.match(err.message, /unknown VM type KUBERNETES/);
      assert.match(err.message, /SYSTEM, DOCKER/);
      return true;
    });
    assert.equal(req.started, false);
    assert.equal(vmc.lockCount, 0);
  });

  test('requests for the same container run one at a time, in arrival order', async () => {
    const { vmc } = controller({ SYSTEM: new FakeProvider() });
    const log: string[] = [];
    const ccid = { name: 'mycc', version: '1.0' };
    const first = new GatedReq(ccid, log, 'first');
    const second = new GatedReq(ccid, log, 'second');
    const third = new GatedReq(ccid, log, 'third');
    const p1 = vmc.process('SYSTEM', first);
    const p2 = vmc.process('SYSTEM', second);
    const p3 = vmc.process('SYSTEM', third);
    await tick();
    assert.equal(first.started, true);
    assert.equal(second.started, false);
    assert.equal(vmc.lockCount, 1);
    // Releasing a later one early changes nothing: it has not started.
    third.release();
    await tick();
    assert.equal(third.started, false);
    first.release();
    await p1;
    await tick();
    assert.equal(second.started, true);
    assert.equal(third.started, false);
    second.release();
    await Promise.all([p2, p3]);
    assert.deepEqual(log, ['start first', 'end first', 'start second', 'end second', 'start third', 'end third']);
    assert.equal(vmc.lockCount, 0);
  });

  test('requests for different containers run at the same time', async () => {
    const { vmc } = controller({ SYSTEM: new FakeProvider() });
    const a = new GatedReq({ name: 'a', version: '1' });
    const b = new GatedReq({ name: 'b', version: '1' });
    const otherVersion = new GatedReq({ name: 'a', version: '2' });
    const all = [vmc.process('SYSTEM', a), vmc.process('SYSTEM', b), vmc.process('SYSTEM', otherVersion)];
    await tick();
    assert.equal(a.started && b.started && otherVersion.started, true);
    assert.equal(vmc.lockCount, 3);
    for (const r of [a, b, otherVersion]) r.release();
    await Promise.all(all);
    assert.equal(vmc.lockCount, 0);
  });

  test('the lock is by container name: a-1 with no version and a at version 1 share one', async () => {
    const { vmc } = controller({ SYSTEM: new FakeProvider() });
    const x = new GatedReq({ name: 'a-1', version: '' });
    const y = new GatedReq({ name: 'a', version: '1' });
    const px = vmc.process('SYSTEM', x);
    const py = vmc.process('SYSTEM', y);
    await tick();
    assert.equal(y.started, false);
    x.release();
    y.release();
    await Promise.all([px, py]);
  });

  test('a request whose do() throws passes the error to its caller and frees the lock', async () => {
    const { vmc } = controller({ SYSTEM: new FakeProvider() });
    const ccid = { name: 'mycc', version: '1.0' };
    const boom = new Error('docker said no');
    const failing = new GatedReq(ccid, [], 'fail', boom);
    const next = new GatedReq(ccid);
    const pf = vmc.process('SYSTEM', failing);
    const pn = vmc.process('SYSTEM', next);
    failing.release();
    await assert.rejects(pf, (err) => err === boom);
    await tick();
    assert.equal(next.started, true);
    next.release();
    await pn;
    assert.equal(vmc.lockCount, 0);
  });

  test('a rejected StartContainerReq reaches the caller and leaves no lock', async () => {
    const provider: VMProvider = {
      newVM: () => {
        const vm = new FakeProvider().newVM();
        vm.startError = new Error('no such image');
        return vm;
      },
    };
    const { vmc } = controller({ DOCKER: provider });
    await assert.rejects(vmc.process('DOCKER', new StartContainerReq({ name: 'x', version: '1' }, [], [])), /no such image/);
    assert.equal(vmc.lockCount, 0);
  });

  test('each request gets a fresh VM from the provider', async () => {
    const provider = new FakeProvider();
    const { vmc } = controller({ SYSTEM: provider });
    const a = new GatedReq({ name: 'a', version: '1' });
    const b = new GatedReq({ name: 'a', version: '1' });
    a.release();
    b.release();
    await vmc.process('SYSTEM', a);
    await vmc.process('SYSTEM', b);
    assert.equal(provider.vms.length, 2);
    assert.equal(a.vm, provider.vms[0]);
    assert.equal(b.vm, provider.vms[1]);
  });

  test('logs the lock steps at debug as Fabric does', async () => {
    const { vmc, lines } = controller({ SYSTEM: new FakeProvider() }, 'container=debug');
    await vmc.process('SYSTEM', new StartContainerReq({ name: 'lscc', version: '1.4.3' }, [], []));
    assert.deepEqual(
      lines.map((l) => l.slice(l.indexOf('['))),
      [
        '[container] lockContainer -> DEBU 001 waiting for container(lscc-1.4.3) lock\n',
        '[container] lockContainer -> DEBU 002 got container (lscc-1.4.3) lock\n',
        '[container] unlockContainer -> DEBU 003 container lock deleted(lscc-1.4.3)\n',
      ],
    );
  });

  test('logs nothing at info', async () => {
    const { vmc, lines } = controller({ SYSTEM: new FakeProvider() });
    await vmc.process('SYSTEM', new StartContainerReq({ name: 'lscc', version: '1.4.3' }, [], []));
    assert.deepEqual(lines, []);
  });
});
