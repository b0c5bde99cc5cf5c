import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { isAlive } from '../helpers/is-alive.js';

const HARNESS = fileURLToPath(new URL('../../bench/harness.js', import.meta.url));

/** Runs `script` (an ES module) in its own node; resolves what it printed once it has exited. */
function runScript(script: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
    child.once('error', reject);
    child.once('exit', () => resolve(out));
  });
}

async function waitGone(pid: number, timeoutMs = 5000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (isAlive(pid)) {
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return true;
}

describe('benchmark harness: endWithBenchmark', () => {
  test('a benchmark that exits early (its reader gone) takes its long-running children along', async () => {
    const out = await runScript(`
      import { spawn } from 'node:child_process';
      const { endWithBenchmark } = await import(${JSON.stringify(HARNESS)});
      const kept = endWithBenchmark(spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' }));
      console.log(kept.pid);
      setTimeout(() => process.exit(0), 200);
    `);
    const pid = Number(out.trim());
    assert.ok(pid > 0, `the script printed no child pid: ${out}`);
    try {
      assert.ok(await waitGone(pid), `child ${String(pid)} still runs after the benchmark exited`);
    } finally {
      if (isAlive(pid)) process.kill(pid, 'SIGKILL');
    }
  });

  test('a child that has ended on its own leaves no exit hook behind', async () => {
    const out = await runScript(`
      import { spawn } from 'node:child_process';
      const { endWithBenchmark } = await import(${JSON.stringify(HARNESS)});
      const before = process.listeners('exit');
      const child = endWithBenchmark(spawn(process.execPath, ['-e', ''], { stdio: 'ignore' }));
      const added = process.listeners('exit').filter((l) => !before.includes(l));
      child.once('exit', () => setImmediate(() => {
        const left = process.listeners('exit').filter((l) => added.includes(l));
        console.log(JSON.stringify({ added: added.length, left: left.length }));
      }));
    `);
    assert.deepEqual(JSON.parse(out), { added: 1, left: 0 });
  });
});
