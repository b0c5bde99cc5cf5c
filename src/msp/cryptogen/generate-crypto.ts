import { randomBytes } from 'node:crypto';
import { mkdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { errorMessage } from '../../common/errors/weft-error.js';
import type { CryptoConfig } from './crypto-config.js';
import { CryptogenError } from './cryptogen-error.js';
import { buildOrgFiles, type OrgFiles } from './org-files.js';
import { renderOrg, type RenderedOrg } from './org-layout.js';

/** One organization of a generation run: where its folder is, and whether this run made it. */
export interface GeneratedOrg {
  kind: 'peer' | 'orderer';
  domain: string;
  dir: string;
  /** False when the folder was already there: it is left as it is. */
  generated: boolean;
}

/**
 * cryptogen's `generate`: the key material of every organization of `config` under `outputDir`
 * (peerOrganizations/<domain>, ordererOrganizations/<domain>). An organization whose folder exists
 * is left untouched; a new one is written to a temporary folder beside it and renamed into place,
 * so that an interrupted run never leaves half an organization that a later run would take as made.
 * Every template is rendered before anything is written. Resolves with the orgs in config order,
 * peer orgs first (cryptogen's order).
 */
export async function generateCrypto(config: CryptoConfig, outputDir: string, opts: { now?: Date } = {}): Promise<GeneratedOrg[]> {
  const orgs = [
    ...renderAll(config.peerOrgs, 'peer', 'PeerOrgs'),
    ...renderAll(config.ordererOrgs, 'orderer', 'OrdererOrgs'),
  ];
  const now = opts.now ?? new Date();
  return Promise.all(orgs.map(({ org, kind }) => generateOrg(org, kind, outputDir, now)));
}

function renderAll(orgs: CryptoConfig['peerOrgs'], kind: 'peer' | 'orderer', key: string): Array<{ org: RenderedOrg; kind: 'peer' | 'orderer' }> {
  const domains = new Map<string, number>();
  return orgs.map((spec, i) => {
    const path = `${key}[${i}]`;
    if (spec.domain === '') throw new CryptogenError('CONFIG_INVALID', `${path}.Domain is missing: every organization needs a Domain`);
    const earlier = domains.get(spec.domain);
    if (earlier !== undefined) {
      throw new CryptogenError('CONFIG_INVALID', `${path}.Domain: ${spec.domain} is already the domain of ${key}[${earlier}]`);
    }
    domains.set(spec.domain, i);
    return { org: renderOrg(spec, kind, path), kind };
  });
}

async function generateOrg(org: RenderedOrg, kind: 'peer' | 'orderer', outputDir: string, now: Date): Promise<GeneratedOrg> {
  const parent = join(outputDir, kind === 'peer' ? 'peerOrganizations' : 'ordererOrganizations');
  const dir = join(parent, org.domain);
  if (await exists(dir)) return { kind, domain: org.domain, dir, generated: false };
  const files = buildOrgFiles(org, kind, now);
  const staging = join(parent, `.${org.domain}.partial-${process.pid}-${randomBytes(4).toString('hex')}`);
  try {
    await writeOrgFiles(staging, files);
    await rename(staging, dir);
  } catch (err) {
    await rm(staging, { recursive: true, force: true });
    // Another run made the folder meanwhile: it stays as that run left it.
    if (isCode(err, 'ENOTEMPTY') || isCode(err, 'EEXIST')) return { kind, domain: org.domain, dir, generated: false };
    if (err instanceof CryptogenError) throw err;
    throw new CryptogenError('OUTPUT_UNWRITABLE', `cannot write ${dir}: ${errorMessage(err)}`, { cause: err });
  }
  return { kind, domain: org.domain, dir, generated: true };
}

async function writeOrgFiles(root: string, org: OrgFiles): Promise<void> {
  // Only the deepest folders: creating those makes their parents, with fewer calls.
  const dirs = [...org.dirs];
  const leaves = dirs.filter((d) => !dirs.some((other) => other.startsWith(`${d}/`)));
  await Promise.all(leaves.map((d) => mkdir(join(root, d), { recursive: true, mode: 0o755 })));
  await Promise.all([...org.files].map(([path, f]) => writeFile(join(root, path), f.content, { mode: f.mode })));
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch (err) {
    if (isCode(err, 'ENOENT')) return false;
    throw new CryptogenError('OUTPUT_UNWRITABLE', `cannot read ${path}: ${errorMessage(err)}`, { cause: err });
  }
}

function isCode(err: unknown, code: string): boolean {
  return (err as { code?: unknown } | null)?.code === code;
}
