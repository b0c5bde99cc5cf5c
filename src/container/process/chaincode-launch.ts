import { constants } from 'node:fs';
import { access, open, readFile, stat } from 'node:fs/promises';
import { delimiter, dirname, join } from 'node:path';
import { errorMessage } from '../../common/errors/weft-error.js';
import { flagsNotSetBy } from './chaincode-node-flags.js';
import { binDirs, npmScriptEnv } from './npm-script-env.js';
import { parseStartScript } from './start-script.js';
import { missingEntryReason } from './entry-file.js';
import { ContainerError } from '../container-error.js';

export interface ChaincodeLaunchOptions {
  /** The built package. */
  dir: string;
  /** The chaincode's environment: the peer's share and the launch config's. */
  env: Record<string, string>;
  /** What the peer appends to the start script: `--peer.address <address>`. */
  peerArgs: readonly string[];
  /** The npm executable, for the scripts that need npm. */
  npm: string;
  /** Flags for a node the peer starts itself (CHAINCODE_NODE_FLAGS). */
  nodeFlags: readonly string[];
  /** Start with `npm start` whatever the script is. */
  alwaysNpm?: boolean;
}

/** The command line that starts a chaincode, and whether npm is in it. */
export interface ChaincodeLaunch {
  command: string;
  args: string[];
  env: Record<string, string>;
  /** Why npm starts it; undefined when node does, without npm and a shell. */
  npmReason: string | undefined;
}

/**
 * How to start a built Node.js chaincode. A `start` script of the form `node <args>` or
 * `fabric-chaincode-node start <args>` is run as the shell under `npm start` would run it, minus
 * npm and the shell: the same node, arguments, working folder and environment (NODE_OPTIONS from
 * npm's node-options setting, and the variables npm gives a script). Anything else is left to
 * `npm start -- <peer args>`, with the reason.
 */
export async function chaincodeLaunch(opts: ChaincodeLaunchOptions): Promise<ChaincodeLaunch> {
  const viaNpm = (reason: string): ChaincodeLaunch => ({ command: opts.npm, args: ['start', '--', ...opts.peerArgs], env: opts.env, npmReason: reason });
  if (opts.alwaysNpm === true) return viaNpm('the process VM is set to start every chaincode with npm');
  let pkg: Record<string, unknown>;
  try {
    pkg = asRecord(JSON.parse(await readFile(join(opts.dir, 'package.json'), 'utf8')));
  } catch (err) {
    return viaNpm(`its package.json could not be read: ${errorMessage(err)}`);
  }
  const script = parseStartScript(pkg['scripts']);
  if (script.kind === 'npm') return viaNpm(script.reason);
  const missing = await missingEntryReason(opts.dir, pkg, script);
  if (missing !== undefined) throw new ContainerError('START_FAILED', missing);

  const env = { ...opts.env };
  const nodeOptions = npmNodeOptions(env);
  const node = await findNode(opts.dir, env['PATH']);
  if (node === 'dependency') return viaNpm('a dependency provides its own node command');
  if (nodeOptions === undefined && (await npmrcSetsNodeOptions(opts.dir, env, node))) {
    return viaNpm('an .npmrc sets node-options, which npm would pass on');
  }
  if (nodeOptions !== undefined && nodeOptions !== '') env['NODE_OPTIONS'] = nodeOptions;

  let scriptArgs: string[];
  if (script.kind === 'node') {
    scriptArgs = script.args;
  } else {
    const bin = await dependencyBin(opts.dir, pkg, script.name);
    if (typeof bin !== 'string') return viaNpm(bin.reason);
    scriptArgs = [bin, ...script.args];
  }
  Object.assign(env, npmScriptEnv({ dir: opts.dir, pkg, script: script.script, node, path: opts.env['PATH'] }));
  const flags = flagsNotSetBy(opts.nodeFlags, nodeOptions?.split(/\s+/) ?? [], script.kind === 'node' ? script.args : []);
  return { command: node, args: [...flags, ...scriptArgs, ...opts.peerArgs], env, npmReason: undefined };
}

function asRecord(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

/** npm's node-options setting as its environment gives it (npm reads `npm_config_*` in any case, `_` for `-`). */
function npmNodeOptions(env: Record<string, string>): string | undefined {
  let value: string | undefined;
  for (const [key, v] of Object.entries(env)) if (/^npm_config_node[-_]options$/i.test(key)) value = v;
  return value;
}

/**
 * The node that `npm start`'s shell would find: the first on PATH behind the packages'
 * `node_modules/.bin` folders ('dependency' when one of those has a `node`); the peer's own node
 * when PATH has none.
 */
async function findNode(dir: string, path: string | undefined): Promise<string> {
  const bins = new Set(binDirs(dir));
  const dirs = [...bins, ...(path ?? '').split(delimiter).filter((d) => d !== '')];
  for (const at of dirs) {
    const candidate = join(at, 'node');
    if (await isExecutableFile(candidate)) return bins.has(at) ? 'dependency' : candidate;
  }
  return process.execPath;
}

async function isExecutableFile(path: string): Promise<boolean> {
  try {
    await access(path, constants.X_OK);
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

/**
 * Whether the package's, the user's or the global .npmrc sets node-options, which `npm start`
 * would hand its script as NODE_OPTIONS (the peer's environment, which would override them, has
 * none here).
 */
async function npmrcSetsNodeOptions(dir: string, env: Record<string, string>, node: string): Promise<boolean> {
  const home = env['HOME'];
  const prefix = env['npm_config_prefix'] ?? dirname(dirname(node));
  const files = [
    join(dir, '.npmrc'),
    env['npm_config_userconfig'] ?? (home === undefined ? undefined : join(home, '.npmrc')),
    env['npm_config_globalconfig'] ?? join(prefix, 'etc', 'npmrc'),
  ];
  for (const file of files) {
    if (file === undefined) continue;
    const text = await readFile(file, 'utf8').catch(() => '');
    if (/^\s*node[-_]options\s*=/im.test(text)) return true;
  }
  return false;
}

/**
 * The script behind command `name`, read from the `bin` of the package's installed dependencies
 * (as npm links it into node_modules/.bin), provided it is a node script; else why not.
 */
async function dependencyBin(dir: string, pkg: Record<string, unknown>, name: string): Promise<string | { reason: string }> {
  const deps = [...Object.keys(asRecord(pkg['dependencies'])), ...Object.keys(asRecord(pkg['optionalDependencies']))];
  for (const dep of deps) {
    const depDir = join(dir, 'node_modules', dep);
    const depPkg = asRecord(await readFile(join(depDir, 'package.json'), 'utf8')
        .then((text) => JSON.parse(text) as unknown)
        .catch(() => undefined));
    const bin = depPkg['bin'];
    const binName = typeof depPkg['name'] === 'string' ? depPkg['name'].replace(/^@[^/]*\//, '') : dep.replace(/^@[^/]*\//, '');
    const file = typeof bin === 'string' ? (binName === name ? bin : undefined) : asRecord(bin)[name];
    if (typeof file !== 'string') continue;
    const path = join(depDir, file);
    if (!(await isNodeScript(path))) return { reason: `${name} of ${dep} (${path}) is not a node script` };
    return path;
  }
  return { reason: `no installed dependency of the package provides ${name}` };
}

/** Does the file start with a `#!` line that runs node (`#!/usr/bin/env node`, `#!/usr/bin/node`)? */
async function isNodeScript(path: string): Promise<boolean> {
  let handle;
  try {
    handle = await open(path, 'r');
    const { buffer, bytesRead } = await handle.read(Buffer.alloc(256), 0, 256, 0);
    const first = buffer.subarray(0, bytesRead).toString('utf8').split('\n')[0] ?? '';
    return /^#!\s*(?:\/usr\/bin\/env\s+node|\/\S*\/node)\s*$/.test(first);
  } catch {
    return false;
  } finally {
    await handle?.close();
  }
}
