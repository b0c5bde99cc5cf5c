/**
 * Node.js and V8 flags the peer gives a chaincode's node process when it starts it without npm.
 * None, for now: each flag tried with the process benchmark that lowered a fabric-shim
 * chaincode's resident set also lowered its throughput at 32 transactions in flight
 * (`--max-semi-space-size=1`: -5 MB at start, about -20% tx/s; `=2`: -4 MB, about -12%;
 * `--optimize-for-size`: -7 MB, about -25%), and those that cost nothing saved nothing
 * (`--single-threaded-gc`, `--v8-pool-size=0`, `--max-semi-space-size=4` or `8` at start).
 * `--lite-mode` and `--jitless` cost throughput by design.
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
