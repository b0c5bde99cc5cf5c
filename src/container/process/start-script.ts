/**
 * How a package's `start` script can run without npm and a shell: as `node <args>`, as a command
 * an installed dependency provides (`fabric-chaincode-node start`), or not at all, and why.
 */
export type StartScript =
  | { kind: 'node'; script: string; args: string[] }
  | { kind: 'bin'; script: string; name: string; args: string[] }
  | { kind: 'npm'; reason: string };

/** Commands of a dependency that are run directly; any other command goes through npm. */
const DIRECT_BINS = new Set(['fabric-chaincode-node']);

/** What the shell would treat specially: operators, expansions, quotes, globs, comments. */
const SHELL_SYNTAX = /&&|\|\||[|&;<>()$`\\"'*?[\]{}~#!\n\r]/;
/** A word the shell passes on as it is written. */
const PLAIN_WORD = /^[A-Za-z0-9_@%+,./:=-]+$/;

/**
 * Reads `scripts` of a package.json. Only a script a shell would split into plain words, and
 * whose first word is `node` or `fabric-chaincode-node start`, runs without npm; npm also runs
 * `prestart` and `poststart`, and picks a default when there is no `start` at all, so those cases
 * stay with npm.
 */
export function parseStartScript(scripts: unknown): StartScript {
  const table = typeof scripts === 'object' && scripts !== null ? (scripts as Record<string, unknown>) : {};
  const start = table['start'];
  if (typeof start !== 'string' || start.trim() === '') return { kind: 'npm', reason: 'the package has no start script' };
  for (const hook of ['prestart', 'poststart']) {
    if (table[hook] !== undefined) return { kind: 'npm', reason: `the package has a ${hook} script` };
  }
  const syntax = SHELL_SYNTAX.exec(start);
  if (syntax !== null) return { kind: 'npm', reason: `its start script "${start}" has shell syntax (${JSON.stringify(syntax[0])})` };
  const words = start.trim().split(/[ \t]+/);
  const [command = '', ...args] = words;
  if (words.some((word) => !PLAIN_WORD.test(word))) return { kind: 'npm', reason: `its start script "${start}" has words a shell might change` };
  if (command.includes('=')) return { kind: 'npm', reason: `its start script "${start}" sets environment variables` };
  if (command === 'node') {
    return args.length > 0 ? { kind: 'node', script: start, args } : { kind: 'npm', reason: `its start script "${start}" names no script for node` };
  }
  if (DIRECT_BINS.has(command)) {
    return args[0] === 'start' ? { kind: 'bin', script: start, name: command, args } : { kind: 'npm', reason: `its start script "${start}" is not ${command} start` };
  }
  return { kind: 'npm', reason: `its start script "${start}" runs ${command}, not node or ${[...DIRECT_BINS].join(' or ')}` };
}
