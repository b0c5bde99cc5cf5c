import { cp, mkdir, readdir, symlink, utimes } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fixtureSource, installedFixture } from './chaincode-fixture.js';

const ownTypeScript = dirname(createRequire(import.meta.url).resolve('typescript/package.json'));

/**
 * A copy of a fixture chaincode project in `parent`, its dependencies in place as after a
 * developer's `npm install`: node_modules links to the fixture's installed dependencies (and,
 * `withTypeScript`, to Weft's own TypeScript, the project's devDependency), and is newer than
 * package.json, so that `weft dev` does not install again.
 */
export async function devProject(parent: string, fixture: string, withTypeScript: boolean): Promise<string> {
  const installed = await installedFixture(fixture);
  const dir = join(parent, fixture);
  await cp(fixtureSource(fixture), dir, { recursive: true, filter: (src) => !/[\\/](node_modules|dist)([\\/]|$)/.test(src) });
  await mkdir(join(dir, 'node_modules'));
  for (const entry of await readdir(join(installed, 'node_modules'))) {
    await symlink(join(installed, 'node_modules', entry), join(dir, 'node_modules', entry));
  }
  if (withTypeScript) await symlink(ownTypeScript, join(dir, 'node_modules', 'typescript'));
  const later = new Date(Date.now() + 1000);
  await utimes(join(dir, 'node_modules'), later, later);
  return dir;
}

/** Listeners on free ports: a `weft dev` that runs beside anything else on the machine. */
export const DEV_FREE_PORTS = {
  CORE_PEER_LISTENADDRESS: '127.0.0.1:0',
  CORE_PEER_CHAINCODELISTENADDRESS: '127.0.0.1:0',
  CORE_PEER_ORDERER_LISTENADDRESS: '127.0.0.1:0',
  CORE_PEER_ORDERER_ADMINLISTENADDRESS: '127.0.0.1:0',
};

/** What `weft dev` printed for Gateway clients: endpoint, MSP ID, and the MSP folder of its certificate. */
export function devConnectionOf(output: string): { address: string; mspId: string; mspDir: string } {
  const field = (name: string): string => {
    const value = new RegExp(`^  ${name} +(\\S+)`, 'm').exec(output)?.[1];
    if (value === undefined) throw new Error(`weft dev printed no ${name}:\n${output}`);
    return value;
  };
  return { address: field('endpoint'), mspId: field('MSP ID'), mspDir: dirname(field('certificate')) };
}
