import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  ContainerRuntime,
  TLS_CLIENT_CERT_PATH,
  TLS_CLIENT_KEY_PATH,
  TLS_CLIENT_ROOT_CERT_PATH,
} from '../../src/chaincode/container-runtime.js';
import type { VMCReq } from '../../src/container/vm-requests.js';
import { StartContainerReq, StopContainerReq } from '../../src/container/vm-requests.js';
import { captureLogging } from '../helpers/capture-logging.js';

function runtimeWith(opts: { tls?: boolean } = {}) {
  const { logging, lines } = captureLogging('info:chaincode=debug');
  const requests: Array<{ type: string; req: VMCReq }> = [];
  const runtime = new ContainerRuntime({
    processor: {
      async process(type, req) {
        requests.push({ type, req });
      },
    },
    peerAddress: () => 'peer0:7052',
    commonEnv: ['CORE_CHAINCODE_LOGGING_LEVEL=info'],
    certGenerator: opts.tls
      ? { generate: async (cname) => ({ key: `key-of-${cname}`, cert: `cert-of-${cname}` }), rootCert: Buffer.from('root-ca') }
      : undefined,
    logger: logging.logger('chaincode'),
  });
  return { runtime, requests, lines };
}

describe('ContainerRuntime', () => {
  test('the launch config names the chaincode and the peer address, without TLS', async () => {
    const { runtime } = runtimeWith();
    const lc = await runtime.launchConfig('mycc:1.0', 'GOLANG');
    assert.deepEqual(lc.args, ['chaincode', '-peer.address=peer0:7052']);
    assert.deepEqual(lc.envs, ['CORE_CHAINCODE_LOGGING_LEVEL=info', 'CORE_CHAINCODE_ID_NAME=mycc:1.0', 'CORE_PEER_TLS_ENABLED=false']);
    assert.equal(lc.files.size, 0);
    assert.deepEqual((await runtime.launchConfig('n:1', 'NODE')).args, ['/bin/sh', '-c', 'cd /usr/local/src; npm start -- --peer.address peer0:7052']);
  });

  test('with TLS on, the key, certificate and root certificate are handed over as files with their paths in env', async () => {
    const { runtime } = runtimeWith({ tls: true });
    const lc = await runtime.launchConfig('mycc:1.0', 'GOLANG');
    assert.equal(Buffer.from(lc.files.get(TLS_CLIENT_KEY_PATH) ?? []).toString(), 'key-of-mycc:1.0');
    assert.equal(Buffer.from(lc.files.get(TLS_CLIENT_CERT_PATH) ?? []).toString(), 'cert-of-mycc:1.0');
    assert.equal(Buffer.from(lc.files.get(TLS_CLIENT_ROOT_CERT_PATH) ?? []).toString(), 'root-ca');
    assert.deepEqual(lc.envs.slice(2), [
      'CORE_PEER_TLS_ENABLED=true',
      'CORE_TLS_CLIENT_KEY_PATH=/etc/hyperledger/fabric/client.key',
      'CORE_TLS_CLIENT_CERT_PATH=/etc/hyperledger/fabric/client.crt',
      'CORE_PEER_TLS_ROOTCERT_FILE=/etc/hyperledger/fabric/peer.crt',
    ]);
  });

  test('start sends a StartContainerReq to the chaincode\'s container type and logs the launch config at debug', async () => {
    const { runtime, requests, lines } = runtimeWith();
    await runtime.start({ name: 'mycc', version: '1.0', path: '', type: 'GOLANG', containerType: 'SYSTEM' });
    await runtime.stop({ name: 'mycc', version: '1.0', path: '', type: 'GOLANG', containerType: 'SYSTEM' });
    assert.equal(requests[0]?.type, 'SYSTEM');
    const start = requests[0].req;
    assert.ok(start instanceof StartContainerReq);
    assert.deepEqual(start.ccid, { name: 'mycc', version: '1.0' });
    assert.ok(start.env.includes('CORE_CHAINCODE_ID_NAME=mycc:1.0'));
    assert.ok(requests[1]?.req instanceof StopContainerReq);
    const text = lines.map((l) => l.replace(/^.*? -> DEBU [0-9a-f]+ /, ''));
    assert.match(text[0] ?? '', /^launchConfig: executable:"chaincode",Args:\[chaincode,-peer.address=peer0:7052\],Envs:\[.*CORE_CHAINCODE_ID_NAME=mycc:1.0.*\],Files:\[\]$/);
    assert.equal(text[1], 'start container: mycc:1.0');
    assert.equal(text[2], 'start container with args: chaincode -peer.address=peer0:7052');
    assert.match(text[3] ?? '', /^start container with env:\n\tCORE_CHAINCODE_LOGGING_LEVEL=info\n\tCORE_CHAINCODE_ID_NAME=mycc:1.0/);
  });
});
