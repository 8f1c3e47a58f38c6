'use strict';
/**
 * Copies of a jpush client's main file whose https hosts are a matrix cell's origin.
 *
 * The official clients build every URL from module-private constants (`var PUSH_API_URL =
 * 'https://api.jpush.cn/v3/push'`, …) and offer no host option, so an adapter runs a copy of the client's file
 * with those origins replaced by the cell's origin, compiled next to the original file so its requires resolve
 * to the installed package (and share its modules, error classes included, through Node's module cache).
 * Nothing else of the client changes.
 *
 * The file is read and compiled once, as a function of the origin; a copy for an origin is a call of it, which
 * runs the file's top level with its own `module` and `exports`, as a compile of the rewritten text did. Each
 * cell has an origin of its own (its server's port), and a read and compile of the whole file per cell was
 * most of what a worker thread spent per call.
 */
const fs = require('node:fs');
const Module = require('node:module');
const path = require('node:path');

/** The quoted origin at the start of each host constant: `'https://api.jpush.cn/v3/push'` → `'' + __origin + '/v3/push'`. */
const ORIGIN_LITERAL = /'https:\/\/(?:api|report|device)\.jpush\.cn/g;

/**
 * @param {string} file the client's main file (require.resolve'd)
 * @param {number} expected how many host constants it has: if the package changes, the rewrite must be re-read
 * @param {string} label the package and version, for the error
 * @returns {(origin: string) => any} the file's exports with its hosts at `origin`, one copy per origin
 */
function copiesPerOrigin(file, expected, label) {
  const source = fs.readFileSync(file, 'utf8');
  const found = (source.match(ORIGIN_LITERAL) || []).length;
  if (found !== expected) throw new Error(`${label}: expected ${expected} host constants in ${path.basename(file)}, found ${found}`);
  // The wrapper opens on the file's first line, so the client's stack traces keep their line numbers.
  const factorySource = `module.exports = function (__origin) { var module = { exports: {} }; var exports = module.exports; ${source.replace(ORIGIN_LITERAL, "'' + __origin + '")}\n; return module.exports; };\n`;
  const m = new Module(file, module);
  m.filename = file;
  m.paths = Module._nodeModulePaths(path.dirname(file));
  m._compile(factorySource, file);
  const factory = m.exports;
  const copies = new Map();
  return (origin) => {
    if (!copies.has(origin)) copies.set(origin, factory(origin));
    return copies.get(origin);
  };
}

module.exports = { copiesPerOrigin };
