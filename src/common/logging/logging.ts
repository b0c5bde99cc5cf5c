import { LoggingSpec, type Level } from './logging-spec.js';

/** Fabric's four-letter level tags, as its log lines print them. */
const LEVEL_TAGS: Record<Level, string> = {
  debug: 'DEBU',
  info: 'INFO',
  warning: 'WARN',
  error: 'ERRO',
  panic: 'PANI',
  fatal: 'FATA',
};

const LEVEL_RANK: Record<Level, number> = { debug: 0, info: 1, warning: 2, error: 3, panic: 4, fatal: 5 };

export type LogSink = (line: string) => void;

export interface LoggingOptions {
  /** A FABRIC_LOGGING_SPEC value, e.g. `info:chaincode,container=debug`. */
  spec?: string;
  /** Where finished lines go; stderr by default, as Fabric logs. */
  sink?: LogSink;
  /** Clock for timestamps; tests pin it. */
  now?: () => Date;
}

/**
 * The logging system of one peer process (Fabric's flogging): one sequence counter, one spec,
 * any number of named loggers. Built once by the composition root and passed down.
 */
export class Logging {
  private spec: LoggingSpec;
  /** The spec as it was activated (`info` for none), as the operations service's /logspec shows it. */
  private specText: string;
  private sequence = 0;
  private readonly sink: LogSink;
  private readonly now: () => Date;
  private readonly loggers = new Map<string, Logger>();

  constructor(opts: LoggingOptions = {}) {
    this.spec = LoggingSpec.parse(opts.spec ?? '');
    this.specText = specTextOf(opts.spec ?? '');
    this.sink = opts.sink ?? ((line) => process.stderr.write(line));
    this.now = opts.now ?? (() => new Date());
  }

  /** The logger for a Fabric module name (`chaincode`, `sccapi`, `inproccontroller`, ...). */
  logger(module: string): Logger {
    let logger = this.loggers.get(module);
    if (logger === undefined) {
      logger = new Logger(module, this.spec.levelFor(module), this);
      this.loggers.set(module, logger);
    }
    return logger;
  }

  /** The spec in force, as it was given (`info` when none was). */
  get currentSpec(): string {
    return this.specText;
  }

  /** Replace the spec at run time; every logger picks up its new level. A bad spec throws and changes nothing. */
  setSpec(spec: string): void {
    this.spec = LoggingSpec.parse(spec);
    this.specText = specTextOf(spec);
    for (const [module, logger] of this.loggers) logger.setLevel(this.spec.levelFor(module));
  }

  /** @internal Formats and writes one line; called by Logger only once the level passed. */
  write(module: string, func: string, level: Level, message: string): void {
    const seq = (++this.sequence).toString(16).padStart(3, '0');
    const iso = this.now().toISOString();
    const stamp = `${iso.slice(0, 10)} ${iso.slice(11, 23)} UTC`;
    this.sink(`${stamp} [${module}] ${func} -> ${LEVEL_TAGS[level]} ${seq} ${message}\n`);
  }
}

/** A named logger. `func` is the function name Fabric prints before the arrow. */
export class Logger {
  private rank: number;

  constructor(
    readonly module: string,
    level: Level,
    private readonly logging: Logging,
  ) {
    this.rank = LEVEL_RANK[level];
  }

  /** @internal */
  setLevel(level: Level): void {
    this.rank = LEVEL_RANK[level];
  }

  /** Guard for debug lines whose message is costly to build (the message hot path). */
  get debugEnabled(): boolean {
    return this.rank <= 0;
  }

  isEnabledFor(level: Level): boolean {
    return this.rank <= LEVEL_RANK[level];
  }

  debug(func: string, message: string): void {
    if (this.rank <= 0) this.logging.write(this.module, func, 'debug', message);
  }

  info(func: string, message: string): void {
    if (this.rank <= 1) this.logging.write(this.module, func, 'info', message);
  }

  warn(func: string, message: string): void {
    if (this.rank <= 2) this.logging.write(this.module, func, 'warning', message);
  }

  error(func: string, message: string): void {
    if (this.rank <= 3) this.logging.write(this.module, func, 'error', message);
  }

  /** A fault the peer cannot go on from; the caller decides how to stop. */
  fatal(func: string, message: string): void {
    this.logging.write(this.module, func, 'fatal', message);
  }
}

function specTextOf(spec: string): string {
  return spec.trim() === '' ? 'info' : spec.trim();
}
