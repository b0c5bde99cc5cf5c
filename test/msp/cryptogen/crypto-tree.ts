import { execFile } from 'node:child_process';
import { X509Certificate, createPrivateKey } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** The crypto folder and crypto-config.yaml Fabric 2.4.9's cryptogen made (shared/ beside the repo). */
export const FABRIC_FIXTURE = fileURLToPath(new URL('../../../../../shared/fixtures/fabric-2.4.9/', import.meta.url));
export const FABRIC_CRYPTO = join(FABRIC_FIXTURE, 'crypto');

/** Every file and every folder under `root`, as sorted relative paths. */
export async function listTree(root: string): Promise<{ files: string[]; dirs: string[] }> {
  const entries = await readdir(root, { recursive: true, withFileTypes: true });
  const files: string[] = [];
  const dirs: string[] = [];
  for (const e of entries) (e.isDirectory() ? dirs : files).push(relative(root, join(e.parentPath, e.name)));
  return { files: files.sort(), dirs: dirs.sort() };
}

export async function openssl(...args: string[]): Promise<string> {
  return (await run('openssl', args)).stdout;
}

/** `openssl x509 -text` without what differs between two runs: keys, serials, signatures, dates, key ids. */
export async function certText(file: string): Promise<string> {
  const text = await openssl('x509', '-in', file, '-noout', '-text');
  return text
    .split('\n')
    .filter((l) => !/^\s+([0-9a-f]{2}:)+[0-9a-f]{0,2}$/.test(l) && !/Not (Before|After)/.test(l))
    .map((l) => l.replace(/([0-9A-F]{2}:){31}[0-9A-F]{2}/, 'KEYID'))
    .join('\n');
}

/** `openssl asn1parse` reduced to the structure: depth, tags, string types, OIDs, but no lengths or values. */
export async function certStructure(file: string): Promise<string> {
  const text = await openssl('asn1parse', '-in', file);
  return text
    .split('\n')
    .map((l) =>
      l
        .replace(/^ *\d+:d=(\d+) +hl= *\d+ l= *\d+/, 'd=$1')
        .replace(/\[HEX DUMP\]:.*/, 'HEX')
        .replace(/(INTEGER +:).*/, '$1X')
        .replace(/((UTC|GENERALIZED)TIME +:).*/, '$1T'),
    )
    .join('\n');
}

export async function readCert(file: string): Promise<X509Certificate> {
  return new X509Certificate(await readFile(file));
}

/** Does the PKCS#8 key in `keyFile` belong to the certificate in `certFile`? */
export async function keyMatches(keyFile: string, certFile: string): Promise<boolean> {
  const key = createPrivateKey(await readFile(keyFile));
  return (await readCert(certFile)).checkPrivateKey(key);
}

/** The (r, s) of a certificate's ECDSA signature, read from its DER. */
export function signatureOf(cert: X509Certificate): { r: bigint; s: bigint } {
  const der = cert.raw;
  const children = (buf: Buffer, start: number, end: number): Array<{ tag: number; start: number; end: number }> => {
    const out = [];
    let i = start;
    while (i < end) {
      const tag = buf[i] ?? 0;
      let len = buf[i + 1] ?? 0;
      let head = 2;
      if (len & 0x80) {
        const n = len & 0x7f;
        len = 0;
        for (let k = 0; k < n; k++) len = len * 256 + (buf[i + 2 + k] ?? 0);
        head += n;
      }
      out.push({ tag, start: i + head, end: i + head + len });
      i += head + len;
    }
    return out;
  };
  const [top] = children(der, 0, der.length);
  if (top === undefined) throw new Error('empty certificate');
  const sig = children(der, top.start, top.end)[2];
  if (sig === undefined) throw new Error('no signature');
  const seq = children(der, sig.start + 1, sig.end)[0];
  if (seq === undefined) throw new Error('no signature sequence');
  const [r, s] = children(der, seq.start, seq.end).map((c) => BigInt(`0x${der.subarray(c.start, c.end).toString('hex')}`));
  if (r === undefined || s === undefined) throw new Error('no r, s');
  return { r, s };
}

export const P256_HALF_ORDER = 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n / 2n;
