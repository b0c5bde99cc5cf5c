// Writes config/core.yaml as a TypeScript module, so that a peer on its embedded defaults starts
// without loading a YAML parser. Run by the build; a test checks the two never drift apart.
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const defaults = parse(readFileSync(join(root, 'config/core.yaml'), 'utf8'));
const out = join(root, 'src/common/config/embedded-defaults.ts');
const text = `// Generated from config/core.yaml by scripts/embed-config.mjs (run by the build). Do not edit.
export const EMBEDDED_DEFAULTS: Record<string, unknown> = ${JSON.stringify(defaults, null, 2)};
`;
let current = '';
try {
  current = readFileSync(out, 'utf8');
} catch {
  // first build
}
if (current !== text) writeFileSync(out, text);
