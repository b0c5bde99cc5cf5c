// Weft's cryptogen: Fabric's `cryptogen generate` (crypto-config.yaml in, MSP folders out).
export { defaultCryptoConfig, parseCryptoConfig, readCryptoConfig } from './crypto-config.js';
export type { CryptoConfig, NodeSpec, NodeTemplate, OrgSpec } from './crypto-config.js';
export { CryptogenError } from './cryptogen-error.js';
export { generateCrypto } from './generate-crypto.js';
export type { GeneratedOrg } from './generate-crypto.js';
export { cryptoConfigYaml } from './crypto-config-yaml.js';
