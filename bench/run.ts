import type { Benchmark, Report } from './harness.js';
import { round } from './harness.js';

// Each benchmark module registers here; `npm run bench -- <name>` runs only the named ones.
const benchmarks: Array<() => Promise<Benchmark>> = [
  async () => (await import('./seed.js')).seedBenchmark,
  async () => (await import('./ledger.js')).ledgerBenchmark,
  async () => (await import('./process.js')).processBenchmark,
  async () => (await import('./docker.js')).dockerBenchmark,
  async () => (await import('./endorse.js')).endorseBenchmark,
  async () => (await import('./orderer.js')).ordererBenchmark,
  async () => (await import('./validate.js')).validateBenchmark,
  async () => (await import('./commit.js')).commitBenchmark,
];

const report: Report = (bench, value, unit) => {
  process.stdout.write(`${JSON.stringify({ bench, value: round(value), unit })}\n`);
};

const only = new Set(process.argv.slice(2));
for (const load of benchmarks) {
  const benchmark = await load();
  if (only.size > 0 && !only.has(benchmark.name)) continue;
  await benchmark.run(report);
}
