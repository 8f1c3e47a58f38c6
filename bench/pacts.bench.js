'use strict';
/**
 * Generating the full pact set (every catalogued endpoint x status of both APIs, retired endpoints
 * included): the consumer builders against a baseline of the same interactions written with plain
 * pact-js (PactV4 calls with literal values, prepared before the clock starts), side by side in one run.
 * Both play each interaction with the same raw HTTP request, so the difference is the builders' own cost
 * (planning from contracts/, deriving matchers) plus the wait for the mock server to record matches.
 */
process.env.PACT_DO_NOT_TRACK = 'true';
const fs = require('node:fs');
const http = require('node:http');
const os = require('node:os');
const path = require('node:path');
const { PactV4 } = require('@pact-foundation/pact');
const { catalogueCells, planCell, pushPact } = require('../dist/consumer');
const { getContracts } = require('../dist/contracts');
const { basicAuth, PLACEHOLDER_CREDENTIALS, WRONG_CREDENTIALS } = require('../dist/credentials');

const APIS = ['jpush-v3', 'mtpush-v4'];
const CONSUMER = 'bench-consumer';

function send(url, example) {
  const headers = {};
  if (example.credentials === 'valid') headers.Authorization = basicAuth(PLACEHOLDER_CREDENTIALS);
  if (example.credentials === 'wrong') headers.Authorization = basicAuth(WRONG_CREDENTIALS);
  const body = example.body === undefined ? undefined : Buffer.from(JSON.stringify(example.body));
  if (body) headers['Content-Type'] = 'application/json';
  const search = example.query ? `?${new URLSearchParams(example.query)}` : '';
  return new Promise((resolve, reject) => {
    const req = http.request(new URL(example.path + search, url), { method: example.method, headers, agent: false }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode));
    });
    req.on('error', reject);
    if (body) req.write(body);
    req.end();
  });
}

/** The baseline's interactions: what a person writes by hand with plain pact-js, as literal data. */
function literalSpecs() {
  return APIS.flatMap((api) => catalogueCells(api).map((cell) => JSON.parse(JSON.stringify(planCell(cell)))));
}

async function baseline(specs, dir) {
  const pacts = Object.fromEntries(APIS.map((api) => [api, new PactV4({ consumer: CONSUMER, provider: api, dir, logLevel: 'error' })]));
  let failed = 0;
  const t0 = process.hrtime.bigint();
  for (const s of specs) {
    let i = pacts[s.api].addInteraction();
    for (const st of s.states) i = st.params ? i.given(st.name, st.params) : i.given(st.name);
    try {
      await i
        .uponReceiving(s.description)
        .withRequest(s.request.method, s.request.path, (b) => {
          if (s.request.query) b.query(s.request.query);
          b.headers(s.request.headers);
          if (s.request.body !== undefined) b.jsonBody(s.request.body);
        })
        .willRespondWith(s.response.status, (b) => {
          if (s.response.headers) b.headers(s.response.headers);
          if (s.response.body !== undefined) b.jsonBody(s.response.body);
        })
        .executeTest((mock) => send(mock.url, s.example));
    } catch {
      failed++;
    }
  }
  return { ms: Number(process.hrtime.bigint() - t0) / 1e6, failed };
}

async function builders(dir) {
  const t0 = process.hrtime.bigint();
  let planMs = 0;
  let failed = 0;
  let n = 0;
  for (const api of APIS) {
    const pact = pushPact({ consumer: CONSUMER, api, dir });
    for (const cell of catalogueCells(api)) {
      const p0 = process.hrtime.bigint();
      const bound = pact.plan(planCell(cell));
      planMs += Number(process.hrtime.bigint() - p0) / 1e6;
      n++;
      try {
        await bound.executeTest((mock, example) => send(mock.url, example));
      } catch {
        failed++;
      }
    }
  }
  return { ms: Number(process.hrtime.bigint() - t0) / 1e6, planMs, failed, n };
}

function interactionsIn(dir) {
  return fs.readdirSync(dir).reduce((n, f) => n + JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8')).interactions.length, 0);
}

async function run() {
  getContracts(); // loading and compiling contracts/ is a one-off per process, not part of either side
  const specs = literalSpecs();
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'pacts-bench-'));
  const rows = [];
  try {
    // Warm-up: the native core and the first mock server start are paid once, by neither side.
    await baseline(specs.slice(0, 5), path.join(tmp, 'warm'));
    const baseDir = path.join(tmp, 'baseline');
    const buildDir = path.join(tmp, 'builders');
    const b = await baseline(specs, baseDir);
    const c = await builders(buildDir);
    rows.push({
      variant: 'plain pact-js (literal interactions)', interactions: specs.length, failed: b.failed, 'in pact files': interactionsIn(baseDir),
      'wall ms': Math.round(b.ms), 'interactions/s': Math.round((specs.length / b.ms) * 1000), 'planning ms': '-',
    });
    rows.push({
      variant: 'push-contracts builders', interactions: c.n, failed: c.failed, 'in pact files': interactionsIn(buildDir),
      'wall ms': Math.round(c.ms), 'interactions/s': Math.round((c.n / c.ms) * 1000), 'planning ms': Math.round(c.planMs),
    });
    return {
      name: 'pacts',
      title: 'Generating the full pact set: builders vs plain pact-js',
      settings: { interactions: specs.length, apis: APIS.join('+'), node: process.version },
      rows,
      ratios: { 'builders wall / plain wall': (c.ms / b.ms).toFixed(2) },
    };
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

module.exports = { run };
