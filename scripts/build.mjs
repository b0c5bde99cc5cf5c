// Build: embed the default core.yaml, type-check and emit dist/ with tsc (tests and benchmarks run
// from there), bundle the CLI into one file with esbuild (one file loads far faster than hundreds),
// then run the peer once to record V8's code cache for that bundle. weft/testing's type declarations
// are emitted beside its JavaScript (tsconfig.testing.json).
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);

execFileSync(process.execPath, [join(root, 'scripts/embed-config.mjs')], { stdio: 'inherit' });
rmSync(join(root, 'dist'), { recursive: true, force: true });
execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', join(root, 'tsconfig.json')], {
  stdio: 'inherit',
  cwd: root,
});
// The type declarations of weft/testing, the one entry point applications import.
execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', join(root, 'tsconfig.testing.json')], {
  stdio: 'inherit',
  cwd: root,
});

const esbuild = await import('esbuild');

// commander requires node:child_process at load for a feature the CLI does not use (executable
// subcommands); loading it costs every client call a few ms. It is required when first spawned.
const COMMANDER_CHILD_PROCESS = "const childProcess = require('node:child_process');";
const lazyCommanderChildProcess = {
  name: 'lazy-commander-child-process',
  setup(build) {
    build.onLoad({ filter: /[\\/]commander[\\/]lib[\\/]command\.js$/ }, (args) => {
      const source = readFileSync(args.path, 'utf8');
      if (!source.includes(COMMANDER_CHILD_PROCESS)) {
        throw new Error(`${args.path} no longer loads node:child_process as the build expects: update lazyCommanderChildProcess`);
      }
      const lazy = "let childProcessModule; const childProcess = { spawn: (...args) => (childProcessModule ??= require('node:child_process')).spawn(...args) };";
      return { contents: source.replace(COMMANDER_CHILD_PROCESS, lazy), loader: 'js' };
    });
  },
};
// The whole CLI (nodes and clients), and the client commands alone: bin/weft.cjs runs the second
// for them, which loads in a fraction of the time.
for (const [entry, out] of [
  ['src/cli/main.ts', 'dist/weft.cjs'],
  ['src/cli/client-main.ts', 'dist/weft-client.cjs'],
]) {
  await esbuild.build({
    entryPoints: [join(root, entry)],
    outfile: join(root, out),
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    // Less to parse at start; keepNames keeps class names, which error names are made from.
    minify: process.env.WEFT_BUILD_NO_MINIFY === undefined,
    keepNames: true,
    // The native LevelDB binding finds its prebuilt binary from its own folder. tar is needed off
    // the start path only (installing a package): left out, it costs start-up nothing, and loads
    // when asked for. dockerode (with ssh2 and its optional native parts) loads only for a peer
    // with vm.type docker. yaml is bundled: an MSP folder's config.yaml is read at every start, and
    // from the bundle it loads through the code cache; a module the bundle imports with import()
    // is only evaluated when imported.
    external: ['classic-level', 'tar', 'dockerode'],
    // import() becomes a require() in a promise, which the bundle's runner provides.
    supported: { 'dynamic-import': false },
    logLevel: 'warning',
    legalComments: 'none',
    // ASCII only, so that bin/weft.cjs reads the bundle as latin1, three times faster than UTF-8.
    charset: 'ascii',
    plugins: [lazyCommanderChildProcess],
  });
  // esbuild's ascii charset leaves regular expressions (and, unminified, comments) as they are:
  // escaped here, which is what they mean in both.
  const utf8 = readFileSync(join(root, out), 'utf8');
  const bundled = utf8.replace(/[^ -~\t\n\r]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  if (bundled !== utf8) writeFileSync(join(root, out), bundled, 'latin1');
  // The bundle runs through vm.Script, where import() has no loader: only the bin may use it.
  const dynamicImports = bundled.match(/\bimport\("[^"]*"\)/g);
  if (dynamicImports !== null) {
    throw new Error(`${out} must not import() at run time, but does: ${[...new Set(dynamicImports)].join(', ')}`);
  }
}

await recordCodeCache();

/** Starts the peer once on a throw-away folder, queries it with the client CLI, and stops it, so that both code caches are written. */
async function recordCodeCache() {
  const data = mkdtempSync(join(tmpdir(), 'weft-build-'));
  try {
    await new Promise((resolve, reject) => {
      const child = spawn(process.execPath, [join(root, 'bin/weft.cjs'), 'node', 'start', '--join', 'warmup'], {
        env: {
          ...process.env,
          WEFT_WRITE_CODE_CACHE: '1',
          FABRIC_CFG_PATH: '',
          FABRIC_LOGGING_SPEC: 'info',
          CORE_PEER_FILESYSTEMPATH: data,
          CORE_PEER_CHAINCODELISTENADDRESS: '127.0.0.1:0',
          CORE_PEER_LISTENADDRESS: '127.0.0.1:0',
          // Free ports for the embedded orderer too: a peer already running here must not fail the build.
          CORE_PEER_ORDERER_LISTENADDRESS: '127.0.0.1:0',
          CORE_PEER_ORDERER_ADMINLISTENADDRESS: '127.0.0.1:0',
        },
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      let log = '';
      let stopping = false;
      const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
      child.stderr.setEncoding('utf8').on('data', (chunk) => {
        log += chunk;
        if (!stopping && log.includes('Started peer')) {
          stopping = true;
          // The client bundle's cache: a transaction on the running peer as its Admin (an approval of
          // a package no one installed), so that the cache holds what most client commands run:
          // endorsement, signing, broadcast and the wait for the commit on Deliver.
          const address = /Peer server listening on (\S+)/.exec(log)?.[1] ?? '';
          const approve = ['lifecycle', 'chaincode', 'approveformyorg', '-C', 'warmup', '-n', 'warmup', '-v', '1', '--sequence', '1', '--package-id', `warmup:${'0'.repeat(64)}`];
          const client = spawn(process.execPath, [join(root, 'bin/weft.cjs'), ...approve], {
            env: { ...process.env, WEFT_WRITE_CODE_CACHE: '1', FABRIC_CFG_PATH: '', CORE_PEER_FILESYSTEMPATH: data, CORE_PEER_ADDRESS: address },
            stdio: 'ignore',
          });
          client.on('exit', (code) => {
            if (code !== 0) log += `\nthe client command recording its code cache exited ${code}`;
            child.kill('SIGTERM');
          });
        }
      });
      child.on('exit', (code) => {
        clearTimeout(timer);
        if (code === 0 && !log.includes('the client command recording')) resolve();
        else reject(new Error(`the peer did not start and stop cleanly while recording the code cache (exit ${code}):\n${log}`));
      });
    });
  } finally {
    rmSync(data, { recursive: true, force: true });
  }
}
