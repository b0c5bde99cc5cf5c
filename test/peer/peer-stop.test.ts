import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import { describe, test } from 'node:test';
import { fixtureSource } from '../helpers/chaincode-fixture.js';
import { messageOf, runWeft, startPeerProcess } from '../helpers/weft-process.js';

const cc = (...args: string[]) => ['chaincode', ...args];

/** The living processes of process group `pgid` (a chaincode's npm, shell and node). */
async function groupMembers(pgid: number): Promise<number[]> {
  const found: number[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = await readFile(`/proc/${entry}/stat`, 'utf8');
      // After the command name (which may hold spaces): state, ppid, pgrp, ...
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(fields[2]) === pgid && fields[0] !== 'Z') found.push(Number(entry));
    } catch {
      // ended while being read
    }
  }
  return found;
}

/** Resolves once no process of the group is left; the test's own timeout bounds the wait. */
async function groupGone(pgid: number): Promise<void> {
  while ((await groupMembers(pgid)).length > 0) await new Promise((resolve) => setTimeout(resolve, 100));
}

describe('stopping or killing the peer', () => {
  test('SIGTERM while a dev-mode launch waits for a chaincode nobody starts: the proposal is answered, the peer exits 0', { timeout: 60_000 }, async () => {
    // The startup timeout is far longer than the test may take: only the stop can end the wait.
    const { peer, client } = await startPeerProcess(['--peer-chaincodedev', '--join', 'ch', '--application-capability', 'V1_4_2'], { CORE_CHAINCODE_STARTUPTIMEOUT: '3600s' });
    assert.equal((await runWeft(cc('install', fixtureSource('kv-shim'), '-n', 'kvcc', '-v', '1.0'), client)).code, 0);
    const instantiate = runWeft(cc('instantiate', '-C', 'ch', '-n', 'kvcc', '-v', '1.0', '-c', '{"Args":["init","a","1"]}'), client);
    await peer.waitFor(/chaincode mode is dev: waiting for kvcc:1\.0 to register/);
    assert.equal(await peer.stop('SIGTERM'), 0);
    const answered = await instantiate;
    assert.equal(answered.code, 1);
    assert.match(answered.stderr, /could not launch chaincode kvcc:1\.0: .*the peer is stopping/);
    assert.ok(peer.lines.map(messageOf).includes('Peer stopped'), peer.lines.slice(-5).join('\n'));
  });

  test('SIGKILL: the chaincode processes the peer launched exit by themselves', { timeout: 60_000 }, async () => {
    const { peer, client } = await startPeerProcess(['--join', 'ch', '--application-capability', 'V1_4_2'], { CORE_CHAINCODE_STARTUPTIMEOUT: '3600s' });
    // One that registered and serves, one still being launched (it never dials the peer).
    assert.equal((await runWeft(cc('install', fixtureSource('kv-shim'), '-n', 'kvcc', '-v', '1.0'), client)).code, 0);
    assert.equal((await runWeft(cc('instantiate', '-C', 'ch', '-n', 'kvcc', '-v', '1.0', '-c', '{"Args":["init","a","1"]}'), client)).code, 0);
    assert.equal((await runWeft(cc('install', fixtureSource('never-registers'), '-n', 'slow', '-v', '1.0'), client)).code, 0);
    const pending = runWeft(cc('instantiate', '-C', 'ch', '-n', 'slow', '-v', '1.0', '-c', '{"Args":[]}'), client);
    const pgids = [];
    for (const name of ['kvcc-1\\.0', 'slow-1\\.0']) {
      const line = await peer.waitFor(new RegExp(`started chaincode ${name} \\(pid \\d+\\)`));
      pgids.push(Number(/\(pid (\d+)\)/.exec(line)?.[1]));
    }
    for (const pgid of pgids) assert.ok((await groupMembers(pgid)).length > 0, `chaincode group ${pgid} runs`);
    await peer.stop('SIGKILL');
    await pending;
    for (const pgid of pgids) await groupGone(pgid);
  });
});
