import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cp, mkdir, readdir, readFile, rename, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const FIXTURES = fileURLToPath(new URL('../../../test/fixtures/chaincode/', import.meta.url));

/** The source folder of a test chaincode under test/fixtures/chaincode. */
export function fixtureSource(name: string): string {
  return join(FIXTURES, name);
}

/**
 * A test chaincode with its npm dependencies installed, ready to run by hand (dev mode). Built
 * once per content into the system's temporary folder and reused by later tests and runs.
 */
export async function installedFixture(name: string): Promise<string> {
  const source = fixtureSource(name);
  const hash = createHash('sha256');
  for (const file of await sourceFiles(source)) hash.update(file).update(await readFile(join(source, file)));
  const dir = join(tmpdir(), 'weft-test-chaincodes', `${name}-${hash.digest('hex').slice(0, 16)}`);
  const ready = await stat(join(dir, 'node_modules')).then(
    () => true,
    () => false,
  );
  if (ready) return dir;
  const staging = `${dir}.${process.pid}`;
  await rm(staging, { recursive: true, force: true });
  await mkdir(staging, { recursive: true });
  await cp(source, staging, { recursive: true, filter: (src) => !/[\\/](node_modules|dist)([\\/]|$)/.test(src) });
  await run('npm', ['install', '--no-audit', '--no-fund', '--omit=dev'], { cwd: staging, env: process.env });
  await rename(staging, dir).catch(async () => {
    // Another test file finished the same install first: use its copy.
    await rm(staging, { recursive: true, force: true });
  });
  return dir;
}

/** The fixture's own files, relative to it, sorted; dependencies and build output left out. */
async function sourceFiles(dir: string, prefix = ''): Promise<string[]> {
  const found: string[] = [];
  for (const entry of (await readdir(join(dir, prefix), { withFileTypes: true })).sort((a, b) => a.name.localeCompare(b.name))) {
    if (entry.name === 'node_modules' || entry.name === 'dist') continue;
    const path = join(prefix, entry.name);
    if (entry.isDirectory()) found.push(...(await sourceFiles(dir, path)));
    else found.push(path);
  }
  return found;
}
