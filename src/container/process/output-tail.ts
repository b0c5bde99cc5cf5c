/**
 * Splits a child's output into lines and keeps the last few, so that the error reporting its
 * failure can quote what it said last. Each complete line goes to `onLine` as it arrives.
 */
export class OutputTail {
  private readonly lines: string[] = [];
  private readonly partial = new Map<string, string>();

  constructor(
    private readonly keep: number,
    private readonly onLine: (line: string, stream: string) => void,
  ) {}

  /** A chunk of `stream` (stdout or stderr); a line may span chunks. */
  push(stream: string, chunk: string): void {
    const text = (this.partial.get(stream) ?? '') + chunk;
    const parts = text.split(/\r?\n/);
    this.partial.set(stream, parts.pop() ?? '');
    for (const line of parts) this.add(line, stream);
  }

  /** Flushes unterminated lines once the streams have ended. */
  end(): void {
    for (const [stream, rest] of this.partial) if (rest !== '') this.add(rest, stream);
    this.partial.clear();
  }

  /** The last lines, oldest first. */
  get last(): readonly string[] {
    return this.lines;
  }

  private add(raw: string, stream: string): void {
    // Colour codes (the shim's logger uses them) mean nothing in the peer's log.
    const line = raw.replace(ANSI_ESCAPE, '').trimEnd();
    if (line === '') return;
    this.onLine(line, stream);
    this.lines.push(line);
    if (this.lines.length > this.keep) this.lines.shift();
  }
}

// The escape character is what it matches.
// eslint-disable-next-line no-control-regex
const ANSI_ESCAPE = /\u001b\[[0-9;]*[A-Za-z]/g;
