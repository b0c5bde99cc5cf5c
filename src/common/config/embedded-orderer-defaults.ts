// Generated from config/orderer.yaml by scripts/embed-config.mjs (run by the build). Do not edit.
export const EMBEDDED_ORDERER_DEFAULTS: Record<string, unknown> = {
  "General": {
    "ListenAddress": "127.0.0.1",
    "ListenPort": 7050,
    "TLS": {
      "Enabled": false,
      "PrivateKey": null,
      "Certificate": null,
      "RootCAs": null,
      "ClientAuthRequired": false,
      "ClientRootCAs": null
    },
    "BootstrapMethod": "none",
    "LocalMSPDir": null,
    "LocalMSPID": "OrdererMSP"
  },
  "FileLedger": {
    "Location": "./data/orderer"
  },
  "Admin": {
    "ListenAddress": "127.0.0.1:9443"
  },
  "ChannelParticipation": {
    "Enabled": true
  },
  "Operations": {
    "ListenAddress": null,
    "TLS": {
      "Enabled": false,
      "Certificate": null,
      "PrivateKey": null,
      "ClientAuthRequired": false,
      "ClientRootCAs": []
    }
  },
  "Metrics": {
    "Provider": "disabled",
    "Statsd": {
      "Network": "udp",
      "Address": "127.0.0.1:8125",
      "WriteInterval": "30s",
      "Prefix": null
    }
  }
};
