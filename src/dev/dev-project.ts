import { readFile } from 'node:fs/promises';
import { dirname, join, normalize } from 'node:path';
import { entryFileOf } from '../container/process/entry-file.js';
import { parseStartScript } from '../container/process/start-script.js';
import { errorMessage } from '../common/errors/weft-error.js';
import { DevError } from './dev-error.js';

/** How the project is built before its chaincode loads. */
export type BuildPlan =
  | { kind: 'none' }
  /** `tsc` or `tsc -p <config>`: compiled in weft dev's own process, incrementally, by the project's TypeScript. */
  | { kind: 'tsc'; tsconfig: string }
  /** Any other build script: `npm run build`, once a change. */
  | { kind: 'npm'; script: string };

/** A chaincode project as `weft dev` runs it, read from its package.json. */
export interface DevProject {
  dir: string;
  /** The chaincode's name on the channel: the package's name, without its scope, made valid. */
  name: string;
  version: string;
  /** The file a fabric-shim chaincode's start script runs (`node <file>`); undefined for contracts (package.json's `main`). */
  shimEntry: string | undefined;
  /** The file that must exist before the chaincode can load (a TypeScript project's compiled `main`). */
  entryFile: string;
  build: BuildPlan;
  /** Folders a build writes, relative to `dir`: not watched for changes. */
  outputDirs: string[];
  /** package.json's dependencies and devDependencies, as text: a change means `npm install`. */
  dependencies: string;
}

const CHAINCODE_NAME = /^[a-zA-Z0-9]+([-_][a-zA-Z0-9]+)*$/;
const TSC_SCRIPT = /^tsc(?:\s+(?:-p|--project)\s+(\S+))?$/;

/** Reads the project in `dir`; `name` overrides the chaincode name package.json gives. */
export async function readDevProject(dir: string, name?: string): Promise<DevProject> {
  let pkg: Record<string, unknown>;
  try {
    const parsed: unknown = JSON.parse(await readFile(join(dir, 'package.json'), 'utf8'));
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('it is not a JSON object');
    pkg = parsed as Record<string, unknown>;
  } catch (err) {
    throw new DevError('BAD_PROJECT', `${join(dir, 'package.json')} cannot be read: ${errorMessage(err)} (weft dev runs in a Node.js chaincode project's folder)`, undefined, { cause: err });
  }
  const chaincodeName = name ?? chaincodeNameOf(stringField(pkg, 'name') ?? '');
  if (!CHAINCODE_NAME.test(chaincodeName)) {
    throw new DevError('BAD_PROJECT', `"${chaincodeName}" is not a valid chaincode name (${CHAINCODE_NAME.source}): give one with --name`);
  }
  const version = stringField(pkg, 'version') ?? '1.0';
  const scripts = typeof pkg['scripts'] === 'object' && pkg['scripts'] !== null ? (pkg['scripts'] as Record<string, unknown>) : {};
  const start = parseStartScript(scripts);
  const shimEntry = start.kind === 'node' ? entryFileOf(pkg, start) : undefined;
  const entryFile = shimEntry ?? stringField(pkg, 'main') ?? 'index.js';
  const build = buildPlanOf(scripts);
  const outputDirs = build.kind === 'none' ? [] : outputDirOf(entryFile);
  return {
    dir,
    name: chaincodeName,
    version,
    shimEntry,
    entryFile,
    build,
    outputDirs,
    dependencies: JSON.stringify([pkg['dependencies'], pkg['devDependencies']]),
  };
}

/** A package.json field that is a non-empty string. */
function stringField(pkg: Record<string, unknown>, key: string): string | undefined {
  const value = pkg[key];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** `@org/asset-transfer` -> `asset-transfer`; characters a chaincode name cannot hold become `-`. */
function chaincodeNameOf(packageName: string): string {
  return packageName
    .replace(/^@[^/]*\//, '')
    .replace(/[^A-Za-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
}

function buildPlanOf(scripts: Record<string, unknown>): BuildPlan {
  const build = scripts['build'];
  if (typeof build !== 'string' || build.trim() === '') return { kind: 'none' };
  const tsc = TSC_SCRIPT.exec(build.trim());
  // npm also runs prebuild and postbuild: a project with them is built as npm builds it.
  if (tsc === null || scripts['prebuild'] !== undefined || scripts['postbuild'] !== undefined) return { kind: 'npm', script: build };
  return { kind: 'tsc', tsconfig: tsc[1] ?? 'tsconfig.json' };
}

/** The top folder of the built entry file (`dist` for dist/index.js); none when it sits at the top. */
function outputDirOf(entryFile: string): string[] {
  const top = normalize(dirname(entryFile)).split(/[\\/]/)[0] ?? '.';
  return top === '.' || top === '..' || top === '' ? [] : [top];
}
