import type { experimental } from '@grpc/grpc-js';

type CaListener = experimental.CaCertificateUpdateListener;
type IdentityListener = experimental.IdentityCertificateUpdateListener;

/**
 * The TLS material of a listener that requires client certificates, whose trusted client roots
 * change while it serves: as in Fabric, a client is accepted when its certificate chains to one of
 * peer.tls.clientRootCAs.files or to the TLS CA of an organisation of a channel the peer is on,
 * and joining a channel adds that channel's organisations. A grpc-js certificate provider: the
 * listener applies each update to the connections that follow.
 */
export class ClientRootsProvider implements experimental.CertificateProvider {
  private readonly caListeners = new Set<CaListener>();
  private readonly identityListeners = new Set<IdentityListener>();

  constructor(
    private readonly identity: { certificate: Buffer; privateKey: Buffer },
    private roots: Buffer,
  ) {}

  /** Trusts these roots (concatenated PEM) from the next handshake on. */
  setRoots(roots: Buffer): void {
    if (roots.equals(this.roots)) return;
    this.roots = roots;
    for (const listener of this.caListeners) listener({ caCertificate: roots });
  }

  // grpc-js registers these before it watches for the context they produce: the first update is
  // given on the next turn, once it listens.
  addCaCertificateListener(listener: CaListener): void {
    this.caListeners.add(listener);
    queueMicrotask(() => {
      if (this.caListeners.has(listener)) listener({ caCertificate: this.roots });
    });
  }

  removeCaCertificateListener(listener: CaListener): void {
    this.caListeners.delete(listener);
  }

  addIdentityCertificateListener(listener: IdentityListener): void {
    this.identityListeners.add(listener);
    queueMicrotask(() => {
      if (this.identityListeners.has(listener)) listener(this.identity);
    });
  }

  removeIdentityCertificateListener(listener: IdentityListener): void {
    this.identityListeners.delete(listener);
  }
}
