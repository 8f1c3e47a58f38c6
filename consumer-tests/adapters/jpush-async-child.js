'use strict';
/**
 * Runs one jpush-async call against a local server answering one scripted way, in its own process, and
 * prints what happened as JSON. A separate process because some answers make jpush-async throw from an
 * event handler: an uncaught exception that would take the test runner down with it.
 * Usage: node jpush-async-child.js <scenario>
 */
const fs = require('node:fs');
const http = require('node:http');
const Module = require('node:module');
const path = require('node:path');
const { patientTimeout } = require('../../dist/patient-timer.js');

const scenarios = {
  // A 200 whose JSON body arrives in two chunks (any body over one TCP read).
  'chunked-200': (req, res) => {
    const body = JSON.stringify({ tags: Array(2000).fill('tag_demo') });
    res.writeHead(200, { 'content-type': 'application/json' });
    res.write(body.slice(0, 1000));
    setTimeout(() => res.end(body.slice(1000)), 50);
  },
  // A 200 with a body but no Content-Type header.
  'no-content-type': (req, res) => {
    res.writeHead(200);
    res.end('{"tags":[]}');
  },
  // An empty 200, then the connection closes.
  'empty-200-closed': (req, res) => {
    res.writeHead(200, { 'content-type': 'application/json', connection: 'close' });
    res.end();
  },
  // The server accepts the request and never answers (readTimeOut is 300 ms).
  'no-answer': () => undefined,
  // Nothing listens.
  refused: null,
};

function load(origin) {
  const file = require.resolve('jpush-async/lib/JPush/JPushAsync.js');
  const source = fs.readFileSync(file, 'utf8').replace(/https:\/\/(?:api|report|device)\.jpush\.cn/g, origin);
  const m = new Module(file, module);
  m.filename = file;
  m.paths = Module._nodeModulePaths(path.dirname(file));
  m._compile(source, file);
  return m.exports;
}

async function main() {
  const name = process.argv[2];
  if (!(name in scenarios)) throw new Error(`unknown scenario ${name}`);
  const handler = scenarios[name];
  let origin = 'http://127.0.0.1:1';
  let server;
  if (handler) {
    server = http.createServer(handler);
    await new Promise((r) => server.listen(0, '127.0.0.1', r));
    origin = `http://127.0.0.1:${server.address().port}`;
  }
  const client = load(origin).buildClient({ appKey: 'pactPlaceholderAppKey000', masterSecret: 'pactPlaceholderSecret000', isDebug: false, readTimeOut: 300 });
  const outcome = await Promise.race([
    client.getTagList().then(
      (value) => ({ outcome: 'resolved', value }),
      (err) => ({ outcome: 'rejected', name: err && err.name, message: err && err.message }),
    ),
    // Server and client share this thread: the wait counts the time it could run, or a loaded machine would make
    // a crash or an answer look "pending" (patientTimeout, built into dist/ by tsc -b before the tests run).
    new Promise((r) => patientTimeout(1500, () => r({ outcome: 'pending', afterMs: 1500 }))),
  ]);
  process.stdout.write(JSON.stringify(outcome) + '\n');
  if (server) {
    server.closeAllConnections();
    server.close();
  }
  process.exit(0);
}

main();
