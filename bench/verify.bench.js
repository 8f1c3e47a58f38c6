'use strict';
/**
 * The cost of verification, side by side in one run (medians of REPS interleaved runs):
 * 1. `push-contracts verify` (slices on verifier processes, recording proxy, audit) against pact's
 *    Verifier alone (the pact files as they are, straight at the provider): in this process once
 *    pact-core is loaded (warm), with the system trust store as it comes (pact's defaults; generated
 *    pacts only) and with an empty one, and in a fresh process with an empty store (what a CI step that
 *    runs pact's Verifier pays, process start included); and against a raw HTTP replay of the same
 *    requests and the same provider-state calls (setup and teardown around each interaction that has
 *    states), on the generated pacts without the deadline (504) cases and on a synthetic pact of 1,000
 *    interactions.
 * 2. The trust store alone: pact's verifier in a child process with the system store and with an empty
 *    one, 200 stateless interactions against a bare node:http server; and the floor: the same 200
 *    requests replayed raw against the same bare server (no service, no proxy, no audit), so the row
 *    says what pact's verifier alone costs per interaction against what the wire costs.
 * 3. Growth: `verify` on synthetic pacts of 400, 800, 1,000, 2,000 and 4,000 interactions; the cost of
 *    2n over the cost of n.
 *
 * For the baselines the pact copies carry the real Authorization instead of the placeholder (what our
 * request filter does per request), so every mode sends the same requests.
 */
process.env.PACT_DO_NOT_TRACK = 'true';
const fs = require('node:fs');
const http = require('node:http');
const os = require('node:os');
const path = require('node:path');
const pactCore = require('@pact-foundation/pact-core').default;
const { verifyProvider } = require('../dist/verifier/verify');
const { pactFilesIn, readPactFile } = require('../dist/verifier/pacts');
const { startReferenceService, DEMO_CREDENTIALS, DEMO_GROUP_CREDENTIALS, EMBEDDED_DEADLINE_MS, PROVIDER_STATES_PATH } = require('../dist/service');
const { runNativeVerifier } = require('../dist/verifier/native');
const { basicAuth, groupBasicAuth, PLACEHOLDER_CREDENTIALS, PLACEHOLDER_GROUP_CREDENTIALS } = require('../dist/credentials');

const REPS = Number(process.env.BENCH_REPS || 3);
const PACT_DIR = path.join(__dirname, '..', 'pacts');
const PLACEHOLDER = basicAuth(PLACEHOLDER_CREDENTIALS);
const REAL = basicAuth(DEMO_CREDENTIALS);
// Group push interactions carry the group placeholder, swapped the same way (verify's request filter does both).
const GROUP_PLACEHOLDER = groupBasicAuth(PLACEHOLDER_GROUP_CREDENTIALS);
const GROUP_REAL = groupBasicAuth(DEMO_GROUP_CREDENTIALS);
const realCredentials = (text) => text.split(PLACEHOLDER).join(REAL).split(GROUP_PLACEHOLDER).join(GROUP_REAL);

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const ms = (x) => Math.round(x);

/** Pact documents with the placeholder Authorization replaced by the real one (the baselines' input). */
function withRealCredentials(docs, dir) {
  fs.mkdirSync(dir, { recursive: true });
  return docs.map((doc, n) => {
    const file = path.join(dir, `${n}.json`);
    fs.writeFileSync(file, realCredentials(JSON.stringify(doc)));
    return file;
  });
}

function bodyOf(req) {
  const b = req.body;
  if (!b || b.content === undefined) return undefined;
  if (b.encoded === 'base64') return Buffer.from(b.content, 'base64');
  return Buffer.from(typeof b.content === 'string' ? b.content : JSON.stringify(b.content));
}

function send(base, method, pathAndQuery, headers, body) {
  return new Promise((resolve, reject) => {
    const req = http.request(new URL(pathAndQuery, base), { method, headers: { ...headers, ...(body ? { 'content-length': body.length } : {}) } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode));
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** Raw replay: what any HTTP client does with the same requests, with the same state calls around them. */
async function rawReplay(service, docs) {
  const stateUrl = service.url + PROVIDER_STATES_PATH;
  for (const doc of docs) {
    for (const i of doc.interactions) {
      if (i.type && i.type !== 'Synchronous/HTTP') continue;
      const states = i.providerStates || [];
      for (const s of states) await send(stateUrl, 'POST', stateUrl, { 'content-type': 'application/json' }, Buffer.from(JSON.stringify({ state: s.name, params: s.params || {}, action: 'setup' })));
      const headers = {};
      for (const [k, v] of Object.entries(i.request.headers || {})) headers[k] = realCredentials(Array.isArray(v) ? v.join(', ') : String(v));
      const q = i.request.query;
      const query = !q ? '' : typeof q === 'string' ? `?${q}` : `?${new URLSearchParams(Object.entries(q).flatMap(([k, vs]) => (Array.isArray(vs) ? vs : [vs]).map((v) => [k, String(v)])))}`;
      await send(service.url, i.request.method, i.request.path + query, headers, bodyOf(i.request));
      for (const s of states) await send(stateUrl, 'POST', stateUrl, { 'content-type': 'application/json' }, Buffer.from(JSON.stringify({ state: s.name, params: s.params || {}, action: 'teardown' })));
    }
  }
}

/**
 * The Rust verifier also calls the state URL with state "" for interactions without states, which the
 * reference service refuses (and the verifier retries); this shim answers those itself and forwards
 * the rest, as `verify`'s recording proxy does, so the baseline does the same state work.
 */
async function stateShim(service) {
  const target = service.url + PROVIDER_STATES_PATH;
  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', async () => {
      const body = Buffer.concat(chunks);
      let state = '';
      try {
        state = JSON.parse(body.toString('utf8')).state || '';
      } catch {
        // not JSON: forwarded as is
      }
      if (state === '') return res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      const status = await send(target, 'POST', target, { 'content-type': 'application/json' }, body);
      res.writeHead(status, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${server.address().port}`, close: () => new Promise((r) => server.close(() => r())) };
}

async function pactAlone(service, files, shim, trustStore) {
  pactCore.logLevel('error');
  // rustls-native-certs reads these at every client build, so setting them in-process takes effect.
  const saved = { file: process.env.SSL_CERT_FILE, dir: process.env.SSL_CERT_DIR };
  if (trustStore) Object.assign(process.env, { SSL_CERT_FILE: trustStore.file, SSL_CERT_DIR: trustStore.dir });
  try {
    await pactCore.verifyPacts({ providerBaseUrl: service.url, providerStatesSetupUrl: shim.url, pactUrls: files, logLevel: 'error', timeout: 10000 });
  } catch {
    // A failed verification still did all the work; only the time matters here.
  } finally {
    for (const [k, v] of [['SSL_CERT_FILE', saved.file], ['SSL_CERT_DIR', saved.dir]]) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
}

/**
 * Pact's Verifier alone as a user's own CI step runs it: a fresh node process that loads pact-core and
 * verifies the files (empty store), so it pays the process start that `verify`'s workers pay too.
 */
async function pactAloneFresh(service, files, shim) {
  await runNativeVerifier({ providerBaseUrl: service.url, providerStatesSetupUrl: shim.url, pactUrls: files, logLevel: 'error', timeout: 10000 }, () => undefined, 'empty');
}

async function ours(service, dir) {
  await verifyProvider({ failFastAfter: 0, providerBaseUrl: service.url, providerStatesSetupUrl: service.url + PROVIDER_STATES_PATH, sources: [{ kind: 'dir', dir }], credentials: DEMO_CREDENTIALS, groupCredentials: DEMO_GROUP_CREDENTIALS, timeoutMs: 10000 });
}

/** CPU of this process and of its reaped children (verifier processes), ms; Linux /proc, NaN elsewhere. */
function cpuNow() {
  const own = process.cpuUsage();
  let children = NaN;
  try {
    const stat = fs.readFileSync('/proc/self/stat', 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // cutime and cstime, in clock ticks (100 per second on Linux).
    children = (Number(f[13]) + Number(f[14])) * 10;
  } catch {
    // not Linux: children's CPU unknown
  }
  return (own.user + own.system) / 1000 + children;
}

/** Wall time of fn, ms; its CPU (this process and the children it waited for) goes to `cpu` when given. */
async function time(fn, cpu) {
  const c0 = cpuNow();
  const t0 = process.hrtime.bigint();
  await fn();
  const wall = Number(process.hrtime.bigint() - t0) / 1e6;
  if (cpu) cpu.push(cpuNow() - c0);
  return wall;
}

/** 1,000 interactions cycled from the stateless generated ones, each with a unique description. */
function synthetic(docs, count) {
  const pool = docs.flatMap((d) => d.interactions.filter((i) => (!i.type || i.type === 'Synchronous/HTTP') && (i.providerStates || []).length === 0));
  const interactions = Array.from({ length: count }, (_, n) => ({ ...pool[n % pool.length], description: `${pool[n % pool.length].description} #${n}` }));
  return { ...docs[0], consumer: { name: 'bench-synthetic' }, interactions };
}

async function measure(label, service, docs, tmp, emptyStore, { systemStore = true } = {}) {
  const ourDir = path.join(tmp, `${label}-ours`);
  fs.mkdirSync(ourDir, { recursive: true });
  docs.forEach((d, n) => fs.writeFileSync(path.join(ourDir, `${n}.json`), JSON.stringify(d)));
  const baseFiles = withRealCredentials(docs, path.join(tmp, `${label}-base`));
  const runs = { ours: [], pact: [], pactEmpty: [], pactFresh: [], raw: [] };
  const cpu = { ours: [], pact: [], pactEmpty: [], pactFresh: [], raw: [] };
  const shim = await stateShim(service);
  // Interleaved, so drift of the machine hits every mode alike.
  for (let r = 0; r < REPS; r++) {
    runs.raw.push(await time(() => rawReplay(service, docs), cpu.raw));
    if (systemStore) runs.pact.push(await time(() => pactAlone(service, baseFiles, shim), cpu.pact));
    runs.pactEmpty.push(await time(() => pactAlone(service, baseFiles, shim, emptyStore), cpu.pactEmpty));
    runs.pactFresh.push(await time(() => pactAloneFresh(service, baseFiles, shim), cpu.pactFresh));
    runs.ours.push(await time(() => ours(service, ourDir), cpu.ours));
  }
  await shim.close();
  const n = docs.reduce((k, d) => k + d.interactions.length, 0);
  const m = { ours: median(runs.ours), pact: systemStore ? median(runs.pact) : undefined, pactEmpty: median(runs.pactEmpty), pactFresh: median(runs.pactFresh), raw: median(runs.raw) };
  const c = Object.fromEntries(Object.entries(cpu).map(([k, v]) => [k, v.length ? median(v) : undefined]));
  const row = (mode, t, tc) => ({ pacts: label, interactions: n, mode, 'median ms': ms(t), 'ms / interaction': (t / n).toFixed(2), 'median CPU ms (all processes)': ms(tc) });
  return {
    rows: [
      row('raw HTTP replay (same requests and state calls)', m.raw, c.raw),
      ...(systemStore ? [row("pact's Verifier alone, in-process, warm (system trust store: pact's default)", m.pact, c.pact)] : []),
      row("pact's Verifier alone, in-process, warm (empty trust store)", m.pactEmpty, c.pactEmpty),
      row("pact's Verifier alone, fresh process (empty trust store)", m.pactFresh, c.pactFresh),
      row('push-contracts verify (audit)', m.ours, c.ours),
    ],
    ratios: {
      [`${label}: verify / raw replay`]: (m.ours / m.raw).toFixed(2),
      [`${label}: verify CPU / raw replay CPU`]: (c.ours / c.raw).toFixed(2),
      [`${label}: verify / pact alone (in-process, empty store)`]: (m.ours / m.pactEmpty).toFixed(2),
      [`${label}: verify / pact alone (fresh process, empty store)`]: (m.ours / m.pactFresh).toFixed(2),
      ...(systemStore ? { [`${label}: verify / pact alone (pact's defaults)`]: (m.ours / m.pact).toFixed(2) } : {}),
    },
  };
}

/** A pact of `count` stateless `GET /items/n` interactions, for a bare server. */
function itemsPact(count) {
  return {
    consumer: { name: 'bench-items' },
    provider: { name: 'bare' },
    interactions: Array.from({ length: count }, (_, n) => ({ description: `item ${n}`, request: { method: 'GET', path: `/items/${n}` }, response: { status: 200, body: { ok: true } } })),
    metadata: { pactSpecification: { version: '3.0.0' } },
  };
}

/** Pact's verifier in a child process on a bare server: the trust store's own cost (system vs empty), and the floor (the verifier per interaction vs a raw replay of the same requests). */
async function trustStoreCost(tmp) {
  const server = http.createServer((req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}'));
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const file = path.join(tmp, 'items-200.json');
  fs.writeFileSync(file, JSON.stringify(itemsPact(200)));
  const opts = { providerBaseUrl: `http://127.0.0.1:${server.address().port}`, pactUrls: [file], logLevel: 'error' };
  const one = path.join(tmp, 'items-1.json');
  fs.writeFileSync(one, JSON.stringify(itemsPact(1)));
  const runs = { system: [], empty: [], start: [], raw: [] };
  const cpu = { system: [], empty: [], start: [], raw: [] };
  // The same 200 requests five times over (1,000 requests): long enough to time a replay at ~0.1 ms each.
  const bare = Array.from({ length: 5 }, () => ({ interactions: itemsPact(200).interactions }));
  try {
    for (let r = 0; r < REPS; r++) {
      runs.system.push(await time(() => runNativeVerifier(opts, () => undefined, 'system'), cpu.system));
      runs.empty.push(await time(() => runNativeVerifier(opts, () => undefined, 'empty'), cpu.empty));
      runs.start.push(await time(() => runNativeVerifier({ ...opts, pactUrls: [one] }, () => undefined, 'empty'), cpu.start));
      runs.raw.push(await time(() => rawReplay({ url: opts.providerBaseUrl }, bare), cpu.raw));
    }
  } finally {
    server.close();
  }
  const m = { system: median(runs.system), empty: median(runs.empty), start: median(runs.start), raw: median(runs.raw) };
  // pact's verifier per interaction with its process start taken out (the run of 1 interaction is the
  // start), against the raw replay per request: what no design that lets pact's verifier make the
  // requests can go below, whatever runs around it.
  const perInteraction = (all, start) => (all - start) / 199;
  const row = (mode, t, tc) => ({ pacts: 'bare server, 200 stateless', interactions: 200, mode, 'median ms': ms(t), 'ms / interaction': (t / 200).toFixed(2), 'median CPU ms (all processes)': ms(tc) });
  return {
    rows: [
      row("pact's verifier, child process, system trust store", m.system, median(cpu.system)),
      row("pact's verifier, child process, empty trust store", m.empty, median(cpu.empty)),
      { ...row("pact's verifier, child process, empty trust store, 1 interaction (its start)", m.start, median(cpu.start)), interactions: 1, 'ms / interaction': '' },
      { ...row('raw HTTP replay of the same 200 requests, five times (one keep-alive connection)', m.raw, median(cpu.raw)), interactions: 1000, 'ms / interaction': (m.raw / 1000).toFixed(2) },
    ],
    ratios: {
      'trust store: system / empty': (m.system / m.empty).toFixed(2),
      "floor, bare server: pact's verifier per interaction (start taken out) / raw replay per request": (perInteraction(m.empty, m.start) / (m.raw / 1000)).toFixed(2),
      "floor, bare server: the same in CPU": (perInteraction(median(cpu.empty), median(cpu.start)) / (median(cpu.raw) / 1000)).toFixed(2),
    },
  };
}

/** verify on growing synthetic pacts: linear growth means t(2n) / t(n) close to 2. */
async function growth(service, docs, tmp) {
  const sizes = [400, 800, 1000, 2000, 4000];
  const dirs = sizes.map((n) => {
    const dir = path.join(tmp, `growth-${n}`);
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, 'synthetic.json'), JSON.stringify(synthetic(docs, n)));
    return dir;
  });
  const runs = sizes.map(() => []);
  const cpu = sizes.map(() => []);
  for (let r = 0; r < REPS; r++) for (const [k, dir] of dirs.entries()) runs[k].push(await time(() => ours(service, dir), cpu[k]));
  const m = runs.map(median);
  const at = (n) => m[sizes.indexOf(n)];
  return {
    rows: sizes.map((n, k) => ({ pacts: `synthetic-${n} (growth)`, interactions: n, mode: 'push-contracts verify (audit)', 'median ms': ms(m[k]), 'ms / interaction': (m[k] / n).toFixed(2), 'median CPU ms (all processes)': ms(median(cpu[k])) })),
    ratios: Object.fromEntries([[400, 800], [1000, 2000], [2000, 4000]].map(([a, b]) => [`growth: t(${b}) / t(${a})`, (at(b) / at(a)).toFixed(2)])),
  };
}

async function run() {
  const docs = pactFilesIn(PACT_DIR).map((f) => (readPactFile(f), JSON.parse(fs.readFileSync(f, 'utf8'))));
  if (docs.length === 0) throw new Error('no pacts in pacts/: run `npm run pacts` first');
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'pc-bench-verify-'));
  const emptyStore = { file: path.join(tmp, 'none.pem'), dir: path.join(tmp, 'no-certs') };
  fs.writeFileSync(emptyStore.file, '');
  fs.mkdirSync(emptyStore.dir);
  // The 504 cases wait out the dispatcher's deadline by design: left out, so the ratios measure work.
  const withoutDeadline = docs.map((d) => ({ ...d, interactions: d.interactions.filter((i) => !(i.response && i.response.status === 504)) }));
  // Rate limits out of the way of thousands of requests; the deadline `start` and `verify` give the
  // embedded service, so a loaded machine does not turn other interactions into 504s.
  const service = await startReferenceService({ enableProviderStates: true, dispatcher: { deadlineMs: EMBEDDED_DEADLINE_MS }, limits: { rate: { limit: 1_000_000 } } });
  const loadBefore = os.loadavg()[0];
  try {
    const store = await trustStoreCost(tmp);
    const generated = await measure('generated without 504', service, withoutDeadline, tmp, emptyStore);
    // pact's defaults (the system store) cost ~140 ms per interaction here: measured on the generated
    // pacts and the trust-store rows, left out of the synthetic one where it alone would take 7 minutes.
    const big = await measure('synthetic-1000', service, [synthetic(docs, 1000)], tmp, emptyStore, { systemStore: false });
    const grown = await growth(service, docs, tmp);
    return {
      name: 'verify',
      title: 'Provider verification: the cost of verify, the trust store, growth',
      settings: {
        reps: `${REPS} (interleaved)`,
        'dispatcher deadline': `${EMBEDDED_DEADLINE_MS} ms`,
        provider: 'reference service (in-process)',
        load: `1-minute load average ${loadBefore.toFixed(1)} at the start and ${os.loadavg()[0].toFixed(1)} at the end (whatever else ran on the machine included)`,
      },
      rows: [...store.rows, ...generated.rows, ...big.rows, ...grown.rows],
      ratios: { ...store.ratios, ...generated.ratios, ...big.ratios, ...grown.ratios },
    };
  } finally {
    await service.close();
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

module.exports = { run };
