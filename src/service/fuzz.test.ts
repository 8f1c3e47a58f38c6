/**
 * Fuzz: 10,000 random and mutated requests (fast-check) against a healthy service. Whatever a client
 * sends, the service never crashes, never answers 5xx for the client's fault, answers every error with a
 * schema-valid JSON envelope, and never answers 200 with an error. Bounded: one seed per run, a fixed count.
 */
import * as http from 'node:http';
import fc from 'fast-check';
import { envelopeForm } from '../contracts/envelopes';
import { getContracts, type ApiId } from '../contracts';
import { basicAuth, WRONG_CREDENTIALS } from '../credentials';
import { DEMO_CREDENTIALS, startReferenceService, type ReferenceService } from './index';

const contracts = getContracts();
const RUNS = 10_000;

interface FuzzRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: Record<string, string>;
  readonly body?: string;
}

const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });

function send(base: string, r: FuzzRequest): Promise<{ status: number; headers: http.IncomingHttpHeaders; text: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(base + r.path, { method: r.method, agent, headers: { ...r.headers, ...(r.body !== undefined ? { 'content-length': String(Buffer.byteLength(r.body)) } : {}) } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    req.end(r.body);
  });
}

// ---- arbitraries

const endpoints = contracts.endpoints();
const retired = Object.values(contracts.apis).flatMap((a) => a.retired);
const weird = fc.oneof(
  fc.string({ maxLength: 30 }),
  fc.constantFrom('0000000000000000000', '1a0018970a1b2c3d4e5', 'not~a~rid', '%', '%zz', '..', '%2F', '__proto__', 'constructor', 'ffffffff-ffff-4fff-8fff-ffffffffffff', 'x'.repeat(300)),
  fc.stringMatching(/^[0-9a-zA-Z]{1,64}$/),
);
const segment = weird.map((s) => (s === '' ? 'x' : encodeURIComponent(s).replace(/%25(zz)?$/, '%$1')));

const pathArb: fc.Arbitrary<string> = fc.oneof(
  { weight: 6, arbitrary: fc.tuple(fc.constantFrom(...endpoints), fc.array(segment, { minLength: 3, maxLength: 3 })).map(([e, segs]) => e.path.replace(/\{[a-z_]+\}/g, () => segs.shift() ?? 'x')) },
  { weight: 1, arbitrary: fc.constantFrom(...retired.map((r) => r.path)) },
  { weight: 1, arbitrary: fc.array(segment, { minLength: 0, maxLength: 4 }).chain((segs) => fc.constantFrom('', '/v3', '/v4', '/v2').map((p) => `${p}/${segs.join('/')}`)) },
);
const queryArb = fc.option(fc.dictionary(fc.constantFrom('msg_ids', 'count', 'type', 'page', 'platform', 'new_format', 'x'), fc.oneof(weird, fc.constantFrom('1', '0', '1001', '1828256757,2', 'android,ios', 'symbian'))), { nil: undefined })
  .map((q) => (q ? `?${new URLSearchParams(q as Record<string, string>).toString()}` : ''));

/** A valid example body of an endpoint, mutated: keys dropped, values replaced, keys added. */
const examples = endpoints.filter((e) => e.request.body).map((e) => (contracts.schema(e.request.body!) as { examples: unknown[] }).examples[0]);
const mutation = fc.record({ drop: fc.array(fc.nat(), { maxLength: 2 }), set: fc.array(fc.tuple(fc.nat(), fc.string({ maxLength: 12 }), fc.jsonValue({ maxDepth: 2 })), { maxLength: 3 }) });

function mutate(body: unknown, m: { drop: number[]; set: Array<[number, string, unknown]> }): unknown {
  const copy = structuredClone(body) as Record<string, unknown>;
  const objects: Array<Record<string, unknown>> = [];
  const walk = (n: unknown): void => {
    if (n && typeof n === 'object' && !Array.isArray(n)) {
      objects.push(n as Record<string, unknown>);
      Object.values(n).forEach(walk);
    }
  };
  walk(copy);
  for (const d of m.drop) {
    const o = objects[d % objects.length];
    const keys = Object.keys(o);
    if (keys.length) delete o[keys[d % keys.length]];
  }
  for (const [i, key, value] of m.set) {
    const o = objects[i % objects.length];
    const keys = Object.keys(o);
    o[keys.length && i % 2 === 0 ? keys[i % keys.length] : key] = value;
  }
  return copy;
}

const bodyArb: fc.Arbitrary<string | undefined> = fc.oneof(
  { weight: 2, arbitrary: fc.constant(undefined) },
  { weight: 5, arbitrary: fc.tuple(fc.constantFrom(...examples), mutation).map(([b, m]) => JSON.stringify(mutate(b, m))) },
  { weight: 1, arbitrary: fc.constantFrom(...examples).map((b) => JSON.stringify(b)) },
  { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v)) },
  { weight: 1, arbitrary: fc.string({ maxLength: 60 }) },
  { weight: 1, arbitrary: fc.constantFrom('{"platform": "all", "audience": ', '{"__proto__": {"x": 1}}', '{"constructor": {"prototype": {}}}', '\u0000', '[]', 'null', '{}') },
);

const authArb = fc.constantFrom<Record<string, string>>(
  { authorization: basicAuth(DEMO_CREDENTIALS) },
  { authorization: basicAuth(DEMO_CREDENTIALS) },
  { authorization: basicAuth(DEMO_CREDENTIALS) },
  {},
  { authorization: basicAuth(WRONG_CREDENTIALS) },
  { authorization: 'Basic !!!' },
  { authorization: 'Basic ' + Buffer.from('no-colon').toString('base64') },
  { authorization: 'Bearer x' },
);

const requestArb: fc.Arbitrary<FuzzRequest> = fc.record({
  method: fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'GET', 'POST', 'DELETE'),
  path: fc.tuple(pathArb, queryArb).map(([p, q]) => p + q),
  auth: authArb,
  contentType: fc.constantFrom<string | undefined>('application/json', 'application/json; charset=utf-8', 'text/plain', 'application/x-www-form-urlencoded', undefined),
  body: bodyArb,
}).map(({ method, path, auth, contentType, body }) => ({
  method,
  // As the client sends it: WHATWG URL parsing resolves dot segments before the request leaves.
  path: ((u) => u.pathname + u.search)(new URL(path, 'http://127.0.0.1')),
  headers: { ...auth, ...(contentType ? { 'content-type': contentType } : {}) },
  body,
}));

function apiOf(path: string): ApiId {
  return contracts.apiOfPath(path) ?? (Object.keys(contracts.apis)[0] as ApiId);
}

describe('reference service fuzz', () => {
  let svc: ReferenceService;

  beforeAll(async () => {
    // A limit no run reaches, so requests get past the rate limiter to validation and the dispatcher.
    // A deadline far beyond any healthy job, so a loaded machine cannot turn a client's request into a 504.
    svc = await startReferenceService({ limits: { rate: { limit: 1_000_000 } }, dispatcher: { deadlineMs: 10_000 } });
    await svc.setUpState('a device exists', { registration_id: '1a0018970a1b2c3d4e5' });
    await svc.setUpState('a schedule exists', { schedule_id: 'ffffffff-ffff-4fff-8fff-fffffffffff0' });
    await svc.setUpState('a message was sent', { msg_id: '1828256757' });
  });
  afterAll(async () => {
    agent.destroy();
    await svc.close();
  });

  it(`answers ${RUNS} random and mutated requests within the policy`, async () => {
    const statuses = new Map<number, number>();
    await fc.assert(
      fc.asyncProperty(requestArb, async (r) => {
        const a = await send(svc.url, r);
        statuses.set(a.status, (statuses.get(a.status) ?? 0) + 1);
        if (!contracts.isCatalogued(a.status)) throw new Error(`status ${a.status} is not one of the policy's`);
        // The dispatcher is healthy: any 5xx would be the service failing on a client's request.
        if (a.status >= 500) throw new Error(`5xx for a client's request: ${a.status} ${a.text}`);
        const api = apiOf(r.path);
        if (a.status === 200) {
          if (a.text !== '' && 'error' in (JSON.parse(a.text) as object)) throw new Error(`200 carrying an error: ${a.text}`);
          const match = contracts.resolve(r.method, r.path);
          if (match.kind !== 'endpoint') throw new Error(`200 for a request that reaches no endpoint: ${r.method} ${r.path}`);
          if (match.endpoint.success !== 'empty') {
            const v = contracts.validate(match.endpoint.success, JSON.parse(a.text));
            if (!v.valid) throw new Error(`200 body breaks ${match.endpoint.success}: ${JSON.stringify(v.errors[0])}`);
          }
          return;
        }
        if (!/^application\/json/.test(String(a.headers['content-type']))) throw new Error(`error without JSON content type: ${a.status} ${a.headers['content-type']}`);
        // The envelope of the endpoint the request reached (template push: flat), else the API's.
        const route = contracts.resolve(r.method, r.path);
        const envelope = route.kind === 'endpoint' ? route.endpoint.errorEnvelope : contracts.apis[api].errorEnvelope;
        const v = contracts.validate(envelope, JSON.parse(a.text));
        if (!v.valid) throw new Error(`error body breaks the ${api} envelope ${envelope}: ${a.text}`);
        const body = JSON.parse(a.text) as { error?: { code: number }; code?: number };
        const code = contracts.businessCode(api, undefined, (envelopeForm(contracts, envelope) === 'flat' ? body.code : body.error?.code) as number);
        if (!code || code.status !== a.status) throw new Error(`business code of ${a.text} does not go with ${a.status}`);
      }),
      { numRuns: RUNS, seed: Number(process.env.FUZZ_SEED ?? 20261123), endOnFailure: true },
    );
    // The generator reaches every layer: errors from each gateway stage and successes from the dispatcher.
    for (const s of [200, 400, 401, 404, 405, 410]) expect(statuses.get(s) ?? 0).toBeGreaterThan(0);
    const health = await send(svc.url, { method: 'GET', path: '/v3/tags', headers: { authorization: basicAuth(DEMO_CREDENTIALS) } });
    expect(health.status).toBe(200);
    // Ten thousand sequential requests: about 30 s on an idle 2-core machine, over 70 s on a loaded one.
    // The timeout only bounds a hang; how fast the service is lives in bench/, not here.
  }, 180_000);
});

