import { WeftError } from '../errors/weft-error.js';

export type Level = 'debug' | 'info' | 'warning' | 'error' | 'panic' | 'fatal';

const LEVEL_NAMES: Record<string, Level> = {
  debug: 'debug',
  info: 'info',
  warn: 'warning',
  warning: 'warning',
  error: 'error',
  panic: 'panic',
  fatal: 'fatal',
  critical: 'panic',
};

export class LoggingSpecError extends WeftError<'LOGGING_SPEC_INVALID'> {
  constructor(spec: string, detail: string) {
    super('LOGGING_SPEC_INVALID', `invalid logging specification '${spec}': ${detail}`);
  }
}

/**
 * A parsed FABRIC_LOGGING_SPEC: `[<logger>[,<logger>...]=]<level>[:...]`, e.g.
 * `info:chaincode,container=debug`. A term without loggers sets the default level; a logger name
 * also covers its dotted children (`gossip` covers `gossip.state`), the most specific name wins.
 */
export class LoggingSpec {
  private constructor(
    readonly defaultLevel: Level,
    private readonly modules: ReadonlyMap<string, Level>,
  ) {}

  static parse(spec: string): LoggingSpec {
    let defaultLevel: Level = 'info';
    const modules = new Map<string, Level>();
    for (const rawTerm of spec.split(':')) {
      const term = rawTerm.trim();
      if (term === '') continue;
      const eq = term.indexOf('=');
      if (eq < 0) {
        defaultLevel = LoggingSpec.level(spec, term);
        continue;
      }
      const level = LoggingSpec.level(spec, term.slice(eq + 1));
      for (const name of term.slice(0, eq).split(',')) {
        const module = name.trim();
        if (module === '') throw new LoggingSpecError(spec, `empty logger name in '${term}'`);
        modules.set(module, level);
      }
    }
    return new LoggingSpec(defaultLevel, modules);
  }

  private static level(spec: string, name: string): Level {
    const level = LEVEL_NAMES[name.trim().toLowerCase()];
    if (level === undefined) throw new LoggingSpecError(spec, `unknown level '${name.trim()}'`);
    return level;
  }

  levelFor(module: string): Level {
    let name = module;
    for (;;) {
      const level = this.modules.get(name);
      if (level !== undefined) return level;
      const dot = name.lastIndexOf('.');
      if (dot < 0) return this.defaultLevel;
      name = name.slice(0, dot);
    }
  }
}
