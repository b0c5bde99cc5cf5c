import type { MetricsConfig, OperationsConfig } from './core-config.js';

/** The orderer's configuration, typed and validated once at start from orderer.yaml and ORDERER_* variables. */
export interface OrdererConfig {
  /** The folder orderer.yaml was read from (FABRIC_CFG_PATH), or undefined for the embedded defaults. */
  configDir: string | undefined;
  general: OrdererGeneralConfig;
  fileLedger: {
    /** Absolute path of FileLedger.Location. */
    location: string;
  };
  admin: {
    /** Admin.ListenAddress: the channel participation API's listener. */
    listenAddress: string;
  };
  channelParticipation: {
    enabled: boolean;
  };
  /** Operations: undefined listenAddress leaves the service off. */
  operations: OperationsConfig;
  metrics: MetricsConfig;
}

export interface OrdererGeneralConfig {
  /** General.ListenAddress:General.ListenPort */
  listenAddress: string;
  tls: OrdererTlsConfig;
  /** General.BootstrapMethod: only `none` (channels are joined through channel participation). */
  bootstrapMethod: 'none';
  /** Absolute path of General.LocalMSPDir; undefined when unset (the default crypto). */
  localMspDir: string | undefined;
  localMspId: string;
}

export interface OrdererTlsConfig {
  enabled: boolean;
  /** Absolute paths; '' when unset (the default crypto's files then). */
  privateKey: string;
  certificate: string;
  rootCAs: string[];
  clientAuthRequired: boolean;
  clientRootCAs: string[];
}
