/** An exception node reported as it ended the process: its first line and where it was thrown. */
export interface UncaughtError {
  /** `Error: cannot load: missing config`, `SyntaxError: Unexpected token ';'`. */
  message: string;
  /** `/srv/cc/index.js:2`, or a stack frame's `/srv/cc/index.js:2:7`; undefined when none is the program's own. */
  location: string | undefined;
}

const FRAME = /^\s+at (?:.*\((.+)\)|(.+))$/;
const THROW_SITE = /^(.+):(\d+)$/;

/**
 * Reads node's report of an uncaught exception out of a process's last lines: the throw site it
 * prints first (`file:line`, then the source line and a caret), the error's first line, then its
 * stack. The site is the program's own file, also for a SyntaxError whose stack is all node's; a
 * site inside node itself gives way to the first frame outside it.
 */
export function uncaughtErrorOf(lines: readonly string[]): UncaughtError | undefined {
  const at = lines.findIndex((line, i) => !/^\s/.test(line) && line.trim() !== '' && startsStack(lines, i + 1));
  if (at < 0) return undefined;
  const message = lines[at] ?? '';
  let location: string | undefined;
  for (let i = at - 1; i >= Math.max(0, at - 5); i--) {
    const site = THROW_SITE.exec(lines[i] ?? '');
    if (site !== null && !(site[1] ?? '').startsWith('node:')) {
      location = lines[i];
      break;
    }
  }
  if (location === undefined) {
    for (const line of lines.slice(at + 1)) {
      const frame = FRAME.exec(line);
      const where = frame?.[1] ?? frame?.[2];
      if (where !== undefined && !where.startsWith('node:')) {
        location = where;
        break;
      }
    }
  }
  return { message, location };
}

/** A stack follows: `    at ...`, or node's `Require stack:` of a module not found. */
function startsStack(lines: readonly string[], from: number): boolean {
  const next = lines[from] ?? '';
  return /^\s+at /.test(next) || next === 'Require stack:';
}
