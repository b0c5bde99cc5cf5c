/**
 * Node.js and V8 flags the peer gives a chaincode's node process when it starts it without npm,
 * measured with the process benchmark (see the commit that set them for the figures). Flags that
 * save memory at a cost in throughput (`--lite-mode`, `--jitless`, `--optimize-for-size`) are not
 * among them.
 */
export const CHAINCODE_NODE_FLAGS: readonly string[] = [];

/**
 * `flags` without those the user already sets (in chaincode.nodeOptions or in the package's own
 * `node ...` script): theirs win, and two values of one flag would only confuse.
 */
export function flagsNotSetBy(flags: readonly string[], ...userArgs: ReadonlyArray<readonly string[]>): string[] {
  const named = new Set(userArgs.flat().filter((arg) => arg.startsWith('-')).map(flagName));
  return flags.filter((flag) => !named.has(flagName(flag)));
}

/**
 * `--max-old-space-size=100` -> `--max-old-space-size`, and `--no-x` -> `--x`: one name for the
 * ways of setting one flag (node reads `_` and `-` alike in flag names).
 */
function flagName(arg: string): string {
  const eq = arg.indexOf('=');
  return (eq < 0 ? arg : arg.slice(0, eq)).replace(/_/g, '-').replace(/^--no-/, '--');
}
