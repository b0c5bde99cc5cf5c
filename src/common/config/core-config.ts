/** The peer's configuration, typed and validated once at start from core.yaml and CORE_* variables. */
export interface CoreConfig {
  /** The folder core.yaml was read from (FABRIC_CFG_PATH), or undefined for the embedded defaults. */
  configDir: string | undefined;
  peer: PeerConfig;
  chaincode: ChaincodeConfig;
  vm: VmConfig;
  operations: OperationsConfig;
  metrics: MetricsConfig;
  ledger: LedgerConfig;
}

/** ledger.state.couchDBConfig: the CouchDB server and how the peer talks to it. */
export interface CouchDbSettings {
  couchDBAddress: string;
  username: string;
  password: string;
  maxRetries: number;
  maxRetriesOnStartup: number;
  requestTimeoutMs: number;
  maxBatchUpdateSize: number;
}

/** Fabric's `ledger` section, as far as Weft reads it. */
export interface LedgerConfig {
  /** ledger.state.stateDatabase: goleveldb (state in the ledger's LevelDB) or CouchDB. */
  stateDatabase: 'goleveldb' | 'CouchDB';
  /** ledger.state.couchDBConfig, read when stateDatabase is CouchDB. */
  couchDB: CouchDbSettings;
  /** ledger.state.totalQueryLimit: most results a chaincode's query returns (Fabric: 100000). */
  totalQueryLimit: number;
  /** ledger.state.couchDBConfig.internalQueryLimit: entries a query reads from the database at a time (Fabric: 1000). */
  internalQueryLimit: number;
}

/** The operations service (Fabric's `operations`): health, version, log spec, metrics, traces over HTTP(S). */
export interface OperationsConfig {
  /** operations.listenAddress; undefined leaves the service off. */
  listenAddress: string | undefined;
  tls: {
    enabled: boolean;
    certFile: string | undefined;
    keyFile: string | undefined;
    clientAuthRequired: boolean;
    clientRootCAFiles: string[];
  };
}

/** Fabric's `metrics`. */
export interface MetricsConfig {
  provider: 'disabled' | 'prometheus' | 'statsd';
  statsd: { network: 'udp'; address: string; writeIntervalMs: number; prefix: string };
}

/** What runs user chaincode, and how it talks to a Docker engine. */
export interface VmConfig {
  /** vm.endpoint: the Docker engine's API (`unix:///var/run/docker.sock`, `tcp://host:2375`). */
  endpoint: string;
  /** vm.type: where the peer runs installed chaincode outside dev mode: a child process or a Docker container. */
  type: 'process' | 'docker';
  docker: DockerConfig;
}

export interface DockerConfig {
  /** vm.docker.attachStdout: the chaincode's output goes to the peer's log. */
  attachStdout: boolean;
  /** vm.docker.forceRebuild: each chaincode's image is built afresh on its first launch by this peer. */
  forceRebuild: boolean;
  /** vm.docker.hostConfig: Docker's HostConfig for each chaincode container, in Docker's key names. */
  hostConfig: DockerHostConfig;
}

/** The part of Docker's HostConfig a peer sets on chaincode containers (Fabric's core.yaml keys). */
export interface DockerHostConfig {
  NetworkMode: string;
  /** Runs docker-init as the container's first process, which passes signals on. */
  Init?: boolean;
  Memory?: number;
  MemorySwap?: number;
  CpuShares?: number;
  CpuQuota?: number;
  CpuPeriod?: number;
  CpusetCpus?: string;
  CpusetMems?: string;
  Dns?: string[];
  DnsSearch?: string[];
  ExtraHosts?: string[];
  CapAdd?: string[];
  CapDrop?: string[];
  LogConfig?: { Type: string; Config: Record<string, string> };
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
  /** Absolute path of peer.mspConfigPath; undefined when unset (the generated default crypto). */
  mspConfigPath: string | undefined;
  localMspId: string;
  tls: TlsConfig;
  /** peer.gossip.pvtData.transientstoreMaxBlockRetention */
  transientstoreMaxBlockRetention: number;
  /** peer.maxRecvMsgSize / peer.maxSendMsgSize: the largest gRPC message (bytes) the peer's servers take and give. */
  maxRecvMsgSize: number;
  maxSendMsgSize: number;
  deliveryClient: DeliveryClientConfig;
  /** peer.orderer: the ordering service run inside the peer's process (a Weft addition). */
  orderer: EmbeddedOrdererConfig;
  gateway: GatewayConfig;
}

/** peer.gateway: the Gateway service that @hyperledger/fabric-gateway applications use. */
export interface GatewayConfig {
  enabled: boolean;
  /** How long one endorser has to answer a proposal. */
  endorsementTimeoutMs: number;
  /** How long the ordering service has to accept a transaction. */
  broadcastTimeoutMs: number;
  /** How long connecting to another peer or an orderer may take. */
  dialTimeoutMs: number;
}

/** peer.deliveryclient: how the peer pulls blocks from ordering services. */
export interface DeliveryClientConfig {
  reconnectBackoffThresholdMs: number;
  connTimeoutMs: number;
  addressOverrides: ReadonlyArray<{ from: string; to: string; caCertsFile: string | undefined }>;
}

export interface EmbeddedOrdererConfig {
  enabled: boolean;
  listenAddress: string;
  adminListenAddress: string;
}

export interface TlsConfig {
  enabled: boolean;
  /** peer.tls.clientAuthRequired: clients must present a certificate at the handshake. */
  clientAuthRequired: boolean;
  certFile: string;
  keyFile: string;
  rootCertFile: string;
  /** peer.tls.clientRootCAs.files: the roots client certificates are checked against. */
  clientRootCAFiles: string[];
  /** peer.tls.clientCert.file / clientKey.file: the CLI's certificate for client authentication. */
  clientCertFile: string;
  clientKeyFile: string;
}

export interface ChaincodeConfig {
  startupTimeoutMs: number;
  executeTimeoutMs: number;
  mode: 'net' | 'dev';
  keepaliveSeconds: number;
  /** chaincode.maxWriteSetBytes: most bytes one transaction may write (state, private data, metadata, its event). */
  maxWriteSetBytes: number;
  /** chaincode.launchTls: chaincodes launched as processes connect over mutual TLS even with peer.tls.enabled false. */
  launchTls: boolean;
  /** chaincode.trace: record every chaincode conversation's messages, `size` per chaincode. */
  trace: { enabled: boolean; size: number };
  /** Node.js options for process-launched chaincode (chaincode.nodeOptions). */
  nodeOptions: string;
  /** chaincode.node.runtime: the base image Node.js chaincode images are built from. */
  /** `dependencyCache`: where installed node_modules are kept for reuse ('' the user's cache folder, 'off' none). */
  node: { runtime: string; dependencyCache: string };
  /** chaincode.system: SCC name -> its enable/disable word, as written. */
  system: Record<string, string>;
  systemPlugins: SystemPluginConfig[];
  /**
   * chaincode.externalBuilders: the builders and launchers tried, in order, on each installed
   * package (Fabric's external builders); empty by default.
   */
  externalBuilders: ExternalBuilderConfig[];
  logging: { level: string; shim: string; format: string };
}

/** One entry of chaincode.externalBuilders. */
export interface ExternalBuilderConfig {
  /** Names the builder in logs and in the build-info.json of its builds. */
  name: string;
  /** The folder holding bin/detect and bin/build (and optionally bin/release, bin/run); absolute once loaded. */
  path: string;
  /** Variables of the peer's environment its commands get, besides LD_LIBRARY_PATH, LIBPATH, PATH and TMPDIR. */
  propagateEnvironment: string[];
}

export interface SystemPluginConfig {
  enabled: boolean;
  name: string;
  path: string;
  invokableExternal: boolean;
  invokableCC2CC: boolean;
}
