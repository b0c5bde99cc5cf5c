import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { StartScript } from './start-script.js';

/** Node's options that take the next word as their value (`node -r ./setup.js index.js`). */
const VALUE_OPTIONS = new Set(['-r', '--require', '--import', '--loader', '--experimental-loader', '--env-file', '--title', '--inspect-port', '-C', '--conditions']);

/**
 * The file a start script has node load first, relative to the package: `node [options] <file>`'s
 * file, or the package's `main` (index.js by default) for `fabric-chaincode-node start`, which
 * loads the package's contracts from it. Undefined for a script npm runs.
 */
export function entryFileOf(pkg: Record<string, unknown>, script: StartScript): string | undefined {
  if (script.kind === 'bin') return typeof pkg['main'] === 'string' && pkg['main'] !== '' ? pkg['main'] : 'index.js';
  if (script.kind !== 'node') return undefined;
  for (let i = 0; i < script.args.length; i++) {
    const arg = script.args[i] ?? '';
    if (VALUE_OPTIONS.has(arg)) i++;
    else if (!arg.startsWith('-')) return arg;
  }
  return undefined;
}

/**
 * Why the package cannot start because the file its start script loads is not there (a
 * TypeScript chaincode packaged before it was compiled), naming the file and how to make it;
 * undefined when the file is there, as node would resolve it (with .js, .cjs, .mjs, .json, or a
 * folder's index.js).
 */
export async function missingEntryReason(dir: string, pkg: Record<string, unknown>, script: StartScript): Promise<string | undefined> {
  const entry = entryFileOf(pkg, script);
  if (entry === undefined) return undefined;
  const base = join(dir, entry);
  for (const candidate of [base, `${base}.js`, `${base}.cjs`, `${base}.mjs`, `${base}.json`, join(base, 'index.js')]) {
    if ((await stat(candidate).catch(() => undefined))?.isFile() === true) return undefined;
  }
  const scripts = typeof pkg['scripts'] === 'object' && pkg['scripts'] !== null ? (pkg['scripts'] as Record<string, unknown>) : {};
  const how =
    typeof scripts['build'] === 'string'
      ? 'build it (npm run build) before packaging it'
      : 'compile it (a TypeScript chaincode: tsc) before packaging it, or point the start script or "main" at a file the package has';
  const what = script.kind === 'bin' ? `its "main" file, ${entry},` : `the file its start script runs, ${entry},`;
  return `${what} is not in the package: ${how}`;
}
