import { readFile, writeFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { errorMessage } from '../common/errors/weft-error.js';
import { Block } from '../common/protos/common.js';
import { genesisBlockOfProfile } from '../channelconfig/config-block.js';
import { blockToJson } from '../channelconfig/config-json.js';
import { loadProfile } from '../channelconfig/configtx.js';
import { CliError } from './cli-error.js';

/** The flags of Fabric's configtxgen that Weft implements. */
const FLAGS = ['profile', 'outputBlock', 'channelID', 'configPath', 'inspectBlock'] as const;
type Flag = (typeof FLAGS)[number];

/**
 * `weft configtxgen -profile P -channelID C -outputBlock F [-configPath DIR]` and `-inspectBlock F`,
 * with Fabric's flag names. Fabric's tool takes Go-style flags (`-flag value`, `-flag=value`, one or
 * two dashes), which commander does not parse, so the arguments are read here.
 */
export function addConfigtxgenCommands(program: Command, env: NodeJS.ProcessEnv): void {
  program
    .command('configtxgen')
    .description('Generate a channel genesis block from configtx.yaml, or print one (Fabric\'s configtxgen flags: -profile, -channelID, -outputBlock, -configPath, -inspectBlock)')
    .helpOption(false)
    .allowUnknownOption()
    .allowExcessArguments()
    .argument('[flags...]', '-profile P -channelID C -outputBlock F [-configPath DIR] | -inspectBlock F')
    .action(async (args: string[]) => {
      await runConfigtxgen(parseGoFlags(args), env);
    });
}

async function runConfigtxgen(flags: Partial<Record<Flag, string>>, env: NodeJS.ProcessEnv): Promise<void> {
  if (flags.inspectBlock !== undefined) {
    let block: Block;
    try {
      block = Block.deserializeBinary(await readFile(flags.inspectBlock));
    } catch (err) {
      throw new CliError('BAD_INPUT', `could not read block ${flags.inspectBlock}: ${errorMessage(err)}`);
    }
    let json: unknown;
    try {
      json = blockToJson(block);
    } catch (err) {
      throw new CliError('BAD_INPUT', `${flags.inspectBlock} is not a config block: ${errorMessage(err)}`);
    }
    process.stdout.write(`${JSON.stringify(json, null, 2)}\n`);
    return;
  }
  if (flags.outputBlock === undefined) throw new CliError('BAD_INPUT', 'nothing to do: give -outputBlock (with -profile and -channelID) or -inspectBlock');
  if (flags.profile === undefined) throw new CliError('BAD_INPUT', 'a profile is required to write a block (-profile)');
  if (flags.channelID === undefined || flags.channelID === '') throw new CliError('BAD_INPUT', 'a channel ID is required to write a block (-channelID)');
  // As configtxgen: -configPath, else FABRIC_CFG_PATH, names the folder holding configtx.yaml.
  const configPath = flags.configPath ?? env.FABRIC_CFG_PATH;
  if (configPath === undefined || configPath === '') {
    throw new CliError('BAD_INPUT', 'no configtx.yaml: set -configPath or FABRIC_CFG_PATH to the folder that holds it');
  }
  const profile = await loadProfile(flags.profile, configPath);
  const block = await genesisBlockOfProfile(profile, flags.channelID);
  await writeFile(flags.outputBlock, block.serializeBinary(), { mode: 0o640 });
  process.stdout.write(`Wrote the genesis block of channel ${flags.channelID} (profile ${flags.profile}) to ${flags.outputBlock}\n`);
}

/** Go's flag syntax: `-name value`, `-name=value`, `--name value`. */
export function parseGoFlags(args: readonly string[]): Partial<Record<Flag, string>> {
  const flags: Partial<Record<Flag, string>> = {};
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] ?? '';
    const m = /^--?([A-Za-z]+)(?:=(.*))?$/.exec(arg);
    const name = m?.[1];
    if (m === null || name === undefined) throw new CliError('BAD_INPUT', `unexpected argument: ${arg}`);
    if (name === 'help' || name === 'h') {
      throw new CliError('BAD_INPUT', `usage: weft configtxgen ${FLAGS.map((f) => `-${f} <value>`).join(' ')}`);
    }
    if (!(FLAGS as readonly string[]).includes(name)) {
      throw new CliError('BAD_INPUT', `flag provided but not supported: -${name} (supported: ${FLAGS.map((f) => `-${f}`).join(', ')})`);
    }
    let value = m[2];
    if (value === undefined) {
      value = args[i + 1];
      if (value === undefined) throw new CliError('BAD_INPUT', `flag needs an argument: -${name}`);
      i++;
    }
    flags[name as Flag] = value;
  }
  return flags;
}
