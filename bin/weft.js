#!/usr/bin/env node
// The bundled CLI, built by `npm run build` (which `npm install` runs).
await import('../dist/weft.mjs');
