import { delimiter, dirname, join } from 'node:path';

export interface NpmScriptEnvOptions {
  /** The package's folder (where package.json is). */
  dir: string;
  /** Its package.json, parsed. */
  pkg: Record<string, unknown>;
  /** The start script npm would have run. */
  script: string;
  /** The node that runs it. */
  node: string;
  /** The PATH the peer gives the chaincode. */
  path: string | undefined;
}

/**
 * The variables `npm start` adds for the script it runs, for a chaincode started without npm:
 * the package's name, version and package.json, the lifecycle event and script, the node running
 * it, and PATH with every `node_modules/.bin` from the package's folder up. Neither fabric-shim
 * nor fabric-contract-api reads them; a chaincode's own code might. What describes npm itself
 * (npm_execpath, npm's resolved npm_config_* settings, its node-gyp folder) is left out: npm is
 * not there.
 */
export function npmScriptEnv(opts: NpmScriptEnvOptions): Record<string, string> {
  const env: Record<string, string> = {
    PATH: [...binDirs(opts.dir), ...(opts.path === undefined || opts.path === '' ? [] : [opts.path])].join(delimiter),
    INIT_CWD: opts.dir,
    NODE: opts.node,
    npm_command: 'start',
    npm_lifecycle_event: 'start',
    npm_lifecycle_script: opts.script,
    npm_node_execpath: opts.node,
    npm_package_json: join(opts.dir, 'package.json'),
  };
  const { name, version } = opts.pkg;
  if (typeof name === 'string') env['npm_package_name'] = name;
  if (typeof version === 'string') env['npm_package_version'] = version;
  return env;
}

/** `<dir>/node_modules/.bin` and the same in every folder above it, nearest first, as npm puts them on PATH. */
export function binDirs(dir: string): string[] {
  const dirs: string[] = [];
  for (let at = dir; ; at = dirname(at)) {
    dirs.push(join(at, 'node_modules', '.bin'));
    if (dirname(at) === at) return dirs;
  }
}
