#!/usr/bin/env node
'use strict';
// Runs the bundled CLI (dist/weft.cjs, built by `npm run build`, which `npm install` runs) through
// V8's code cache: compiling the bundle from scratch would be a large part of the peer's start-up.
const { readFileSync, writeFileSync } = require('node:fs');
const { createRequire, Module } = require('node:module');
const { join } = require('node:path');
const vm = require('node:vm');

const dist = join(__dirname, '..', 'dist');
// The client commands (chaincode, lifecycle, channel, ...) have a bundle of their own, a fraction
// of the whole: a CLI call then loads none of the peer. Nodes, help and the version take the whole.
const command = process.argv[2];
const whole = command === undefined || command === 'node' || command === 'orderer' || command === 'dev' || command.startsWith('-') || command === 'help';
const file = join(dist, whole ? 'weft.cjs' : 'weft-client.cjs');
const cacheFile = `${file}.cache`;

let cachedData;
try {
  cachedData = readFileSync(cacheFile);
} catch {
  // No cache yet: V8 compiles the bundle itself.
}
// The build makes the bundle ASCII only: latin1 reads it the same, without UTF-8's decoding.
const script = new vm.Script(Module.wrap(readFileSync(file, 'latin1')), { filename: file, cachedData });
// The build runs the peer and a client command once with this set, so that each cache holds its path compiled.
if (process.env.WEFT_WRITE_CODE_CACHE === '1') {
  process.once('exit', () => writeFileSync(cacheFile, script.createCachedData()));
}
const bundle = { exports: {} };
script.runInThisContext()(bundle.exports, createRequire(file), bundle, file, dist);

// Plugin system chaincodes are ES modules; code compiled through vm cannot import() by itself.
bundle.exports.main(process.argv, { importModule: (url) => import(url), dist }).catch((err) => {
  process.stderr.write(`Error: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 1;
});
