// Orphans benchmark: a peer that launched chaincode processes is killed with SIGKILL, and
// restarted on its folder, ten times over. Each round the peer runs two chaincodes as child
// processes: a fabric-shim one that registered and serves, and one that never registers (its
// launch still pending, as when a chaincode is slow to start). After the last round, the figure is
// how many of the processes those rounds launched are still alive: the goal is 0.
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Benchmark, Report } from './harness.js';
import { freePortPeerEnv, runWeftCli, WeftChild } from './weft-child.js';

const FIXTURES = fileURLToPath(new URL('../../test/fixtures/chaincode/', import.meta.url));
const CHANNEL = 'benchchannel';
const ROUNDS = 10;
// How long the processes of the last round get to notice that their peer is gone.
const SETTLE_MS = 5000;

async function run(report: Report): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'weft-bench-kill9-'));
  const env = freePortPeerEnv(join(dir, 'data'), {
    CORE_CHAINCODE_STARTUPTIMEOUT: '3600s',
    FABRIC_LOGGING_SPEC: 'warning:nodeCmd,comm.grpc.server,container.process=info',
  });
  const groups: number[] = [];
  try {
    for (let round = 0; round < ROUNDS; round++) {
      const peer = WeftChild.start(['node', 'start', '--join', CHANNEL, '--application-capability', 'V1_4_2'], env);
      const address = await peer.waitFor(/Peer server listening on (\S+)/);
      await peer.waitFor(/Started peer/);
      const client = { ...env, CORE_PEER_ADDRESS: address };
      const cc = (...args: string[]): string[] => ['chaincode', ...args];
      if (round === 0) {
        await runWeftCli(cc('install', join(FIXTURES, 'kv-shim'), '-n', 'kvcc', '-v', '1.0'), client);
        await runWeftCli(cc('instantiate', '-C', CHANNEL, '-n', 'kvcc', '-v', '1.0', '-c', '{"Args":["init","a","1"]}'), client);
      } else {
        await runWeftCli(cc('query', '-C', CHANNEL, '-n', 'kvcc', '-c', '{"Args":["get","a"]}'), client);
      }
      // A chaincode that never registers is never instantiated: each round has one of its own.
      const slow = `slow${round}`;
      await runWeftCli(cc('install', join(FIXTURES, 'never-registers'), '-n', slow, '-v', '1.0'), client);
      // Never answered: the peer dies while it waits for the chaincode.
      const pending = runWeftCli(cc('instantiate', '-C', CHANNEL, '-n', slow, '-v', '1.0', '-c', '{"Args":[]}'), client).catch(() => undefined);
      for (const name of ['kvcc-1\\.0', `${slow}-1\\.0`]) groups.push(Number(await peer.waitFor(new RegExp(`started chaincode ${name} \\(pid (\\d+)\\)`))));
      await peer.kill();
      await pending;
    }
    const deadline = Date.now() + SETTLE_MS;
    let left = await countMembers(groups);
    while (left > 0 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      left = await countMembers(groups);
    }
    report('kill9_orphans', left, 'processes');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** The living processes (zombies aside) of these process groups: each chaincode leads its own. */
async function countMembers(pgids: readonly number[]): Promise<number> {
  const wanted = new Set(pgids);
  let n = 0;
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = await readFile(`/proc/${entry}/stat`, 'utf8');
      // After the command name (which may hold spaces): state, ppid, pgrp, ...
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (wanted.has(Number(fields[2])) && fields[0] !== 'Z') n++;
    } catch {
      // ended while being read
    }
  }
  return n;
}

export const kill9OrphansBenchmark: Benchmark = { name: 'kill9_orphans', run };
