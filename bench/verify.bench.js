'use strict';
/**
 * The cost of the audit: `push-contracts verify` (recording proxy + audit + the Rust verifier in a
 * child process) against pact's Verifier alone (pact-core's Rust verifier, in-process, straight at the
 * provider) and against a raw HTTP replay of the same requests (state setup, request, teardown, no
 * matching), side by side in one run, on the same pacts and the same reference service. Then the same
 * on a synthetic pact of 1,000 interactions. Medians of REPS runs each.
 *
 * For the two baselines the pact copies carry the real Authorization instead of the placeholder (what
 * our request filter does per request), so every mode sends the same requests.
 */
process.env.PACT_DO_NOT_TRACK = 'true';
const fs = require('node:fs');
const http = require('node:http');
const os = require('node:os');
const path = require('node:path');
const pactCore = require('@pact-foundation/pact-core').default;
const { verifyProvider } = require('../dist/verifier/verify');
const { pactFilesIn, readPactFile } = require('../dist/verifier/pacts');
const { startReferenceService, DEMO_CREDENTIALS, PROVIDER_STATES_PATH } = require('../dist/service');
const { basicAuth, PLACEHOLDER_CREDENTIALS } = require('../dist/credentials');

const REPS = Number(process.env.BENCH_REPS || 3);
const PACT_DIR = path.join(__dirname, '..', 'pacts');
const PLACEHOLDER = basicAuth(PLACEHOLDER_CREDENTIALS);
const REAL = basicAuth(DEMO_CREDENTIALS);

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const ms = (x) => Math.round(x);

/** Pact documents with the placeholder Authorization replaced by the real one (the baselines' input). */
function withRealCredentials(docs, dir) {
  fs.mkdirSync(dir, { recursive: true });
  return docs.map((doc, n) => {
    const file = path.join(dir, `${n}.json`);
    fs.writeFileSync(file, JSON.stringify(doc).split(PLACEHOLDER).join(REAL));
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
      for (const [k, v] of Object.entries(i.request.headers || {})) headers[k] = (Array.isArray(v) ? v.join(', ') : String(v)).split(PLACEHOLDER).join(REAL);
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

async function pactAlone(service, files, shim) {
  pactCore.logLevel('error');
  try {
    await pactCore.verifyPacts({ providerBaseUrl: service.url, providerStatesSetupUrl: shim.url, pactUrls: files, logLevel: 'error', timeout: 10000 });
  } catch {
    // A failed verification still did all the work; only the time matters here.
  }
}

async function ours(service, dir) {
  await verifyProvider({ providerBaseUrl: service.url, providerStatesSetupUrl: service.url + PROVIDER_STATES_PATH, sources: [{ kind: 'dir', dir }], credentials: DEMO_CREDENTIALS, timeoutMs: 10000 });
}

async function time(fn) {
  const t0 = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - t0) / 1e6;
}

/** 1,000 interactions cycled from the stateless generated ones, each with a unique description. */
function synthetic(docs, count) {
  const pool = docs.flatMap((d) => d.interactions.filter((i) => (!i.type || i.type === 'Synchronous/HTTP') && (i.providerStates || []).length === 0));
  const interactions = Array.from({ length: count }, (_, n) => ({ ...pool[n % pool.length], description: `${pool[n % pool.length].description} #${n}` }));
  return { ...docs[0], consumer: { name: 'bench-synthetic' }, interactions };
}

async function measure(label, service, docs, tmp) {
  const ourDir = path.join(tmp, `${label}-ours`);
  fs.mkdirSync(ourDir, { recursive: true });
  docs.forEach((d, n) => fs.writeFileSync(path.join(ourDir, `${n}.json`), JSON.stringify(d)));
  const baseFiles = withRealCredentials(docs, path.join(tmp, `${label}-base`));
  const runs = { ours: [], pact: [], raw: [] };
  const shim = await stateShim(service);
  // Interleaved, so drift of the machine hits every mode alike.
  for (let r = 0; r < REPS; r++) {
    runs.raw.push(await time(() => rawReplay(service, docs)));
    runs.pact.push(await time(() => pactAlone(service, baseFiles, shim)));
    runs.ours.push(await time(() => ours(service, ourDir)));
  }
  await shim.close();
  const n = docs.reduce((k, d) => k + d.interactions.length, 0);
  const m = { ours: median(runs.ours), pact: median(runs.pact), raw: median(runs.raw) };
  return {
    rows: [
      { pacts: label, interactions: n, mode: 'raw HTTP replay', 'median ms': ms(m.raw), 'ms / interaction': (m.raw / n).toFixed(2) },
      { pacts: label, interactions: n, mode: "pact's Verifier alone", 'median ms': ms(m.pact), 'ms / interaction': (m.pact / n).toFixed(2) },
      { pacts: label, interactions: n, mode: 'push-contracts verify (audit)', 'median ms': ms(m.ours), 'ms / interaction': (m.ours / n).toFixed(2) },
    ],
    ratios: { [`${label}: verify / pact alone`]: (m.ours / m.pact).toFixed(2), [`${label}: verify / raw replay`]: (m.ours / m.raw).toFixed(2) },
  };
}

async function run() {
  const docs = pactFilesIn(PACT_DIR).map((f) => (readPactFile(f), JSON.parse(fs.readFileSync(f, 'utf8'))));
  if (docs.length === 0) throw new Error('no pacts in pacts/: run `npm run pacts` first');
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'pc-bench-verify-'));
  // Deadline short (the 504 interactions wait 2x it) and rate limits out of the way of 1,000 requests.
  const service = await startReferenceService({ enableProviderStates: true, dispatcher: { deadlineMs: 50 }, limits: { rate: { limit: 1_000_000 } } });
  try {
    const generated = await measure('generated', service, docs, tmp);
    const big = await measure('synthetic-1000', service, [synthetic(docs, 1000)], tmp);
    return {
      name: 'verify',
      title: 'Provider verification: the cost of the audit',
      settings: { reps: REPS, 'dispatcher deadline': '50 ms', provider: 'reference service (in-process)' },
      rows: [...generated.rows, ...big.rows],
      ratios: { ...generated.ratios, ...big.ratios },
    };
  } finally {
    await service.close();
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

module.exports = { run };
