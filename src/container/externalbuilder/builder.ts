import { access, constants } from 'node:fs/promises';
import { join } from 'node:path';
import { errorMessage } from '../../common/errors/weft-error.js';
import type { Logger } from '../../common/logging/logging.js';
import { ChaincodeProcess, type ChaincodeOutput } from '../process/chaincode-process.js';
import { runCommand, type CommandResult } from '../process/run-command.js';
import { builderEnv } from './builder-env.js';
import { ExternalBuilderError, type BuilderStep, type ExternalBuilderErrorCode } from './external-builder-error.js';

/** One entry of chaincode.externalBuilders (structurally the config's ExternalBuilderConfig). */
export interface ExternalBuilderDefinition {
  /** Names the builder in log lines and in the build-info.json of its builds. */
  name: string;
  /** The folder holding bin/detect, bin/build and, optionally, bin/release and bin/run. */
  path: string;
  /** Variables of the peer's environment its commands get, besides Fabric's defaults. */
  propagateEnvironment?: readonly string[] | undefined;
}

/** The folders of one build, as the builder's commands get them. */
export interface BuildFolders {
  /** The unpacked code.tar.gz. */
  sourceDir: string;
  /** Holds metadata.json. */
  metadataDir: string;
  /** Where bin/build writes its output (Fabric's `bld`). */
  buildDir: string;
  /** Where bin/release writes what the peer reads (chaincode/server/connection.json, statedb indexes). */
  releaseDir: string;
}

export interface BuilderOptions {
  definition: ExternalBuilderDefinition;
  /** The peer's environment, of which the builder gets only what it propagates. */
  env: NodeJS.ProcessEnv;
  /** The builder's own logger (`chaincode.externalbuilder.<name>`): its commands' output. */
  logger: Logger;
  /** The detector's logger (`chaincode.externalbuilder`). */
  detectorLogger: Logger;
  /** How many last lines of a command's output an error quotes. */
  keepLines: number;
}

/**
 * One configured external builder: runs its bin/detect, bin/build, bin/release and bin/run with
 * Fabric's arguments and an environment pruned to what it propagates, logging each line of their
 * output under the builder's name.
 */
export class Builder {
  readonly name: string;
  readonly location: string;
  private readonly env: Record<string, string>;

  constructor(private readonly opts: BuilderOptions) {
    this.name = opts.definition.name;
    this.location = opts.definition.path;
    this.env = builderEnv(opts.definition.propagateEnvironment ?? [], opts.env);
  }

  /** bin/<step> of this builder. */
  commandPath(step: BuilderStep): string {
    return join(this.location, 'bin', step);
  }

  /** Whether bin/<step> is there and executable (release and run are optional). */
  async has(step: BuilderStep): Promise<boolean> {
    return access(this.commandPath(step), constants.X_OK).then(
      () => true,
      () => false,
    );
  }

  /** `bin/detect SOURCE METADATA`: true when it exits 0; any failure means "not mine". */
  async detect(folders: BuildFolders, signal?: AbortSignal): Promise<boolean> {
    const result = await this.run('detect', [folders.sourceDir, folders.metadataDir], signal).catch((err: unknown) => errorMessage(err));
    if (typeof result === 'string' || result.exitCode !== 0) {
      const why = typeof result === 'string' ? result : exitText(result);
      this.opts.detectorLogger.debug('Detect', `builder '${this.name}' detect failed: ${why}`);
      return false;
    }
    return true;
  }

  /** `bin/build SOURCE METADATA OUTPUT`; fails with the exit and the last lines of output. */
  async build(folders: BuildFolders, signal?: AbortSignal): Promise<void> {
    await this.runStep('build', [folders.sourceDir, folders.metadataDir, folders.buildDir], signal);
  }

  /** `bin/release OUTPUT RELEASE` when the builder has one; skipped otherwise, as in Fabric. */
  async release(packageId: string, folders: BuildFolders, signal?: AbortSignal): Promise<void> {
    if (!(await this.has('release'))) {
      this.opts.logger.debug('Release', `Skipping release step for '${packageId}' as no release binary found`);
      return;
    }
    await this.runStep('release', [folders.buildDir, folders.releaseDir], signal);
  }

  /**
   * Starts `bin/run OUTPUT RUN_METADATA` as the chaincode: a process group of its own, stopped
   * with the group, and ended by a watchdog should the peer die first.
   */
  startRun(buildDir: string, runMetadataDir: string, keepLines: number): Promise<ChaincodeProcess> {
    return ChaincodeProcess.start({
      command: this.commandPath('run'),
      args: [buildDir, runMetadataDir],
      cwd: process.cwd(),
      env: this.env,
      output: this.outputOf('run'),
      keepLines,
    });
  }

  private async runStep(step: 'build' | 'release', args: string[], signal: AbortSignal | undefined): Promise<void> {
    const code: ExternalBuilderErrorCode = step === 'build' ? 'BUILD_FAILED' : 'RELEASE_FAILED';
    // Fabric's words: "external builder failed to build: external builder 'x' failed: exit status 1".
    const prefix =
      step === 'build' ? `external builder failed to build: external builder '${this.name}' failed` : `external builder failed to release: builder '${this.name}' release failed`;
    let result: CommandResult;
    try {
      result = await this.run(step, args, signal);
    } catch (err) {
      throw new ExternalBuilderError(code, `${prefix}: ${errorMessage(err)}`, { builder: this.name, step }, { cause: err });
    }
    if (result.exitCode === 0) return;
    const output = result.lastLines.length === 0 ? '' : `; last output:\n  ${result.lastLines.join('\n  ')}`;
    throw new ExternalBuilderError(code, `${prefix}: ${exitText(result)}${output}`, {
      builder: this.name,
      step,
      exitCode: result.exitCode,
      lastLines: result.lastLines,
    });
  }

  private run(step: BuilderStep, args: string[], signal: AbortSignal | undefined): Promise<CommandResult> {
    const output = this.outputOf(step);
    return runCommand({
      command: this.commandPath(step),
      args,
      cwd: process.cwd(),
      env: this.env,
      onLine: (line) => output.info('waitForExit', line),
      keepLines: this.opts.keepLines,
      signal,
    });
  }

  /** Each output line at info, with the command as Fabric's structured field prints it. */
  private outputOf(step: BuilderStep): ChaincodeOutput {
    const { logger } = this.opts;
    const field = ` {"command": "${step}"}`;
    return {
      info: (func, line) => logger.info(func === 'output' ? 'waitForExit' : func, `${line}${field}`),
      warn: (func, line) => logger.info(func === 'output' ? 'waitForExit' : func, `${line}${field}`),
      debug: (func, message) => logger.debug(func, message),
    };
  }
}

/** How a command ended, as Go's exec error says it: `exit status 2`, `signal: killed`. */
function exitText(result: CommandResult): string {
  return result.signal === null ? `exit status ${result.exitCode}` : `signal: ${result.signal}`;
}
