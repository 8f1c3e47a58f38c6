#!/usr/bin/env node
'use strict';
// Thin launcher: the CLI lives in dist/ (built by `npm ci` through the prepare script).
const { main } = require('../dist/cli/main.js');
main(process.argv.slice(2)).then(
  (code) => { process.exitCode = code; },
  (err) => { process.stderr.write(`push-contracts: ${err && err.message ? err.message : String(err)}\n`); process.exitCode = 2; },
);
