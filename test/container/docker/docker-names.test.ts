import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, test } from 'node:test';
import { ContainerError } from '../../../src/container/container-error.js';
import { dockerContainerName, dockerImageName } from '../../../src/container/docker/docker-names.js';
import { DockerStreamDemuxer } from '../../../src/container/docker/docker-stream-demuxer.js';

const peer = { networkId: 'dev', peerId: 'peer0' };

describe('Docker names of a chaincode', () => {
  test('network ID, peer ID, name and version, as Fabric names them', () => {
    assert.equal(dockerContainerName(peer, { name: 'mycc', version: '1.0' }), 'dev-peer0-mycc-1.0');
    assert.equal(dockerImageName(peer, { name: 'mycc', version: '1.0' }), 'dev-peer0-mycc-1.0');
  });

  test('upper case or characters Docker refuses: the image name gets the hash of the original name', () => {
    const name = 'dev-peer0-MyCC-1.0+build';
    const hash = createHash('sha256').update(name).digest('hex');
    assert.equal(dockerContainerName(peer, { name: 'MyCC', version: '1.0+build' }), 'dev-peer0-MyCC-1.0-build');
    assert.equal(dockerImageName(peer, { name: 'MyCC', version: '1.0+build' }), `dev-peer0-mycc-1.0-build-${hash}`);
    // Two names that sanitise alike still get two images.
    assert.notEqual(dockerImageName(peer, { name: 'mycc', version: '1.0+build' }), dockerImageName(peer, { name: 'mycc', version: '1.0-build' }));
  });

  test('without network or peer ID, the parts that are there', () => {
    assert.equal(dockerContainerName({ networkId: '', peerId: '' }, { name: 'mycc', version: '1' }), 'mycc-1');
  });

  test("a name that breaks Docker's repository rules is an error saying so", () => {
    assert.throws(
      () => dockerImageName({ networkId: 'dev', peerId: '-peer' }, { name: 'cc', version: '1' }),
      (err: unknown) => err instanceof ContainerError && /breaks Docker's repository naming rules/.test(err.message),
    );
  });
});

describe('DockerStreamDemuxer', () => {
  const frame = (stream: number, text: string): Buffer => {
    const body = Buffer.from(text);
    const header = Buffer.alloc(8);
    header[0] = stream;
    header.writeUInt32BE(body.length, 4);
    return Buffer.concat([header, body]);
  };

  test('splits stdout and stderr frames, including frames and characters cut across chunks', () => {
    const got: Array<[string, string]> = [];
    const demuxer = new DockerStreamDemuxer((stream, text) => got.push([stream, text]));
    const all = Buffer.concat([frame(1, 'hello '), frame(2, 'oops\n'), frame(1, 'wörld\n')]);
    // Cut inside a header, inside a body, and inside the two bytes of 'ö'.
    const cuts = [3, 15, all.length - 5, all.length - 4];
    let from = 0;
    for (const cut of [...cuts, all.length]) {
      demuxer.push(all.subarray(from, cut));
      from = cut;
    }
    assert.deepEqual(
      got.reduce<Record<string, string>>((acc, [s, t]) => ({ ...acc, [s]: (acc[s] ?? '') + t }), {}),
      { stdout: 'hello wörld\n', stderr: 'oops\n' },
    );
  });
});
