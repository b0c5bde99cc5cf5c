import { runCli, type CliDeps } from './cli-program.js';

/** The client commands of `weft` alone (no node): the bundle bin/weft.cjs runs for them. */
export async function main(argv: string[], deps: CliDeps): Promise<void> {
  await runCli(argv, deps);
}
