/** Certificates for MSP tests, made with the openssl command line (as an operator would make them). */
import { execFileSync } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export interface Ca {
  readonly dir: string;
  readonly certPem: string;
  readonly keyFile: string;
  readonly certFile: string;
}

export interface Leaf {
  readonly certPem: string;
  readonly certFile: string;
  readonly keyFile: string;
}

function openssl(args: readonly string[], cwd: string): string {
  return execFileSync('openssl', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

const EXTENSIONS = `
[ ca_ext ]
basicConstraints = critical,CA:TRUE
keyUsage = critical,keyCertSign,cRLSign,digitalSignature
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
[ leaf_ext ]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
[ crl_ext ]
authorityKeyIdentifier = keyid:always
`;

/** An `openssl ca` configuration for the CA in `dir` (its database, CRL numbers, extensions). */
function caConfig(dir: string): string {
  return `
[ ca ]
default_ca = CA_default
[ CA_default ]
dir = ${dir}
database = ${dir}/index.txt
new_certs_dir = ${dir}/newcerts
serial = ${dir}/serial
crlnumber = ${dir}/crlnumber
certificate = ${dir}/ca.pem
private_key = ${dir}/ca.key
default_md = sha256
default_crl_days = 30
crl_extensions = crl_ext
policy = policy_any
preserve = yes
unique_subject = no
email_in_dn = no
[ policy_any ]
organizationName = optional
organizationalUnitName = optional
commonName = supplied
[ req ]
distinguished_name = req_dn
[ req_dn ]
${EXTENSIONS}`;
}

async function newKey(file: string, cwd: string, type: 'ec' | 'ed25519' = 'ec'): Promise<void> {
  if (type === 'ed25519') openssl(['genpkey', '-algorithm', 'ed25519', '-out', file], cwd);
  else openssl(['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', file], cwd);
}

async function prepareCaDir(dir: string): Promise<string> {
  await mkdir(join(dir, 'newcerts'), { recursive: true });
  await writeFile(join(dir, 'index.txt'), '');
  await writeFile(join(dir, 'serial'), `${Math.floor(Math.random() * 1e6).toString(16).padStart(6, '0')}01\n`);
  await writeFile(join(dir, 'crlnumber'), '01\n');
  const config = join(dir, 'openssl.cnf');
  await writeFile(config, caConfig(dir));
  return config;
}

/**
 * A self-signed root CA, valid from `startDate` (YYYYMMDDHHMMSSZ) for 20 years: `openssl ca
 * -selfsign` can back-date a root, so that a back-dated (expired) leaf still has a valid chain at its issuance.
 */
export async function makeRootCa(dir: string, subject: string, startDate = '20200101000000Z'): Promise<Ca> {
  const config = await prepareCaDir(dir);
  await newKey('ca.key', dir);
  openssl(['req', '-new', '-key', 'ca.key', '-subj', subject, '-out', 'ca.csr', '-config', config], dir);
  openssl(['ca', '-batch', '-config', config, '-selfsign', '-keyfile', 'ca.key', '-in', 'ca.csr', '-out', 'ca.pem', '-notext',
    '-startdate', startDate, '-enddate', '20451231000000Z', '-extensions', 'ca_ext'], dir);
  return { dir, certPem: await readFile(join(dir, 'ca.pem'), 'utf8'), keyFile: join(dir, 'ca.key'), certFile: join(dir, 'ca.pem') };
}

/** An intermediate CA signed by `parent`. */
export async function makeIntermediateCa(parent: Ca, dir: string, subject: string, startDate = '20200101000000Z'): Promise<Ca> {
  const config = await prepareCaDir(dir);
  await newKey('ca.key', dir);
  openssl(['req', '-new', '-key', 'ca.key', '-subj', subject, '-out', 'ca.csr', '-config', config], dir);
  openssl(['ca', '-batch', '-config', join(parent.dir, 'openssl.cnf'), '-in', join(dir, 'ca.csr'), '-out', join(dir, 'ca.pem'), '-notext',
    '-startdate', startDate, '-enddate', '20451231000000Z', '-extensions', 'ca_ext'], dir);
  return { dir, certPem: await readFile(join(dir, 'ca.pem'), 'utf8'), keyFile: join(dir, 'ca.key'), certFile: join(dir, 'ca.pem') };
}

/** A leaf certificate issued by `ca` (subject kept as given, several OUs allowed). */
export async function makeLeaf(
  ca: Ca,
  dir: string,
  name: string,
  subject: string,
  opts: { startDate?: string; endDate?: string; keyType?: 'ec' | 'ed25519'; extensions?: 'leaf_ext' | 'ca_ext' } = {},
): Promise<Leaf> {
  await mkdir(dir, { recursive: true });
  const keyFile = join(dir, `${name}.key`);
  const certFile = join(dir, `${name}.pem`);
  await newKey(keyFile, dir, opts.keyType);
  openssl(['req', '-new', '-key', keyFile, '-subj', subject, '-out', join(dir, `${name}.csr`), '-config', join(ca.dir, 'openssl.cnf')], dir);
  openssl(['ca', '-batch', '-config', join(ca.dir, 'openssl.cnf'), '-in', join(dir, `${name}.csr`), '-out', certFile, '-notext',
    '-startdate', opts.startDate ?? '20250101000000Z', '-enddate', opts.endDate ?? '20401231000000Z', '-extensions', opts.extensions ?? 'leaf_ext'], dir);
  return { certPem: await readFile(certFile, 'utf8'), certFile, keyFile };
}

/** Revokes `leaf` in `ca`'s database and writes the CA's CRL (with its AKI, as Fabric matches CRLs by it). */
export async function revokeAndMakeCrl(ca: Ca, leaf: Leaf): Promise<string> {
  const config = join(ca.dir, 'openssl.cnf');
  openssl(['ca', '-batch', '-config', config, '-revoke', leaf.certFile], ca.dir);
  openssl(['ca', '-batch', '-config', config, '-gencrl', '-out', join(ca.dir, 'crl.pem')], ca.dir);
  return readFile(join(ca.dir, 'crl.pem'), 'utf8');
}
