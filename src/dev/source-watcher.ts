import { relative, sep } from 'node:path';
import { watch, type FSWatcher } from 'chokidar';

/** Folders never watched: dependencies, weft dev's own data, version control. */
const IGNORED_DIRS = new Set(['node_modules', '.weft', '.git']);
// What a Node.js chaincode is made of; anything else (an editor's temporary file, a README) changes nothing.
const SOURCE_FILE = /\.(?:[cm]?[jt]sx?|json)$/;
// Editors save in bursts (a temporary file, a rename, the file itself): one reload for them all.
const SETTLE_MS = 30;
const STABLE_MS = 15;
const STABLE_POLL_MS = 5;

/** One file's change, as it happened (absolute path). */
export type FileEvent = 'add' | 'change' | 'unlink';
export type FileEventListener = (event: FileEvent, path: string) => void;

export interface SourceWatcherOptions {
  dir: string;
  /** Also ignored: paths under these folders, relative to `dir` (a build's output). */
  ignore?: readonly string[];
  /** Called once a burst of changes has settled, with the paths (relative to `dir`) that changed. */
  onChange(paths: string[]): void;
}

/**
 * Watches a project's files (chokidar: it follows files that editors replace rather than write),
 * for changes of JavaScript, TypeScript and JSON files, leaving out dependencies, `.weft`, `.git`,
 * and the folders it is told to ignore.
 */
export class SourceWatcher {
  private readonly watcher: FSWatcher;
  private readonly listeners = new Set<FileEventListener>();
  private pending = new Set<string>();
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly opts: SourceWatcherOptions) {
    this.watcher = watch(opts.dir, {
      ignoreInitial: true,
      ignored: (path) => this.ignored(relative(opts.dir, path)),
      // An editor's save truncates the file, then writes it, within one tick of the file system's
      // clock: an event taken at the truncation would read an empty file, and the write that follows,
      // its modification time unchanged, would be taken for no change. The file must hold still first.
      awaitWriteFinish: { stabilityThreshold: STABLE_MS, pollInterval: STABLE_POLL_MS },
    });
    this.watcher.on('all', (event, path) => {
      if ((event !== 'add' && event !== 'change' && event !== 'unlink') || !SOURCE_FILE.test(path)) return;
      for (const listener of this.listeners) listener(event, path);
      this.note(relative(opts.dir, path));
    });
    // A folder removed under the watch is not a reason to stop the session.
    this.watcher.on('error', () => undefined);
  }

  /** Also tells `listener` of each file's change as it comes (before the burst settles); returns its removal. */
  subscribe(listener: FileEventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Resolves once the project's files are all watched. */
  async ready(): Promise<void> {
    await new Promise<void>((resolve) => this.watcher.once('ready', () => resolve()));
  }

  async close(): Promise<void> {
    clearTimeout(this.timer);
    await this.watcher.close();
  }

  private ignored(file: string): boolean {
    if (file === '') return false;
    const parts = file.split(sep);
    if (parts.some((part) => IGNORED_DIRS.has(part))) return true;
    return (this.opts.ignore ?? []).some((dir) => file === dir || file.startsWith(`${dir}${sep}`));
  }

  private note(file: string): void {
    this.pending.add(file);
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      const paths = [...this.pending];
      this.pending = new Set();
      this.opts.onChange(paths);
    }, SETTLE_MS);
  }
}
