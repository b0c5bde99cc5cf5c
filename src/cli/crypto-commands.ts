import type { Command } from 'commander';
import { cryptoConfigYaml, defaultCryptoConfig, generateCrypto, readCryptoConfig } from '../msp/cryptogen/index.js';

/** `weft crypto ...`: Fabric's cryptogen (generate, showtemplate). */
export function addCryptoCommands(program: Command): void {
  const crypto = program.command('crypto').description('Generate Hyperledger Fabric key material: generate|showtemplate');

  crypto
    .command('generate')
    .description('Generate key material (as cryptogen generate)')
    .option('--config <file>', 'The configuration template to use (default: showtemplate\'s: Org1MSP with one peer and one user, and an orderer org)')
    .option('--output <dir>', 'The output directory in which to place artifacts', 'crypto-config')
    .action(async (opts: { config?: string; output: string }) => {
      const config = opts.config === undefined ? defaultCryptoConfig() : await readCryptoConfig(opts.config);
      const orgs = await generateCrypto(config, opts.output);
      for (const org of orgs) {
        // cryptogen names each peer organization it generates on stdout, and orderer organizations not.
        if (org.generated && org.kind === 'peer') process.stdout.write(`${org.domain}\n`);
        if (!org.generated) process.stderr.write(`${org.domain}: ${org.dir} already exists, left as it is\n`);
      }
    });

  crypto
    .command('showtemplate')
    .description('Show the default configuration template')
    .action(() => {
      process.stdout.write(cryptoConfigYaml(defaultCryptoConfig()));
    });
}
