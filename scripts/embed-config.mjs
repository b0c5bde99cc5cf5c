// Writes config/core.yaml and config/orderer.yaml as TypeScript modules, so that a node on its
// embedded defaults starts without loading a YAML parser. Run by the build; tests check the files
// never drift apart.
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

function embed(yamlFile, tsFile, name) {
  const defaults = parse(readFileSync(join(root, 'config', yamlFile), 'utf8'));
  const out = join(root, 'src/common/config', tsFile);
  const text = `// Generated from config/${yamlFile} by scripts/embed-config.mjs (run by the build). Do not edit.
export const ${name}: Record<string, unknown> = ${JSON.stringify(defaults, null, 2)};
`;
  let current = '';
  try {
    current = readFileSync(out, 'utf8');
  } catch {
    // first build
  }
  if (current !== text) writeFileSync(out, text);
}

embed('core.yaml', 'embedded-defaults.ts', 'EMBEDDED_DEFAULTS');
embed('orderer.yaml', 'embedded-orderer-defaults.ts', 'EMBEDDED_ORDERER_DEFAULTS');
