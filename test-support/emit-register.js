'use strict';
/**
 * `node -r ./test-support/emit-register.js file.ts`: runs TypeScript the way jest's transformer does, from
 * tsc's own emit when it is of the file's current text (test-support/ts-emit.js), else through ts-node's
 * transpile-only mode, created only when a file needs it. For the tests' child processes that run a
 * script from source: ts-node loads and runs TypeScript itself (about a third of such a child's CPU).
 */
const fs = require('node:fs');
const path = require('node:path');
const { readEmitIndex, emittedCode } = require('./ts-emit');

const project = path.join(__dirname, '..', 'tsconfig.json');
const index = readEmitIndex(project);
let tsNode;

require.extensions['.ts'] = function loadTs(module, filename) {
  const text = fs.readFileSync(filename, 'utf8');
  // ts-node is created (and loads TypeScript) only for a file the emit does not answer for.
  const code = emittedCode(index, filename, text) ?? (tsNode ??= require('ts-node').create({ transpileOnly: true, project })).compile(text, filename);
  return module._compile(code, filename);
};
