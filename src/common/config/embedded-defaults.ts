// Generated from config/core.yaml by scripts/embed-config.mjs (run by the build). Do not edit.
export const EMBEDDED_DEFAULTS: Record<string, unknown> = {
  "peer": {
    "id": "peer0.org1.example.com",
    "networkId": "dev",
    "listenAddress": "0.0.0.0:7051",
    "address": "0.0.0.0:7051",
    "chaincodeListenAddress": "127.0.0.1:7052",
    "chaincodeAddress": null,
    "fileSystemPath": "./data",
    "mspConfigPath": null,
    "localMspId": "Org1MSP",
    "tls": {
      "enabled": false,
      "clientAuthRequired": false,
      "cert": {
        "file": null
      },
      "key": {
        "file": null
      },
      "rootcert": {
        "file": null
      },
      "clientRootCAs": {
        "files": []
      },
      "clientCert": {
        "file": null
      },
      "clientKey": {
        "file": null
      }
    },
    "deliveryclient": {
      "reConnectBackoffThreshold": "3600s",
      "connTimeout": "3s",
      "addressOverrides": []
    },
    "gateway": {
      "enabled": true,
      "endorsementTimeout": "10s",
      "broadcastTimeout": "10s",
      "dialTimeout": "30s"
    },
    "orderer": {
      "enabled": true,
      "listenAddress": "0.0.0.0:7050",
      "adminListenAddress": "127.0.0.1:7053"
    },
    "maxRecvMsgSize": 104857600,
    "maxSendMsgSize": 104857600,
    "gossip": {
      "pvtData": {
        "transientstoreMaxBlockRetention": 1000
      }
    }
  },
  "chaincode": {
    "startuptimeout": "300s",
    "executetimeout": "30s",
    "mode": "net",
    "launchTls": true,
    "keepalive": 0,
    "maxWriteSetBytes": 104857600,
    "nodeOptions": "",
    "node": {
      "runtime": "hyperledger/fabric-nodeenv:2.5",
      "dependencyCache": ""
    },
    "system": {
      "_lifecycle": "enable",
      "cscc": "enable",
      "lscc": "enable",
      "qscc": "enable"
    },
    "systemPlugins": [],
    "externalBuilders": [],
    "trace": {
      "enabled": false,
      "size": 1000
    },
    "logging": {
      "level": "info",
      "shim": "warning",
      "format": "%{color}%{time:2006-01-02 15:04:05.000 MST} [%{module}] %{shortfunc} -> %{level:.4s} %{id:03x}%{color:reset} %{message}"
    }
  },
  "vm": {
    "type": "process",
    "endpoint": "unix:///var/run/docker.sock",
    "docker": {
      "attachStdout": true,
      "forceRebuild": false,
      "hostConfig": {
        "NetworkMode": "host",
        "Init": true,
        "Memory": 0,
        "LogConfig": {
          "Type": "json-file",
          "Config": {
            "max-size": "50m",
            "max-file": "5"
          }
        }
      }
    }
  },
  "operations": {
    "listenAddress": null,
    "tls": {
      "enabled": false,
      "cert": {
        "file": null
      },
      "key": {
        "file": null
      },
      "clientAuthRequired": false,
      "clientRootCAs": {
        "files": []
      }
    }
  },
  "metrics": {
    "provider": "disabled",
    "statsd": {
      "network": "udp",
      "address": "127.0.0.1:8125",
      "writeInterval": "10s",
      "prefix": null
    }
  },
  "ledger": {
    "state": {
      "stateDatabase": "goleveldb",
      "totalQueryLimit": 100000,
      "couchDBConfig": {
        "couchDBAddress": "127.0.0.1:5984",
        "username": null,
        "password": null,
        "maxRetries": 3,
        "maxRetriesOnStartup": 10,
        "requestTimeout": "35s",
        "internalQueryLimit": 1000,
        "maxBatchUpdateSize": 1000
      }
    }
  }
};
