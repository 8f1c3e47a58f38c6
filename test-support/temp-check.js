'use strict';
/**
 * jest's global setup and teardown (jest.config.js): the run's tests, their workers and every process they
 * start get a temp directory of their own (TMPDIR, TMP, TEMP point into it), and the run fails when something
 * is left in it at the end, naming what. The names carry the prefix the test or the product code gave them,
 * which says where they came from. Costs one mkdtemp and one readdir per jest run.
 *
 * Jest's own caches are computed from the temp directory before global setup runs, so they stay where they
 * were and keep warm across runs.
 */
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const STATE = Symbol.for('push-contracts.temp-check');
const VARS = ['TMPDIR', 'TMP', 'TEMP'];
// Caches that tools started by tests keep in the temp directory on purpose (ts-node's compile cache).
const CACHES = /^v8-compile-cache/;

function setup() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'push-contracts-tests-'));
  globalThis[STATE] = { dir, saved: Object.fromEntries(VARS.map((v) => [v, process.env[v]])) };
  for (const v of VARS) process.env[v] = dir;
}

function teardown() {
  const state = globalThis[STATE];
  if (!state) return;
  delete globalThis[STATE];
  for (const v of VARS) {
    if (state.saved[v] === undefined) delete process.env[v];
    else process.env[v] = state.saved[v];
  }
  const left = fs.readdirSync(state.dir).filter((name) => !CACHES.test(name)).sort();
  fs.rmSync(state.dir, { recursive: true, force: true, maxRetries: 3 });
  if (left.length > 0) {
    throw new Error(`tests left ${left.length} entr${left.length === 1 ? 'y' : 'ies'} in the temp directory (remove them; test-support/temp-dir.ts's tempDir does): ${left.join(', ')}`);
  }
}

module.exports = { setup, teardown };
