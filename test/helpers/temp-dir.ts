import { rmSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const made: string[] = [];
if (process.env.NODE_TEST_CONTEXT !== undefined) {
  // Under node's test runner: registered once, at the top of the test file, so that the folders
  // outlive every test and hook in it.
  const { after } = await import('node:test');
  after(async () => {
    for (const dir of made.splice(0)) await rm(dir, { recursive: true, force: true });
  });
} else {
  // A benchmark loads some test helpers too: there node:test would print an empty test report into
  // its JSON lines, so the folders go when the process exits.
  process.once('exit', () => {
    for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
  });
}

/** A fresh temporary folder, removed when the test file (or the process running it) ends. */
export async function tempDir(prefix = 'weft-test-'): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  made.push(dir);
  return dir;
}
