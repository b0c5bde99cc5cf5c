import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { chaincodeIdPayload, rawNamePayload, registerAs } from '../helpers/raw-register.js';
import { messageOf, startPeerProcess, type WeftProcess } from '../helpers/weft-process.js';

const NAME_RULE = 'names match ^[a-zA-Z0-9]+([-_][a-zA-Z0-9]+)*$, versions ^[A-Za-z0-9_.+-]+$';

/** The peer's log lines about refused REGISTERs, message part only. */
const refusals = (peer: WeftProcess): string[] => peer.lines.filter((l) => / ERRO /.test(l) && l.includes('refused REGISTER')).map(messageOf);

for (const mode of ['dev', 'net'] as const) {
  describe(`who may register as a chaincode (${mode} mode)`, () => {
    let peer: WeftProcess;
    let address: string;

    before(async () => {
      // Net mode with a plaintext chaincode listener (chaincode.launchTls off): the name checks themselves, reachable without a certificate.
      ({ peer, chaincodeAddress: address } = await startPeerProcess(mode === 'dev' ? ['--peer-chaincodedev'] : [], mode === 'dev' ? {} : { CORE_CHAINCODE_LAUNCHTLS: 'false' }));
    });

    after(async () => {
      await peer.stop();
    });

    test("a system chaincode's name is refused, with one log line each", async () => {
      for (const name of ['lscc:1.0', 'cscc:0.1.0', 'qscc:2', '_lifecycle:1.0']) {
        const system = name.slice(0, name.indexOf(':'));
        assert.deepEqual(await registerAs(address, chaincodeIdPayload(name)), [`ERROR refused REGISTER of ${name}: ${system} is the name of a system chaincode`]);
      }
      // The log line may come a moment after the chaincode's ERROR.
      await peer.waitFor(/refused REGISTER of _lifecycle:1\.0/);
      assert.deepEqual(refusals(peer), [
        'refused REGISTER of lscc:1.0: lscc is the name of a system chaincode',
        'refused REGISTER of cscc:0.1.0: cscc is the name of a system chaincode',
        'refused REGISTER of qscc:2: qscc is the name of a system chaincode',
        'refused REGISTER of _lifecycle:1.0: _lifecycle is the name of a system chaincode',
      ]);
    });

    test('a name with a NUL, a bad version, invalid UTF-8, or 1 MiB long is refused, and logged in one short line', async () => {
      const earlier = refusals(peer).length;
      assert.deepEqual(await registerAs(address, chaincodeIdPayload('bad\0name:1.0')), [`ERROR refused REGISTER of "bad\\u0000name:1.0": invalid chaincode name: ${NAME_RULE}`]);
      assert.deepEqual(await registerAs(address, chaincodeIdPayload('mycc:1.0 ')), [`ERROR refused REGISTER of "mycc:1.0 ": invalid chaincode version: ${NAME_RULE}`]);
      assert.deepEqual(await registerAs(address, rawNamePayload(Buffer.from([0x6d, 0xff, 0xfe, 0x3a, 0x31]))), ['ERROR refused REGISTER: the chaincode name is not valid UTF-8']);
      const huge = 'a'.repeat(1024 * 1024);
      assert.deepEqual(await registerAs(address, chaincodeIdPayload(huge)), ['ERROR refused REGISTER: the chaincode name is 1048576 bytes long, more than 255']);
      await peer.waitFor(/refused REGISTER: the chaincode name is 1048576 bytes long/);
      assert.deepEqual(refusals(peer).slice(earlier), [
        `refused REGISTER of "bad\\u0000name:1.0": invalid chaincode name: ${NAME_RULE}`,
        `refused REGISTER of "mycc:1.0 ": invalid chaincode version: ${NAME_RULE}`,
        'refused REGISTER: the chaincode name is not valid UTF-8',
        'refused REGISTER: the chaincode name is 1048576 bytes long, more than 255',
      ]);
      assert.ok(peer.lines.every((l) => l.length < 1000), 'no log line quotes the huge name');
      assert.ok(!peer.lines.some((l) => l.includes('\0')), 'no log line holds a NUL');
    });

    if (mode === 'dev') {
      test('a valid name still registers afterwards (dev mode accepts chaincodes started by hand)', async () => {
        assert.deepEqual(await registerAs(address, chaincodeIdPayload('good_cc-1:1.0+x')), ['REGISTERED', 'READY']);
      });
    } else {
      test('a valid name the peer is not launching is refused as before', async () => {
        assert.deepEqual(await registerAs(address, chaincodeIdPayload('outsider:1.0')), ['ERROR peer will not accept external chaincode connection outsider:1.0 (except in dev mode)']);
      });
    }
  });
}
