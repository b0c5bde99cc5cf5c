import { MessageTypes, ChaincodeInput } from '../../src/common/protos/peer.js';
import type { ChaincodeContainerInfo } from '../../src/chaincode/chaincode-context.js';
import { INPROC_CONTAINER_TYPE } from '../../src/container/inproc/inproc-registry.js';
import { createChaincodeStack, type ChaincodeStack } from '../../src/peer/chaincode-stack.js';
import type { Chaincode } from '../../src/shim/chaincode.js';
import { captureLogging } from './capture-logging.js';

export { MessageTypes };

export interface TestStack extends ChaincodeStack {
  lines: string[];
  /** Registers a chaincode in the in-process VM and returns how to launch it. */
  add(name: string, chaincode: Chaincode): ChaincodeContainerInfo;
}

/** The real chaincode machinery (support, launcher, VM controller, in-process VM, shim). */
export function testStack(opts: { executeTimeoutMs?: number; startupTimeoutMs?: number; spec?: string; dev?: boolean } = {}): TestStack {
  const { logging, lines } = captureLogging(opts.spec ?? 'info');
  const stack = createChaincodeStack({
    chaincode: {
      startupTimeoutMs: opts.startupTimeoutMs ?? 5000,
      executeTimeoutMs: opts.executeTimeoutMs ?? 5000,
      mode: opts.dev === true ? 'dev' : 'net',
      logging: { level: 'info', shim: 'warning', format: '%{message}' },
    },
    peerAddress: () => '127.0.0.1:7052',
    logging,
  });
  return {
    ...stack,
    lines,
    add(name, chaincode) {
      stack.inprocRegistry.register({ name, version: '1.0' }, chaincode);
      return { name, version: '1.0', path: `test/${name}`, type: 'GOLANG', containerType: INPROC_CONTAINER_TYPE };
    },
  };
}

export function input(...args: string[]): InstanceType<typeof ChaincodeInput> {
  const i = new ChaincodeInput();
  i.setArgsList(args.map((a) => Buffer.from(a)));
  return i;
}
