import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ChaincodeError } from '../../src/chaincode/chaincode-error.js';
import type { ChaincodeContainerInfo } from '../../src/chaincode/chaincode-context.js';
import { HandlerRegistry } from '../../src/chaincode/handler-registry.js';
import { RuntimeLauncher, type ContainerExit, type Runtime } from '../../src/chaincode/runtime-launcher.js';
import { captureLogging } from '../helpers/capture-logging.js';

const ccci: ChaincodeContainerInfo = { name: 'mycc', version: '1.0', path: 'p', type: 'NODE', containerType: 'FAKE' };

/** A runtime whose behaviour each test scripts; counts what the launcher asked of it. */
class ScriptedRuntime implements Runtime {
  starts = 0;
  stops = 0;
  constructor(
    private readonly onStart: () => Promise<void>,
    private readonly onWait: () => Promise<number> = () => new Promise(() => undefined),
  ) {}
  async start(): Promise<void> {
    this.starts++;
    await this.onStart();
  }
  async stop(): Promise<void> {
    this.stops++;
  }
  async wait(): Promise<ContainerExit> {
    return { code: await this.onWait() };
  }
}

function setUp(runtime: Runtime, startupTimeoutMs = 2000) {
  const { logging } = captureLogging();
  const registry = new HandlerRegistry({ allowUnsolicitedRegistration: false, logger: logging.logger('chaincode') });
  const launcher = new RuntimeLauncher({ runtime, registry, startupTimeoutMs, logger: logging.logger('chaincode') });
  return { registry, launcher };
}

function launchError(pattern: RegExp) {
  return (err: unknown) => err instanceof ChaincodeError && err.code === 'LAUNCH_FAILED' && pattern.test(err.message);
}

describe('RuntimeLauncher', () => {
  test('resolves once the chaincode registers; concurrent launches start one container', async () => {
    let registry: HandlerRegistry | undefined = undefined;
    const runtime = new ScriptedRuntime(async () => {
      setTimeout(() => registry?.ready('mycc:1.0'), 10);
    });
    const s = setUp(runtime);
    registry = s.registry;
    await Promise.all([s.launcher.launch(ccci), s.launcher.launch(ccci), s.launcher.launch(ccci)]);
    assert.equal(runtime.starts, 1);
    assert.equal(runtime.stops, 0);
  });

  test('a container that fails to start fails the launch with the cause, and is stopped and forgotten', async () => {
    const runtime = new ScriptedRuntime(async () => {
      throw new Error('image missing');
    });
    const { launcher, registry } = setUp(runtime);
    await assert.rejects(launcher.launch(ccci), launchError(/^could not launch chaincode mycc:1.0: error starting container: image missing$/));
    assert.equal(runtime.stops, 1);
    assert.equal(registry.launch('mycc:1.0').alreadyStarted, false, 'the failed launch is forgotten');
  });

  test('a container that exits before registering fails the launch with its exit code', async () => {
    const runtime = new ScriptedRuntime(async () => undefined, async () => 3);
    const { launcher } = setUp(runtime);
    await assert.rejects(
      launcher.launch(ccci),
      launchError(/^could not launch chaincode mycc:1.0: chaincode registration failed: container exited with 3$/),
    );
  });

  test("the exit error quotes the container's account of the exit; containerExit settles with it", async () => {
    const runtime = new ScriptedRuntime(async () => undefined);
    runtime.wait = async () => ({ code: 1, reason: '1; last output:\n  Error: Cannot find module' });
    const { launcher } = setUp(runtime);
    assert.equal(launcher.containerExit('mycc:1.0'), undefined, 'nothing started yet');
    await assert.rejects(
      launcher.launch(ccci),
      launchError(/^could not launch chaincode mycc:1.0: chaincode registration failed: container exited with 1; last output:\n {2}Error: Cannot find module$/),
    );
    const exit = await launcher.containerExit('mycc:1.0');
    assert.ok(exit instanceof ChaincodeError);
    assert.equal(exit.code, 'CONTAINER_EXITED');
  });

  test('a chaincode that never registers fails after the startup timeout', async () => {
    const runtime = new ScriptedRuntime(async () => undefined);
    const { launcher } = setUp(runtime, 50);
    await assert.rejects(
      launcher.launch(ccci),
      (err: unknown) =>
        err instanceof ChaincodeError && /timeout expired while starting chaincode mycc:1.0 for transaction/.test(err.message),
    );
    assert.equal(runtime.stops, 1);
  });

  test('a registration the handler reports as failed fails every launch waiting on it', async () => {
    let registry: HandlerRegistry | undefined = undefined;
    const runtime = new ScriptedRuntime(async () => {
      setTimeout(() => registry?.failed('mycc:1.0', new Error('stream broke')), 5);
    });
    const s = setUp(runtime);
    registry = s.registry;
    const results = await Promise.allSettled([s.launcher.launch(ccci), s.launcher.launch(ccci)]);
    for (const r of results) {
      assert.equal(r.status, 'rejected');
      assert.match(String(r.reason), /chaincode registration failed: stream broke/);
    }
  });
});
