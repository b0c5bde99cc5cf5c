import { createPrivateKey, X509Certificate } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { errorMessage } from '../errors/weft-error.js';
import { ConfigError } from './config-error.js';

export type PemKind = 'certificate' | 'private key';

const CERTIFICATE_BLOCK = /-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g;

/**
 * Reads a PEM file a setting names (`key`: a core.yaml key or a flag) and checks that it holds
 * what it should, each certificate of a bundle parsed. Unchecked, a garbage file surfaces much
 * later as OpenSSL's "no start line" from deep inside TLS, naming neither the file nor the key.
 */
export async function readPemFile(key: string, path: string, kind: PemKind): Promise<Buffer> {
  let pem: Buffer;
  try {
    pem = await readFile(path);
  } catch (err) {
    throw new ConfigError('CONFIG_INVALID_VALUE', `${key}: cannot read ${path}: ${errorMessage(err)}`, { cause: err });
  }
  const fault = kind === 'certificate' ? certificateFault(pem.toString('utf8')) : privateKeyFault(pem);
  if (fault !== undefined) throw new ConfigError('CONFIG_INVALID_VALUE', `${key}: ${path} ${fault}`);
  return pem;
}

function certificateFault(text: string): string | undefined {
  const blocks = text.match(CERTIFICATE_BLOCK) ?? [];
  if (blocks.length === 0) return 'holds no PEM certificate';
  for (const [i, block] of blocks.entries()) {
    try {
      new X509Certificate(block);
    } catch (err) {
      return `holds a certificate that does not parse (the ${ordinal(i + 1)}): ${errorMessage(err)}`;
    }
  }
  return undefined;
}

function privateKeyFault(pem: Buffer): string | undefined {
  if (!pem.toString('utf8').includes('PRIVATE KEY-----')) return 'holds no PEM private key';
  try {
    createPrivateKey(pem);
    return undefined;
  } catch (err) {
    return `holds a private key that does not parse: ${errorMessage(err)}`;
  }
}

function ordinal(n: number): string {
  return n === 1 ? '1st' : n === 2 ? '2nd' : n === 3 ? '3rd' : `${n}th`;
}
