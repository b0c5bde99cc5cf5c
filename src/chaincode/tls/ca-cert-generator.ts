import { X509Certificate } from 'node:crypto';
import type { CertGenerator } from '../container-runtime.js';

/** The slice of the chaincode CA that issues credentials. */
export interface ClientCertIssuer {
  issue(commonName: string): Promise<{ keyPem: string; certPem: string }>;
}

/**
 * Gives each launched chaincode a fresh client key and certificate named after it, base64-encoded
 * because the shims decode these two files from base64 (the root certificate they read as PEM).
 */
export function caCertGenerator(opts: { issuer: ClientCertIssuer; rootCertPem: Uint8Array }): CertGenerator {
  return {
    rootCert: opts.rootCertPem,
    generate: async (cname) => {
      const pair = await opts.issuer.issue(cname);
      return {
        key: Buffer.from(pair.keyPem).toString('base64'),
        cert: Buffer.from(pair.certPem).toString('base64'),
        fingerprint256: new X509Certificate(pair.certPem).fingerprint256,
      };
    },
  };
}
