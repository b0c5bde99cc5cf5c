import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join, relative, resolve, sep } from 'node:path';
import type { RunnerFailure } from './runner-protocol.js';
import type { FileEvent, FileEventListener } from './source-watcher.js';

/** How one build went: its first error, with where, when it failed. */
export type BuildResult = { ok: true; ms: number } | { ok: false; ms: number; failure: RunnerFailure };

// tsc's own error lines: `src/index.ts(12,5): error TS2322: ...`, or `src/index.ts:12:5 - error TS2322: ...` with --pretty.
const TSC_ERROR = /^(.+?)(?:\((\d+),(\d+)\)|:(\d+):(\d+))\s*[:-]\s*(error .*)$/;

/** Runs an npm command in the project (`npm run build`, `npm install`); resolves its exit code and output. */
export async function runNpm(dir: string, args: readonly string[]): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    const child = spawn('npm', [...args], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, FORCE_COLOR: '0' } });
    let output = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
    child.on('error', (err) => resolve({ code: -1, output: `${output}\n${err.message}` }));
    child.on('close', (code) => resolve({ code: code ?? -1, output }));
  });
}

/** `npm run build`, its first error line picked out of its output when it fails. */
export async function npmBuild(dir: string): Promise<BuildResult> {
  const started = performance.now();
  const { code, output } = await runNpm(dir, ['run', 'build', '--silent']);
  const ms = performance.now() - started;
  if (code === 0) return { ok: true, ms };
  return { ok: false, ms, failure: firstBuildError(output, code) };
}

/** The first line that reads as an error, as `message` and `location` (file:line:column) when it names one. */
export function firstBuildError(output: string, code: number): RunnerFailure {
  const lines = output.split('\n').map((line) => line.trimEnd());
  for (const line of lines) {
    const tsc = TSC_ERROR.exec(line);
    if (tsc !== null) return { message: tsc[6] ?? line, location: `${tsc[1] ?? ''}:${tsc[2] ?? tsc[4] ?? ''}:${tsc[3] ?? tsc[5] ?? ''}` };
  }
  const first = lines.find((line) => /\berror\b/i.test(line)) ?? lines.find((line) => line.trim() !== '');
  return { message: first === undefined ? `npm run build exited with ${code}` : first.trim() };
}

/** The parts of TypeScript's compiler API the watch build uses. */
interface Diagnostic {
  file?: { fileName: string; getLineAndCharacterOfPosition(pos: number): { line: number; character: number } };
  start?: number;
  code: number;
  category: number;
  messageText: unknown;
}
type TsFileCallback = (fileName: string, kind: number) => void;
type TsDirectoryCallback = (fileName: string) => void;
interface WatchHost {
  setTimeout?: (callback: (...args: unknown[]) => void, ms: number, ...args: unknown[]) => unknown;
  watchFile(path: string, callback: TsFileCallback): { close(): void };
  watchDirectory(path: string, callback: TsDirectoryCallback, recursive?: boolean): { close(): void };
}
interface TypeScript {
  sys: unknown;
  DiagnosticCategory: { Error: number };
  createEmitAndSemanticDiagnosticsBuilderProgram: unknown;
  createWatchCompilerHost(
    configFile: string,
    options: object,
    system: unknown,
    createProgram: unknown,
    reportDiagnostic: (d: Diagnostic) => void,
    reportWatchStatus: (d: Diagnostic, newLine: string, options: object, errorCount?: number) => void,
  ): WatchHost;
  createWatchProgram(host: WatchHost): { close(): void };
  flattenDiagnosticMessageText(text: unknown, newLine: string): string;
}

// TypeScript's watch status messages: a compilation starts; one ended with its error count.
const STARTING = new Set([6031, 6032]);
const FOUND_ERRORS = new Set([6193, 6194]);
// TypeScript waits this long after a change before it compiles; weft dev's watcher has settled the burst already.
const COMPILE_DELAY_MS = 20;

// TypeScript's FileWatcherEventKind.
const TS_EVENT_KIND: Record<FileEvent, number> = { add: 0, change: 1, unlink: 2 };

/**
 * `tsc --watch` in this process, with the project's own TypeScript: the first build compiles the
 * project, each later one only what a change affects, so a reload does not pay for TypeScript's
 * start-up. TypeScript hears of changes from `files` (weft dev's watcher) rather than from its
 * own file watchers, which take a save's truncation for the change and then miss the write.
 * Undefined when the project has no TypeScript installed (its build then goes through npm).
 */
export function startTypeScriptWatch(
  dir: string,
  tsconfig: string,
  files: { subscribe(listener: FileEventListener): () => void },
  onBuilt: (result: BuildResult) => void,
): { close(): void } | undefined {
  let ts: TypeScript;
  try {
    ts = createRequire(join(dir, 'package.json'))('typescript') as TypeScript;
  } catch {
    return undefined;
  }
  let errors: Diagnostic[] = [];
  let started = performance.now();
  const host = ts.createWatchCompilerHost(
    join(dir, tsconfig),
    {},
    ts.sys,
    ts.createEmitAndSemanticDiagnosticsBuilderProgram,
    (diagnostic) => {
      if (diagnostic.category === ts.DiagnosticCategory.Error) errors.push(diagnostic);
    },
    (status, _newLine, _options, errorCount) => {
      if (STARTING.has(status.code)) {
        errors = [];
        started = performance.now();
        return;
      }
      if (!FOUND_ERRORS.has(status.code)) return;
      const ms = performance.now() - started;
      const first = errors[0];
      if ((errorCount ?? errors.length) === 0 || first === undefined) onBuilt({ ok: true, ms });
      else onBuilt({ ok: false, ms, failure: diagnosticFailure(ts, dir, first) });
    },
  );
  const schedule = host.setTimeout;
  if (schedule !== undefined) host.setTimeout = (callback, ms, ...args) => schedule(callback, Math.min(ms, COMPILE_DELAY_MS), ...args);
  const fileWatches = new Map<string, Set<TsFileCallback>>();
  const dirWatches = new Map<string, { recursive: boolean; callbacks: Set<TsDirectoryCallback> }>();
  const unsubscribe = files.subscribe((event, path) => {
    for (const callback of fileWatches.get(path) ?? []) callback(path, TS_EVENT_KIND[event]);
    if (event === 'change') return;
    for (const [watched, { recursive, callbacks }] of dirWatches) {
      if (dirname(path) === watched || (recursive && path.startsWith(`${watched}${sep}`))) for (const callback of callbacks) callback(path);
    }
  });
  // Files outside the project (TypeScript's own libraries, the dependencies' types) do not change while it runs.
  host.watchFile = (path, callback) => watchEntry(fileWatches, resolve(path), () => new Set<TsFileCallback>(), (set) => set.add(callback), (set) => set.delete(callback));
  host.watchDirectory = (path, callback, recursive) =>
    watchEntry(dirWatches, resolve(path), () => ({ recursive: recursive === true, callbacks: new Set<TsDirectoryCallback>() }), (entry) => entry.callbacks.add(callback), (entry) => entry.callbacks.delete(callback));
  const program = ts.createWatchProgram(host);
  return {
    close: () => {
      unsubscribe();
      program.close();
    },
  };
}

/** Adds a callback under `key`, the entry made when it is the first; its close() removes it again. */
function watchEntry<E>(map: Map<string, E>, key: string, make: () => E, add: (entry: E) => void, remove: (entry: E) => void): { close(): void } {
  let entry = map.get(key);
  if (entry === undefined) {
    entry = make();
    map.set(key, entry);
  }
  add(entry);
  const held = entry;
  return { close: () => remove(held) };
}

function diagnosticFailure(ts: TypeScript, dir: string, d: Diagnostic): RunnerFailure {
  const message = `error TS${d.code}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n').split('\n')[0] ?? ''}`;
  if (d.file === undefined || d.start === undefined) return { message };
  const { line, character } = d.file.getLineAndCharacterOfPosition(d.start);
  return { message, location: `${relative(dir, d.file.fileName)}:${line + 1}:${character + 1}` };
}
