import { execFile } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** A certificate and its key, as files and as PEM. */
export interface IssuedCert {
  certFile: string;
  keyFile: string;
  certPem: string;
  keyPem: string;
}

/**
 * A certificate authority driven by the `openssl` command line, so that tests check Weft against
 * certificates no Weft code made: leaves with chosen OUs and validity dates, revocations and CRLs.
 */
export class OpensslCa {
  private constructor(
    private readonly dir: string,
    readonly certFile: string,
    private readonly keyFile: string,
  ) {}

  /** A new self-signed ECDSA P-256 CA under `dir`. */
  static async create(dir: string, subject: string): Promise<OpensslCa> {
    await mkdir(dir, { recursive: true });
    const keyFile = join(dir, 'ca.key');
    const certFile = join(dir, 'ca.crt');
    await run('openssl', ['ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', keyFile]);
    await run('openssl', [
      'req', '-new', '-x509', '-key', keyFile, '-out', certFile, '-days', '3650', '-subj', subject, '-sha256',
      '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign,digitalSignature',
    ]);
    return OpensslCa.open(dir, certFile, keyFile);
  }

  /** A CA whose certificate and key already exist (say, one `weft crypto generate` made), kept in `dir`. */
  static async open(dir: string, certFile: string, keyFile: string): Promise<OpensslCa> {
    await mkdir(join(dir, 'newcerts'), { recursive: true });
    await writeFile(join(dir, 'index.txt'), '');
    await writeFile(join(dir, 'serial'), '1000\n');
    await writeFile(join(dir, 'crlnumber'), '1000\n');
    await writeFile(
      join(dir, 'ca.cnf'),
      [
        '[ ca ]',
        'default_ca = weft_ca',
        '[ weft_ca ]',
        `database = ${join(dir, 'index.txt')}`,
        `new_certs_dir = ${join(dir, 'newcerts')}`,
        `serial = ${join(dir, 'serial')}`,
        `crlnumber = ${join(dir, 'crlnumber')}`,
        `certificate = ${certFile}`,
        `private_key = ${keyFile}`,
        'default_md = sha256',
        'default_days = 365',
        'default_crl_days = 30',
        'policy = any_name',
        // Fabric finds a CRL's issuer by its Authority Key Identifier.
        'crl_extensions = crl_ext',
        'unique_subject = no',
        '[ any_name ]',
        'countryName = optional',
        'stateOrProvinceName = optional',
        'localityName = optional',
        'organizationName = optional',
        'organizationalUnitName = optional',
        'commonName = supplied',
        '[ crl_ext ]',
        'authorityKeyIdentifier = keyid:always',
        '[ leaf ]',
        'basicConstraints = critical,CA:FALSE',
        'keyUsage = critical,digitalSignature',
        'subjectKeyIdentifier = hash',
        'authorityKeyIdentifier = keyid',
        '',
      ].join('\n'),
    );
    return new OpensslCa(dir, certFile, keyFile);
  }

  /** Issues a leaf (ECDSA P-256); dates are openssl's YYYYMMDDHHMMSSZ. */
  async issue(name: string, subject: string, dates?: { start: string; end: string }): Promise<IssuedCert> {
    const keyFile = join(this.dir, `${name}.key`);
    const csrFile = join(this.dir, `${name}.csr`);
    const certFile = join(this.dir, `${name}.crt`);
    await run('openssl', ['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', keyFile]);
    await run('openssl', ['req', '-new', '-key', keyFile, '-out', csrFile, '-subj', subject]);
    const validity = dates === undefined ? [] : ['-startdate', dates.start, '-enddate', dates.end];
    await run('openssl', ['ca', '-batch', '-notext', '-config', join(this.dir, 'ca.cnf'), '-extensions', 'leaf', '-in', csrFile, '-out', certFile, ...validity]);
    return { certFile, keyFile, certPem: await readFile(certFile, 'utf8'), keyPem: await readFile(keyFile, 'utf8') };
  }

  async revoke(cert: IssuedCert): Promise<void> {
    await run('openssl', ['ca', '-config', join(this.dir, 'ca.cnf'), '-revoke', cert.certFile]);
  }

  /** The CA's current CRL, PEM. */
  async crl(): Promise<string> {
    const out = join(this.dir, 'crl.pem');
    await run('openssl', ['ca', '-gencrl', '-config', join(this.dir, 'ca.cnf'), '-out', out]);
    return readFile(out, 'utf8');
  }
}

/** Lays an identity out as an MSP folder (signcerts, keystore), so that Weft's loader reads it as a user's. */
export async function writeMspFolder(dir: string, cert: IssuedCert): Promise<string> {
  await mkdir(join(dir, 'signcerts'), { recursive: true });
  await mkdir(join(dir, 'keystore'), { recursive: true });
  await writeFile(join(dir, 'signcerts', 'cert.pem'), cert.certPem);
  await writeFile(join(dir, 'keystore', 'priv_sk'), cert.keyPem);
  return dir;
}
