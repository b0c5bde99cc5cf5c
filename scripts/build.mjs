// Build: type-check and emit dist/ with tsc (tests and benchmarks run from there), then bundle the
// CLI into one file with esbuild, because loading one module is far cheaper at start-up than
// resolving hundreds of small ones.
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { rmSync } from 'node:fs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);

rmSync(join(root, 'dist'), { recursive: true, force: true });
execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', join(root, 'tsconfig.json')], {
  stdio: 'inherit',
  cwd: root,
});

const esbuild = await import('esbuild');
await esbuild.build({
  entryPoints: [join(root, 'src/cli/main.ts')],
  outfile: join(root, 'dist/weft.mjs'),
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  // Bundled CommonJS dependencies call require(); give the ES module bundle one.
  banner: { js: "import { createRequire as __weftCreateRequire } from 'node:module'; const require = __weftCreateRequire(import.meta.url);" },
  // Native addons and their loaders stay outside the bundle.
  external: ['classic-level'],
  sourcemap: true,
  logLevel: 'warning',
  legalComments: 'none',
});
