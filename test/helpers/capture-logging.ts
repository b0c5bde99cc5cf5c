import { Logging } from '../../src/common/logging/logging.js';

/** A Logging whose lines are kept for assertions instead of printed. */
export function captureLogging(spec = 'info'): { logging: Logging; lines: string[] } {
  const lines: string[] = [];
  const logging = new Logging({ spec, sink: (line) => lines.push(line.trimEnd()) });
  return { logging, lines };
}
