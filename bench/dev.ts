// weft dev benchmark: the developer's loop, measured from outside as a developer sees it.
// `dev_reload_ms`: `weft dev` on a small TypeScript contract (test/fixtures/chaincode/dev-assets-ts);
// from writing an edit of src/index.ts to a fabric-gateway evaluate answering with the edited code
// (TypeScript's incremental build, the preloaded runner loading the new code, its registration);
// the median of edits after one warm-up, a second apart (a developer's pace: weft dev uses the time
// between saves to start the next runner process, which loads fabric-shim ahead of the next edit). `dev_reload_js_ms`: the same for a JavaScript fabric-shim
// chaincode (kv-shim), which has no build. `dev_start_ms`: `weft dev` started on the TypeScript
// project whose .weft/ network exists (the second run of a day), to "ready".
import { readFile, rm, writeFile } from 'node:fs/promises';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Contract } from '@hyperledger/fabric-gateway';
import type { Benchmark, Report } from './harness.js';
import { median } from './harness.js';
import { WeftChild } from './weft-child.js';

const EDITS = 7;
const POLL_MS = 2;
const DEADLINE_MS = 20_000;
const BETWEEN_EDITS_MS = 1_000;

async function run(report: Report): Promise<void> {
  const { devProject, DEV_FREE_PORTS, devConnectionOf } = await import('../test/helpers/dev-project.js');
  const { connectGateway } = await import('../test/helpers/gateway-client.js');
  const parent = await mkdtemp(join(tmpdir(), 'weft-bench-dev-'));
  try {
    const measure = async (fixture: string, ts: boolean, file: string, edit: (code: string, n: number) => string, answer: (contract: Contract, n: number) => Promise<boolean>): Promise<number> => {
      const dir = await devProject(parent, fixture, ts);
      const dev = WeftChild.start(['dev', dir], { ...process.env, ...DEV_FREE_PORTS, FABRIC_LOGGING_SPEC: 'warning' });
      try {
        await dev.waitFor(/^ready in \d+ ms/m, 60_000);
        const client = await connectGateway(devConnectionOf(dev.output));
        try {
          const contract = client.gateway.getNetwork('mychannel').getContract(fixture === 'kv-shim' ? 'kv-shim' : 'dev-assets');
          const path = join(dir, file);
          const times: number[] = [];
          for (let n = 0; n <= EDITS; n++) {
            await new Promise((resolve) => setTimeout(resolve, BETWEEN_EDITS_MS));
            const code = await readFile(path, 'utf8');
            const t = performance.now();
            await writeFile(path, edit(code, n));
            while (!(await answer(contract, n))) {
              if (performance.now() - t > DEADLINE_MS) throw new Error(`edit ${String(n)} of ${fixture} was not live after ${String(DEADLINE_MS)} ms:\n${dev.output}`);
              await new Promise((resolve) => setTimeout(resolve, POLL_MS));
            }
            if (n > 0) times.push(performance.now() - t);
          }
          return median(times);
        } finally {
          client.close();
        }
      } finally {
        await dev.stop();
      }
    };

    const text = (bytes: Uint8Array): string => Buffer.from(bytes).toString('utf8');
    report(
      'dev_reload_ms',
      await measure(
        'dev-assets-ts',
        true,
        'src/index.ts',
        (code, n) => code.replace(/return 'hello[^']*';/, `return 'hello ${String(n)}';`),
        // A call that lands on the old chaincode as it is stopped fails; the next one reaches the new.
        async (contract, n) => text(await contract.evaluateTransaction('Greeting').catch(() => new Uint8Array())) === `hello ${String(n)}`,
      ),
      'ms',
    );
    report(
      'dev_reload_js_ms',
      await measure(
        'kv-shim',
        false,
        'index.js',
        (code, n) => code.replace(/'asked to fail[^']*'/, `'asked to fail ${String(n)}'`),
        async (contract, n) => {
          try {
            await contract.evaluateTransaction('fail');
            return false;
          } catch (err) {
            return (err as { details?: Array<{ message: string }> }).details?.[0]?.message === `asked to fail ${String(n)}`;
          }
        },
      ),
      'ms',
    );

    // The TypeScript project's .weft/ is there from the first measurement: a second day's start.
    const starts: number[] = [];
    for (let i = 0; i < 3; i++) {
      const t = performance.now();
      const dev = WeftChild.start(['dev', join(parent, 'dev-assets-ts')], { ...process.env, ...DEV_FREE_PORTS, FABRIC_LOGGING_SPEC: 'warning' });
      try {
        await dev.waitFor(/^ready in \d+ ms/m, 60_000);
        starts.push(performance.now() - t);
      } finally {
        await dev.stop();
      }
    }
    report('dev_start_ms', median(starts), 'ms');
  } finally {
    await rm(parent, { recursive: true, force: true });
  }
}

export const devBenchmark: Benchmark = { name: 'dev', run };
