import { KeyUsageFlags, id_kp_clientAuth, id_kp_serverAuth } from '@peculiar/asn1-x509';
import type { IssuedCertificate } from './certificate.js';
import { CertificateAuthority, generateKeyPair } from './certificate-authority.js';
import type { RenderedOrg } from './org-layout.js';

/** The NodeOU a node's enrollment certificate carries when NodeOUs are on. */
export type NodeType = 'client' | 'peer' | 'admin' | 'orderer';

/** Files of one organization's folder, built in memory, then written in one go. */
export interface OrgFiles {
  /** Folders relative to the organization's folder (some stay empty, as cryptogen leaves admincerts). */
  readonly dirs: ReadonlySet<string>;
  readonly files: ReadonlyMap<string, { content: string; mode: number }>;
}

const KEY_MODE = 0o600;
const FILE_MODE = 0o644;

class FileSet implements OrgFiles {
  readonly dirs = new Set<string>();
  readonly files = new Map<string, { content: string; mode: number }>();

  dir(path: string): void {
    this.dirs.add(path);
  }

  file(dir: string, name: string, content: string, mode = FILE_MODE): void {
    this.dirs.add(dir);
    this.files.set(`${dir}/${name}`, { content, mode });
  }
}

interface OrgContext {
  files: FileSet;
  signCa: CertificateAuthority;
  tlsCa: CertificateAuthority;
  nodeOUs: boolean;
}

const certFile = (name: string): string => `${name}-cert.pem`;

/**
 * Everything cryptogen writes for one organization: ca/ and tlsca/ (certificate and priv_sk), the
 * verifying msp/, one local MSP and TLS folder per node (peers/ or orderers/) and per user (users/:
 * User1..N for a peer org, then Admin). Without NodeOUs, admincerts hold Admin's certificate (a
 * user's own for each user, as cryptogen leaves them); with NodeOUs they stay empty, and config.yaml
 * maps the OUs client, peer, admin, orderer to the signing CA.
 */
export function buildOrgFiles(org: RenderedOrg, kind: 'peer' | 'orderer', now: Date): OrgFiles {
  const files = new FileSet();
  const caOpts = { organization: org.domain, spec: org.ca, now };
  const signCa = CertificateAuthority.create({ ...caOpts, name: org.ca.commonName });
  const tlsCa = CertificateAuthority.create({ ...caOpts, name: `tls${org.ca.commonName}` });
  files.file('ca', certFile(signCa.name), signCa.certificate.pem);
  files.file('ca', 'priv_sk', signCa.keys.privateKeyPem, KEY_MODE);
  files.file('tlsca', certFile(tlsCa.name), tlsCa.certificate.pem);
  files.file('tlsca', 'priv_sk', tlsCa.keys.privateKeyPem, KEY_MODE);
  const ctx: OrgContext = { files, signCa, tlsCa, nodeOUs: org.nodeOUs };

  const adminName = `Admin@${org.domain}`;
  const adminCert = addLocalMsp(ctx, `users/${adminName}`, { commonName: adminName, sans: [], type: org.nodeOUs ? 'admin' : 'client' });
  const admin = { name: adminName, pem: adminCert.pem };
  if (kind === 'peer') {
    for (let j = 1; j <= org.userCount; j++) {
      const name = `User${j}@${org.domain}`;
      addLocalMsp(ctx, `users/${name}`, { commonName: name, sans: [], type: 'client' });
    }
  }

  files.dir('msp/admincerts');
  files.file('msp/cacerts', certFile(signCa.name), signCa.certificate.pem);
  files.file('msp/tlscacerts', certFile(tlsCa.name), tlsCa.certificate.pem);
  if (org.nodeOUs) files.file('msp', 'config.yaml', nodeOusConfigYaml(`cacerts/${certFile(signCa.name)}`));
  else files.file('msp/admincerts', certFile(admin.name), admin.pem);

  const nodesDir = kind === 'peer' ? 'peers' : 'orderers';
  const seen = new Set<string>();
  for (const node of org.nodes) {
    // A second node of the same name finds its folder made, and is skipped, as in cryptogen.
    if (seen.has(node.commonName)) continue;
    seen.add(node.commonName);
    addLocalMsp(ctx, `${nodesDir}/${node.commonName}`, { ...node, type: kind }, admin);
  }
  return files;
}

/** A node's msp/ (enrollment key and certificate) and tls/ (TLS key and certificate, the TLS CA). */
function addLocalMsp(
  ctx: OrgContext,
  dir: string,
  node: { commonName: string; sans: readonly string[]; type: NodeType },
  admin?: { name: string; pem: string },
): IssuedCertificate {
  const { files, signCa, tlsCa } = ctx;
  const keys = generateKeyPair();
  const cert = signCa.sign({
    commonName: node.commonName,
    organizationalUnits: ctx.nodeOUs ? [node.type] : [],
    alternateNames: [],
    publicKey: keys.publicKey,
    keyUsage: [KeyUsageFlags.digitalSignature],
    extKeyUsage: [],
  });
  const msp = `${dir}/msp`;
  files.file(`${msp}/keystore`, 'priv_sk', keys.privateKeyPem, KEY_MODE);
  files.file(`${msp}/signcerts`, certFile(node.commonName), cert.pem);
  files.file(`${msp}/cacerts`, certFile(signCa.name), signCa.certificate.pem);
  files.file(`${msp}/tlscacerts`, certFile(tlsCa.name), tlsCa.certificate.pem);
  files.dir(`${msp}/admincerts`);
  if (ctx.nodeOUs) files.file(msp, 'config.yaml', nodeOusConfigYaml(`cacerts/${certFile(signCa.name)}`));
  else if (admin === undefined) files.file(`${msp}/admincerts`, certFile(node.commonName), cert.pem);
  else files.file(`${msp}/admincerts`, certFile(admin.name), admin.pem);

  const tlsKeys = generateKeyPair();
  const tlsCert = tlsCa.sign({
    commonName: node.commonName,
    organizationalUnits: [],
    alternateNames: node.sans,
    publicKey: tlsKeys.publicKey,
    keyUsage: [KeyUsageFlags.digitalSignature, KeyUsageFlags.keyEncipherment],
    extKeyUsage: [id_kp_serverAuth, id_kp_clientAuth],
  });
  const prefix = node.type === 'client' || node.type === 'admin' ? 'client' : 'server';
  files.file(`${dir}/tls`, 'ca.crt', tlsCa.certificate.pem);
  files.file(`${dir}/tls`, `${prefix}.crt`, tlsCert.pem);
  files.file(`${dir}/tls`, `${prefix}.key`, tlsKeys.privateKeyPem, KEY_MODE);
  return cert;
}

/** An MSP's config.yaml with NodeOUs on, as cryptogen writes it (each OU identified by the signing CA). */
export function nodeOusConfigYaml(caFile: string): string {
  const cert = /^[A-Za-z0-9_./@-]+$/.test(caFile) ? caFile : JSON.stringify(caFile);
  const ou = (key: string, id: string): string => `  ${key}:\n    Certificate: ${cert}\n    OrganizationalUnitIdentifier: ${id}\n`;
  return `NodeOUs:\n  Enable: true\n${ou('ClientOUIdentifier', 'client')}${ou('PeerOUIdentifier', 'peer')}${ou('AdminOUIdentifier', 'admin')}${ou('OrdererOUIdentifier', 'orderer')}`;
}
