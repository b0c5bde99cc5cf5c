import type { Logger } from '../common/logging/logging.js';
import type { VMCReq } from '../container/vm-requests.js';
import { StartContainerReq, StopContainerReq, WaitContainerReq } from '../container/vm-requests.js';
import { chaincodeCanonicalName, type ChaincodeContainerInfo } from './chaincode-context.js';
import type { ContainerExit, Runtime } from './runtime-launcher.js';

/** Where the TLS files a chaincode needs are placed inside its container, as Fabric places them. */
export const TLS_CLIENT_KEY_PATH = '/etc/hyperledger/fabric/client.key';
export const TLS_CLIENT_CERT_PATH = '/etc/hyperledger/fabric/client.crt';
export const TLS_CLIENT_ROOT_CERT_PATH = '/etc/hyperledger/fabric/peer.crt';

/** Runs container requests (the VM controller). */
export interface Processor {
  process(containerType: string, req: VMCReq): Promise<void>;
}

/**
 * Issues each launched chaincode its TLS client key and certificate (base64 PEM, as the shims read
 * them), and the certificate's SHA-256 fingerprint, which binds the launch to its holder.
 */
export interface CertGenerator {
  generate(cname: string): Promise<{ key: string; cert: string; fingerprint256?: string }>;
  /** The CA certificate chaincodes use to verify the peer. */
  readonly rootCert: Uint8Array;
}

export interface LaunchConfig {
  args: string[];
  envs: string[];
  files: Map<string, Uint8Array>;
  /** SHA-256 fingerprint of the client certificate issued for this launch, when TLS is on. */
  credential?: string | undefined;
}

/** Where a launch's client certificate is recorded, so that only its holder may register (the handler registry). */
export interface LaunchBindings {
  bindCredential(cname: string, fingerprint256: string): void;
}

export interface ContainerRuntimeOptions {
  processor: Processor;
  /** The address chaincodes dial (peer.chaincodeAddress, or the listener's bound address). */
  peerAddress: () => string;
  /** Environment every chaincode gets (its logging levels and format). */
  commonEnv: string[];
  /** Present when TLS is on. */
  certGenerator?: CertGenerator | undefined;
  /** The container types whose launches get TLS credentials; every type when absent (peer.tls.enabled). */
  tlsContainerTypes?: ReadonlySet<string> | undefined;
  /** Told of each launch's client certificate before the chaincode is started. */
  launches?: LaunchBindings | undefined;
  logger: Logger;
}

/** Turns "run this chaincode" into container requests with the launch config Fabric gives chaincode. */
export class ContainerRuntime implements Runtime {
  constructor(private readonly opts: ContainerRuntimeOptions) {}

  async start(ccci: ChaincodeContainerInfo): Promise<void> {
    const { logger, processor } = this.opts;
    const cname = chaincodeCanonicalName(ccci);
    const lc = await this.launchConfig(cname, ccci.type, ccci.containerType);
    // Bound before the process exists, so that nothing can register in its place meanwhile.
    if (lc.credential !== undefined) this.opts.launches?.bindCredential(cname, lc.credential);
    if (logger.debugEnabled) {
      logger.debug('Start', `start container: ${cname}`);
      logger.debug('Start', `start container with args: ${lc.args.join(' ')}`);
      logger.debug('Start', `start container with env:\n\t${lc.envs.join('\n\t')}`);
    }
    await processor.process(ccci.containerType, new StartContainerReq(ccidOf(ccci), lc.args, lc.envs, lc.files));
  }

  async stop(ccci: ChaincodeContainerInfo): Promise<void> {
    await this.opts.processor.process(ccci.containerType, new StopContainerReq(ccidOf(ccci)));
  }

  async wait(ccci: ChaincodeContainerInfo): Promise<ContainerExit> {
    return new Promise<ContainerExit>((resolve, reject) => {
      const req = new WaitContainerReq(ccidOf(ccci), (code, err, reason) => (err === undefined ? resolve({ code, reason }) : reject(err)));
      this.opts.processor.process(ccci.containerType, req).catch(reject);
    });
  }

  /** Arguments, environment and files for one chaincode, by its language (and its container type, for TLS). */
  async launchConfig(cname: string, ccType: string, containerType?: string): Promise<LaunchConfig> {
    const { commonEnv, logger, tlsContainerTypes } = this.opts;
    const withTls = tlsContainerTypes === undefined || (containerType !== undefined && tlsContainerTypes.has(containerType));
    const certGenerator = withTls ? this.opts.certGenerator : undefined;
    const peerAddress = this.opts.peerAddress();
    const envs = [...commonEnv, `CORE_CHAINCODE_ID_NAME=${cname}`];
    const files = new Map<string, Uint8Array>();
    let args: string[];
    let credential: string | undefined;
    switch (ccType) {
      case 'NODE':
        args = ['/bin/sh', '-c', `cd /usr/local/src; npm start -- --peer.address ${peerAddress}`];
        break;
      case 'JAVA':
        args = ['/root/chaincode-java/start', '--peerAddress', peerAddress];
        break;
      default:
        args = ['chaincode', `-peer.address=${peerAddress}`];
    }
    if (certGenerator !== undefined) {
      const pair = await certGenerator.generate(cname);
      credential = pair.fingerprint256;
      files.set(TLS_CLIENT_CERT_PATH, Buffer.from(pair.cert));
      files.set(TLS_CLIENT_KEY_PATH, Buffer.from(pair.key));
      files.set(TLS_CLIENT_ROOT_CERT_PATH, certGenerator.rootCert);
      envs.push(
        'CORE_PEER_TLS_ENABLED=true',
        `CORE_TLS_CLIENT_KEY_PATH=${TLS_CLIENT_KEY_PATH}`,
        `CORE_TLS_CLIENT_CERT_PATH=${TLS_CLIENT_CERT_PATH}`,
        `CORE_PEER_TLS_ROOTCERT_FILE=${TLS_CLIENT_ROOT_CERT_PATH}`,
      );
    } else {
      envs.push('CORE_PEER_TLS_ENABLED=false');
    }
    if (logger.debugEnabled) {
      logger.debug(
        'LaunchConfig',
        `launchConfig: executable:"${args[0] ?? ''}",Args:[${args.join(',')}],Envs:[${envs.join(',')}],Files:[${[...files.keys()].sort().join(' ')}]`,
      );
    }
    return { args, envs, files, credential };
  }
}

function ccidOf(ccci: ChaincodeContainerInfo): { name: string; version: string } {
  return { name: ccci.name, version: ccci.version };
}
