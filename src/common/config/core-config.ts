/** The peer's configuration, typed and validated once at start from core.yaml and CORE_* variables. */
export interface CoreConfig {
  /** The folder core.yaml was read from (FABRIC_CFG_PATH), or undefined for the embedded defaults. */
  configDir: string | undefined;
  peer: PeerConfig;
  chaincode: ChaincodeConfig;
  vm: { endpoint: string };
}

export interface PeerConfig {
  id: string;
  networkId: string;
  listenAddress: string;
  address: string;
  chaincodeListenAddress: string;
  /** Address handed to chaincodes; when unset, the chaincode listener's own address. */
  chaincodeAddress: string | undefined;
  /** Absolute path of peer.fileSystemPath. */
  fileSystemPath: string;
  /** Absolute path of peer.mspConfigPath. */
  mspConfigPath: string;
  localMspId: string;
  tls: TlsConfig;
}

export interface TlsConfig {
  enabled: boolean;
  certFile: string;
  keyFile: string;
  rootCertFile: string;
}

export interface ChaincodeConfig {
  startupTimeoutMs: number;
  executeTimeoutMs: number;
  mode: 'net' | 'dev';
  keepaliveSeconds: number;
  /** Node.js options for process-launched chaincode (chaincode.nodeOptions). */
  nodeOptions: string;
  /** chaincode.system: SCC name -> its enable/disable word, as written. */
  system: Record<string, string>;
  systemPlugins: SystemPluginConfig[];
  logging: { level: string; shim: string; format: string };
}

export interface SystemPluginConfig {
  enabled: boolean;
  name: string;
  path: string;
  invokableExternal: boolean;
  invokableCC2CC: boolean;
}
