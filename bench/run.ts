import type { Benchmark, Report } from './harness.js';
import { round } from './harness.js';

// Each benchmark module registers here by name; `npm run bench -- <name>` loads and runs only the
// named ones (a module loads what it needs, e.g. test helpers, only when it is chosen).
const benchmarks: Array<[string, () => Promise<Benchmark>]> = [
  ['seed', async () => (await import('./seed.js')).seedBenchmark],
  ['floors', async () => (await import('./floors.js')).floorsBenchmark],
  ['ledger', async () => (await import('./ledger.js')).ledgerBenchmark],
  ['rich_query', async () => (await import('./rich-query.js')).richQueryBenchmark],
  ['couchdb', async () => (await import('./couchdb.js')).couchDbBenchmark],
  ['process', async () => (await import('./process.js')).processBenchmark],
  ['docker', async () => (await import('./docker.js')).dockerBenchmark],
  ['endorse', async () => (await import('./endorse.js')).endorseBenchmark],
  ['orderer', async () => (await import('./orderer.js')).ordererBenchmark],
  ['validate', async () => (await import('./validate.js')).validateBenchmark],
  ['commit', async () => (await import('./commit.js')).commitBenchmark],
  ['gateway', async () => (await import('./gateway.js')).gatewayBenchmark],
  ['lifecycle', async () => (await import('./lifecycle.js')).lifecycleBenchmark],
  ['testnet', async () => (await import('./testnet.js')).testnetBenchmark],
  ['dev', async () => (await import('./dev.js')).devBenchmark],
  ['kill9_orphans', async () => (await import('./kill9-orphans.js')).kill9OrphansBenchmark],
  ['stream_abuse', async () => (await import('./stream-abuse.js')).streamAbuseBenchmark],
];

// A reader that has gone (`npm run bench | head`) wants no more figures: stop, and take the
// benchmark's peers and servers along (endWithBenchmark).
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code !== 'EPIPE') throw err;
  process.exit(0);
});

const report: Report = (bench, value, unit) => {
  process.stdout.write(`${JSON.stringify({ bench, value: round(value), unit })}\n`);
};

const only = new Set(process.argv.slice(2));
for (const [name, load] of benchmarks) {
  if (only.size > 0 && !only.has(name)) continue;
  const benchmark = await load();
  await benchmark.run(report);
}
