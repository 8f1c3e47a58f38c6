import * as fs from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import { main } from '../cli/main';
import { runMatrix, type AdapterContext, type MatrixAdapter, type MatrixCell, type MatrixResult } from './matrix';
import { referenceAdapter, referenceCalls } from './reference-adapter';
import { getContracts } from '../contracts';
import { ensureTypeScript } from './load-adapter';
import { builtWorkerEntry, runAdapterModule, WORKER_SOURCES } from './isolate';
import { renderMatrixMarkdown } from './render';

process.env.PACT_DO_NOT_TRACK = 'true';
// A limit, not a speed target: worker threads load ts-node, and the machine is shared.
jest.setTimeout(60_000);

class ClientError extends Error {
  constructor(readonly status: number, readonly retryAdvised?: boolean) {
    super(`status ${status}`);
    this.name = 'ClientError';
  }
}

interface Answer {
  status: number;
  body: string;
}

/** One request with node:http and a timeout; what the client does with the answer is left to each variant. */
function send(ctx: AdapterContext, timeoutMs = 800): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const body = ctx.example.body === undefined ? undefined : JSON.stringify(ctx.example.body);
    const req = http.request(new URL(ctx.example.path, ctx.baseUrl), { method: ctx.example.method, agent: false, timeout: timeoutMs, headers: body ? { 'content-type': 'application/json' } : {} }, (res) => {
      let text = '';
      res.on('data', (c: Buffer) => (text += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new ClientError(0)));
    req.on('error', (e) => reject(e instanceof ClientError ? e : new ClientError(0)));
    req.end(body);
  });
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function adapter(name: string, call: (ctx: AdapterContext) => Promise<unknown>, endpoints: string[] = ['tags.list'], extra: Partial<MatrixAdapter> = {}): MatrixAdapter {
  return {
    name,
    api: 'jpush-v3',
    calls: Object.fromEntries(endpoints.map((e) => [e, call])),
    isTypedError: (err) => err instanceof ClientError,
    statusOf: (err) => (err instanceof ClientError ? err.status : undefined),
    ...extra,
  };
}

/** A client that throws its error on any non-2xx, after `retries(status)` more attempts separated by `waitMs`. */
function retrying(retries: (status: number) => number, waitMs: number) {
  return async (ctx: AdapterContext): Promise<unknown> => {
    let a = await send(ctx);
    for (let i = 0; a.status >= 300 && i < retries(a.status); i++) {
      await sleep(waitMs);
      a = await send(ctx);
    }
    if (a.status >= 300) throw new ClientError(a.status);
    return a.body;
  };
}

const opts = { endpoints: ['tags.list'], statuses: [200, 401, 502, 503], hangTimeoutMs: 1000, transport: false } as const;
const key = (c: MatrixCell): string => `${c.variant === 'catalogue' ? c.status : c.variant === 'html-502' ? '502 html' : c.variant}`;
const byKey = (r: MatrixResult): Record<string, MatrixCell> => Object.fromEntries(r.cells.map((c) => [key(c), c]));
const ids = (c: MatrixCell): string[] => c.violations.map((v) => v.id);

describe('runMatrix outcomes', () => {
  it('classifies a client that resolves whatever the status as wrong success on every error', async () => {
    const r = await runMatrix(adapter('naive', async (ctx) => (await send(ctx)).body), opts);
    expect(r.cells.map((c) => [c.status, c.variant, c.outcome])).toEqual([
      [200, 'catalogue', 'success'],
      [401, 'catalogue', 'wrong-success'],
      [502, 'catalogue', 'wrong-success'],
      [502, 'html-502', 'wrong-success'],
      [503, 'catalogue', 'wrong-success'],
    ]);
    expect(r.cells.filter((c) => c.asSpecified).map(key)).toEqual(['200']);
    expect(r.unsupported).toContain('push');
  });

  it('tells typed errors from untyped crashes, and a retry that gets the 200 is "recovered" with its attempts and delays', async () => {
    const r = await runMatrix(
      adapter('json-parsing', async (ctx) => {
        let a = await send(ctx);
        if (a.status === 503) {
          await sleep(30);
          a = await send(ctx); // one retry: the sequence answers 200
        }
        if (a.status === 200) return JSON.parse(a.body);
        const parsed = JSON.parse(a.body) as { error: { code: number } }; // throws SyntaxError on HTML
        throw new ClientError(a.status + parsed.error.code * 0);
      }),
      opts,
    );
    const c = byKey(r);
    expect(c['401']).toMatchObject({ outcome: 'typed-error', reportedStatus: 401, attempts: 1, expectedCode: 7004, asSpecified: true, violations: [] });
    expect(c['502 html']).toMatchObject({ outcome: 'untyped-crash', asSpecified: false });
    expect(c['502 html'].detail).toMatch(/^SyntaxError/);
    expect(c['503']).toMatchObject({ outcome: 'recovered', attempts: 2, asSpecified: true });
    expect(c['503'].delaysMs[0]).toBeGreaterThanOrEqual(25);
    // The client's own wait: the one 30 ms timer it armed between the 503 and the retry, whatever the machine's load.
    expect(c['503'].backoffMs).toEqual([30]);
    // 502 given up at once on an idempotent read: the policy says back off and retry.
    expect(ids(c['502'])).toEqual(['retry.gave-up']);
    expect(c['502']).toMatchObject({ outcome: 'typed-error', asSpecified: false });
    expect(c['502'].reason).toContain('retry.gave-up: tags.list 502: gave up after one request');
  });

  it('reports a client that never settles as a hang after the timeout', async () => {
    const r = await runMatrix(
      adapter('stuck', async (ctx) => {
        const a = await send(ctx);
        if (a.status === 503) return new Promise(() => undefined);
        if (a.status !== 200) throw new ClientError(a.status);
        return a.body;
      }),
      { ...opts, statuses: [503], html502: false },
    );
    expect(r.cells[0]).toMatchObject({ outcome: 'hang', detail: 'no answer after 1000 ms', asSpecified: false });
    expect(r.cells[0].elapsedMs).toBeGreaterThanOrEqual(1000);
    expect(renderMatrixMarkdown(r)).toContain('| tags.list | HANG |');
  });

  it('flags a request the mock server could not match, instead of judging the answer', async () => {
    const r = await runMatrix(
      adapter('wrong-path', (ctx) => send({ ...ctx, example: { ...ctx.example, path: '/v3/tagz' } }).then((a) => a.status)),
      { ...opts, statuses: [401], html502: false },
    );
    expect(r.cells).toHaveLength(1);
    expect(r.cells[0]).toMatchObject({ outcome: 'request-mismatch', asSpecified: false });
  });

  it('calls a cell no request reached "not exercised", never a pass, even when the client threw its typed error', async () => {
    const r = await runMatrix(
      adapter('validates-first', () => Promise.reject(new ClientError(400))),
      { ...opts, statuses: [200, 401], html502: false },
    );
    expect(r.cells.map((c) => [c.status, c.outcome, c.asSpecified, c.attempts])).toEqual([
      [200, 'not-exercised', false, 0],
      [401, 'not-exercised', false, 0],
    ]);
    expect(r.cells[1].reason).toContain('no request reached the server');
    expect(renderMatrixMarkdown(r)).toContain('Not exercised (no request reached the server; never counted as a pass): 2 cells.');
  });
});

describe('runMatrix retry expectations (contracts/statuses.json retry)', () => {
  it('names a retried 4xx, a 429 retried before its reset, and a retry without backoff (the default 10 ms, at any load)', async () => {
    // The retry's arrival on a loaded machine can be tens of ms after the answer (the loop serves other work);
    // the verdict reads the client's own waits, its timers: a setTimeout(0) here.
    const r = await runMatrix(adapter('retries-everything-at-once', retrying(() => 1, 0)), { ...opts, statuses: [401, 429, 503], html502: false });
    const c = byKey(r);
    expect(ids(c['401'])).toEqual(['retry.not-retryable']);
    expect(c['401'].attempts).toBe(2);
    expect(ids(c['429'])).toEqual(['retry.before-rate-limit-reset']);
    expect(c['429'].reason).toMatch(/X-Rate-Limit-Reset asked for 1 s/);
    expect(ids(c['503'])).toEqual(['retry.no-backoff']);
    expect(c['503'].backoffMs).toEqual([1]); // its setTimeout(0): Node's 1 ms
    expect(c['503'].reason).toMatch(/retried after waiting 1 ms of its own \(its timers; the server saw the retry \d+ ms after the failed answer\), below a 10 ms backoff/);
    expect(r.cells.every((x) => !x.asSpecified)).toBe(true);
  });

  it('counts a chain of short timers as one wait, and a wait below the backoff as none', async () => {
    const chained = async (ctx: AdapterContext): Promise<unknown> => {
      const a = await send(ctx);
      if (a.status === 200) return a.body;
      for (let i = 0; i < 4; i++) await sleep(4); // 16 ms of waiting, in steps below the minimum
      const b = await send(ctx);
      if (b.status >= 300) throw new ClientError(b.status);
      return b.body;
    };
    const r = await runMatrix(adapter('chained', chained), { ...opts, statuses: [503], html502: false });
    expect(r.cells[0]).toMatchObject({ outcome: 'recovered', backoffMs: [16], violations: [], asSpecified: true });
    const short = await runMatrix(adapter('short', retrying(() => 1, 5)), { ...opts, statuses: [503], html502: false });
    expect(short.cells[0]).toMatchObject({ outcome: 'recovered', backoffMs: [5], asSpecified: false });
    expect(ids(short.cells[0])).toEqual(['retry.no-backoff']);
  });

  it('names a 429 never waited for, and accepts one waited out', async () => {
    const never = await runMatrix(adapter('no-retry', retrying(() => 0, 0)), { ...opts, statuses: [429], html502: false });
    expect(ids(never.cells[0])).toEqual(['retry.rate-limit-ignored']);
    const waits = await runMatrix(adapter('waits', retrying(() => 1, 1000)), { ...opts, statuses: [429], html502: false, hangTimeoutMs: 2500 });
    expect(waits.cells[0]).toMatchObject({ outcome: 'recovered', attempts: 2, violations: [], asSpecified: true });
  });

  it('names a push without cid sent again after a 503 (duplicate send), and accepts a push given up on', async () => {
    const dup = await runMatrix(adapter('resends', retrying(() => 1, 30), ['push']), { ...opts, endpoints: ['push'], statuses: [503], html502: false });
    expect(ids(dup.cells[0])).toEqual(['retry.duplicate-send']);
    const careful = await runMatrix(adapter('careful', retrying(() => 0, 0), ['push']), { ...opts, endpoints: ['push'], statuses: [503], html502: false });
    expect(careful.cells[0]).toMatchObject({ outcome: 'typed-error', violations: [], asSpecified: true });
  });

  it('lets a team lower an expectation to a warning: shown, not failing', async () => {
    const r = await runMatrix(adapter('no-retry', retrying(() => 0, 0)), { ...opts, statuses: [503], html502: false, severity: { 'retry.gave-up': 'warning' } });
    expect(r.cells[0]).toMatchObject({ asSpecified: true, violations: [{ id: 'retry.gave-up', severity: 'warning' }] });
    expect(renderMatrixMarkdown(r)).toContain(`| tags.list | typed [no code, expected ${String(r.cells[0].expectedCode)}] ⚠1 |`);
  });
});

describe('runMatrix transport faults', () => {
  it('judges the reference client as specified on every fault, for a read and for a push without cid', async () => {
    const r = await runMatrix(referenceAdapter('jpush-v3'), { endpoints: ['tags.list', 'push'], statuses: [], hangTimeoutMs: 3000 });
    expect(r.cells.map((c) => `${c.endpoint} ${c.variant}`)).toEqual([
      ...['refused', 'reset-mid-body', 'no-answer', 'slow-headers', 'html-200'].map((f) => `push ${f}`),
      ...['refused', 'reset-mid-body', 'no-answer', 'slow-headers', 'html-200'].map((f) => `tags.list ${f}`),
    ]);
    expect(r.cells.filter((c) => !c.asSpecified)).toEqual([]);
    const cell = (e: string, v: string): MatrixCell | undefined => r.cells.find((c) => c.endpoint === e && c.variant === v);
    expect(cell('tags.list', 'no-answer')).toMatchObject({ outcome: 'recovered', attempts: 2 });
    // Own waits, answered or not (25-50 ms, its first backoff step; an unanswered one counted from its give-up).
    const waits = ['reset-mid-body', 'no-answer'].map((v) => cell('tags.list', v)?.backoffMs);
    expect(waits.map((w) => w?.length === 1 && w[0] >= 25 && w[0] <= 50)).toEqual([true, true]);
    expect(cell('push', 'no-answer')).toMatchObject({ outcome: 'typed-error', attempts: 1 });
    expect(cell('push', 'refused')).toMatchObject({ outcome: 'typed-error', attempts: null });
    expect(cell('tags.list', 'html-200')).toMatchObject({ outcome: 'typed-error', attempts: 1 });
  });

  it('flags a client that calls a possibly-delivered push safe to retry', async () => {
    const r = await runMatrix(
      adapter('optimistic', async (ctx) => {
        try {
          return await send(ctx, 100);
        } catch {
          throw new ClientError(0, true); // "Connect timeout. Please retry later."
        }
      }, ['push'], { retryAdvisedOf: (e) => (e instanceof ClientError ? e.retryAdvised : undefined) }),
      { endpoints: ['push'], statuses: [], transport: ['no-answer'], hangTimeoutMs: 600 },
    );
    expect(ids(r.cells[0])).toEqual(['transport.unsafe-retry-advice']);
  });
});

describe('runMatrix scheduling', () => {
  it('runs the cells that wait by design in a lane of their own, all waiting at once, while the quick cells stay one at a time', async () => {
    // Each call's span, and whether it ended in the client's own timeout (the no-answer cells).
    const spans: Array<{ start: number; end: number; timedOut: boolean }> = [];
    const client = async (ctx: AdapterContext): Promise<unknown> => {
      const span = { start: performance.now(), end: Infinity, timedOut: false };
      spans.push(span);
      try {
        return (await send(ctx, 1500)).body;
      } catch (err) {
        span.timedOut = err instanceof ClientError && err.status === 0;
        throw err;
      } finally {
        span.end = performance.now();
      }
    };
    const endpoints = ['device.get', 'tags.list', 'aliases.get']; // the catalogue's order
    const r = await runMatrix(adapter('lanes', client, endpoints), { endpoints, statuses: [200, 401], html502: false, transport: ['no-answer'], hangTimeoutMs: 4000, concurrency: 1, waitingConcurrency: 3 });
    // Results keep the plan's order whatever ran first.
    expect(r.cells.map((c) => `${c.endpoint} ${key(c)}`)).toEqual(endpoints.flatMap((e) => [`${e} 200`, `${e} 401`, `${e} no-answer`]));
    expect(r.cells.filter((c) => c.variant === 'no-answer').map((c) => c.outcome)).toEqual(['typed-error', 'typed-error', 'typed-error']);
    const waiting = spans.filter((s) => s.timedOut);
    const quick = spans.filter((s) => !s.timedOut).sort((a, b) => a.start - b.start);
    expect([waiting.length, quick.length]).toEqual([3, 6]);
    // The three waits overlap (each started before any ended); the quick cells never overlap each other.
    expect(Math.max(...waiting.map((s) => s.start))).toBeLessThan(Math.min(...waiting.map((s) => s.end)));
    for (let i = 1; i < quick.length; i++) expect(quick[i].start).toBeGreaterThanOrEqual(quick[i - 1].end);
  });
});

describe('runAdapterModule with several calls per worker', () => {
  it('blames a throw outside the promise on the call whose client threw it, not on the calls in flight beside it', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pc-matrix-shared-'));
    try {
      // Every call holds its answer 400 ms before resolving, so the others are in flight on the one worker when
      // the 401's client throws from its socket handler.
      fs.writeFileSync(
        path.join(dir, 'shared.js'),
        `module.exports = { name: 'shared', api: 'jpush-v3', isTypedError: () => true, calls: { 'tags.list': (ctx) => new Promise((resolve) => require('node:http').get(new URL('/v3/tags', ctx.baseUrl), { agent: false }, (r) => { r.resume(); r.on('end', () => { if (r.statusCode === 401) throw new TypeError('boom in a socket handler'); setTimeout(() => resolve(r.statusCode), 400); }); })) } };\n`,
      );
      const r = await runAdapterModule(path.join(dir, 'shared.js'), { endpoints: ['tags.list'], statuses: [200, 401, 403, 429], html502: false, transport: false, hangTimeoutMs: 4000, concurrency: 4, callsPerWorker: 4 });
      expect(r.cells.map((c) => [c.status, c.outcome, c.detail])).toEqual([
        [200, 'success', 'number 200'],
        [401, 'untyped-crash', "uncaught TypeError: boom in a socket handler (thrown outside the client's promise)"],
        [403, 'wrong-success', 'number 403'],
        [429, 'wrong-success', 'number 429'],
      ]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('runAdapterModule: the backoff verdict of a client in a worker thread', () => {
  it("reads the worker client's own timers: at once is no backoff, 25 ms (a plain timer) and 60 ms (a patient one) are", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pc-matrix-waits-'));
    try {
      const get = `(url) => new Promise((resolve, reject) => require('node:http').get(url, { agent: false }, (r) => { r.resume(); r.on('end', () => resolve(r.statusCode)); }).on('error', reject))`;
      const call = (waitMs: number): string => `async (ctx) => { const url = new URL(ctx.example.path, ctx.baseUrl); let s = await get(url); if (s === 503) { ${waitMs > 0 ? `await new Promise((r) => setTimeout(r, ${waitMs}));` : ''} s = await get(url); } if (s !== 200) throw new Error(String(s)); return s; }`;
      fs.writeFileSync(
        path.join(dir, 'waits.js'),
        `const get = ${get};\nmodule.exports = { name: 'waits', api: 'jpush-v3', isTypedError: () => true, calls: { 'tags.list': ${call(0)}, 'device.get': ${call(25)}, 'aliases.get': ${call(60)} } };\n`,
      );
      const endpoints = ['tags.list', 'device.get', 'aliases.get'];
      const r = await runAdapterModule(path.join(dir, 'waits.js'), { endpoints, statuses: [503], html502: false, transport: false, hangTimeoutMs: 4000, concurrency: 3, callsPerWorker: 3 });
      expect(r.cells.map((c) => [c.endpoint, c.outcome, c.backoffMs, ids(c)])).toEqual([
        ['device.get', 'recovered', [25], []],
        ['tags.list', 'recovered', [0], ['retry.no-backoff']],
        ['aliases.get', 'recovered', [60], []],
      ]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('referenceAdapter', () => {
  it('drives every catalogued endpoint, through the generic call where the client has no named method', async () => {
    for (const api of ['jpush-v3', 'mtpush-v4'] as const) {
      expect(Object.keys(referenceAdapter(api).calls).sort()).toEqual(getContracts().endpoints(api).map((e) => e.id).sort());
    }
    const table = referenceCalls as Record<string, unknown>;
    const named = table['tags.list'];
    delete table['tags.list']; // as for an endpoint the catalogue gained after the table was written
    try {
      const r = await runMatrix(referenceAdapter('jpush-v3'), { ...opts, statuses: [200, 401, 503], html502: false });
      expect(r.cells.map((c) => [c.status, c.outcome, c.asSpecified])).toEqual([
        [200, 'success', true],
        [401, 'typed-error', true],
        [503, 'recovered', true],
      ]);
    } finally {
      table['tags.list'] = named;
    }
  });
});

describe('runMatrix selection and clean-up', () => {
  it('refuses an empty selection with a usage error naming what the adapter drives', async () => {
    await expect(runMatrix(adapter('tags only', async () => undefined), { endpoints: ['push.cid'] })).rejects.toMatchObject({
      code: 'PC_ERR_USAGE',
      message: expect.stringContaining('empty selection, nothing to exercise: the adapter has no call for push.cid (it drives: tags.list)'),
    });
  });

  it('refuses an adapter with an unknown api or endpoint id, listing the valid ones', async () => {
    await expect(runMatrix({ ...adapter('x', async () => undefined), api: 'jpush-v9' as 'jpush-v3' })).rejects.toMatchObject({ code: 'PC_ERR_ADAPTER', message: expect.stringContaining("unknown api 'jpush-v9'; valid: jpush-v3, mtpush-v4") });
    await expect(runMatrix(adapter('x', async () => undefined, ['tags.lsit']))).rejects.toMatchObject({ code: 'PC_ERR_ADAPTER', message: expect.stringMatching(/unknown endpoint id in calls: tags\.lsit; valid for jpush-v3: push, .*tags\.list/) });
  });

  it('writes no file: the working and temporary directories stay empty, after a run and after a run that fails midway', async () => {
    // pact-js's executeTest wrote a pact file per passing cell (into ./pacts by default); the matrix plays its
    // interactions on the mock server and writes nothing (src/matrix/mock.ts).
    const cwd = fs.mkdtempSync(path.join(os.tmpdir(), 'pc-matrix-cwd-'));
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'pc-matrix-tmp-'));
    const saved = { cwd: process.cwd(), tmpdir: process.env.TMPDIR };
    process.chdir(cwd);
    process.env.TMPDIR = tmp; // os.tmpdir() reads it on each call
    try {
      const r = await runMatrix(adapter('ok', retrying(() => 1, 20)), { ...opts, statuses: [200, 503] });
      expect(r.cells.map((c) => [c.status, c.variant, c.outcome])).toEqual([[200, 'catalogue', 'success'], [503, 'catalogue', 'recovered']]);
      const failing = runMatrix(adapter('ok', async () => undefined), { ...opts, statuses: [200] }, () => Promise.reject(new Error('runner broke')));
      await expect(failing).rejects.toThrow('runner broke');
      expect({ cwd: fs.readdirSync(cwd), tmp: fs.readdirSync(tmp) }).toEqual({ cwd: [], tmp: [] });
    } finally {
      process.chdir(saved.cwd);
      if (saved.tmpdir === undefined) delete process.env.TMPDIR;
      else process.env.TMPDIR = saved.tmpdir;
      fs.rmSync(cwd, { recursive: true, force: true });
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  });
});

describe('adapter loading', () => {
  it('says how to fix a .ts adapter when ts-node cannot be found, naming the file', () => {
    const saved = require.extensions['.ts'];
    delete require.extensions['.ts'];
    try {
      const noTsNode = (): string => {
        throw new Error("Cannot find module 'ts-node'");
      };
      expect(() => ensureTypeScript('/work/app/adapter.ts', '/work/app', noTsNode)).toThrow(
        expect.objectContaining({ code: 'PC_ERR_ADAPTER', message: '/work/app/adapter.ts: a TypeScript adapter needs ts-node (npm install --save-dev ts-node typescript), or compile the adapter to .js' }),
      );
    } finally {
      if (saved) require.extensions['.ts'] = saved;
    }
  });
});

describe('isolated worker entry, run from the sources', () => {
  it('is the built worker when dist/ holds it and it is not older than its sources, else undefined (the sources through ts-node)', () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'pc-worker-entry-'));
    try {
      const src = path.join(root, 'src', 'matrix');
      const dist = path.join(root, 'dist', 'matrix');
      fs.mkdirSync(src, { recursive: true });
      for (const n of WORKER_SOURCES) fs.writeFileSync(path.join(src, `${n}.ts`), '');
      expect(builtWorkerEntry(src)).toBeUndefined(); // not built
      fs.mkdirSync(dist, { recursive: true });
      for (const n of WORKER_SOURCES) fs.writeFileSync(path.join(dist, `${n}.js`), '');
      const old = new Date(Date.now() - 60_000);
      for (const n of WORKER_SOURCES) fs.utimesSync(path.join(src, `${n}.ts`), old, old);
      expect(builtWorkerEntry(src)).toBe(path.join(dist, 'cell-worker.js'));
      fs.utimesSync(path.join(dist, 'call.js'), new Date(old.getTime() - 60_000), new Date(old.getTime() - 60_000)); // call.ts edited after the build
      expect(builtWorkerEntry(src)).toBeUndefined();
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });
});

describe('push-contracts matrix', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pc-matrix-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  function io() {
    const out: string[] = [];
    const err: string[] = [];
    return { io: { stdout: (t: string) => out.push(t), stderr: (t: string) => err.push(t), env: {}, cwd: dir }, out, err };
  }
  const tagsCall = `(ctx) => new Promise((resolve) => require('node:http').get(new URL('/v3/tags', ctx.baseUrl), { agent: false }, (r) => { r.resume(); r.on('end', () => resolve(r.statusCode)); }))`;

  it('runs the reference client and exits 0 when every cell is as specified', async () => {
    const t = io();
    const code = await main(['matrix', '--reference', 'mtpush-v4', '--endpoints', 'tags.list', '--statuses', '200,401,503', '--no-transport', '--json', 'm.json', '--hang-timeout', '2000'], t.io);
    expect(t.err.join('')).toContain('3 of 3 cells as specified');
    expect(code).toBe(0);
    expect(t.out.join('')).toMatch(/\| tags\.list \| ok \| typed \[\d+\] \| recovered ↻1 \|/);
    const json = JSON.parse(fs.readFileSync(path.join(dir, 'm.json'), 'utf8')) as { cells: Array<{ attempts: number; delaysMs: number[] }> };
    expect(json.cells.map((c) => c.attempts)).toEqual([1, 1, 2]);
  });

  it('loads a plain JS adapter, runs it isolated, and exits 1 with the failing cell in the report', async () => {
    fs.writeFileSync(path.join(dir, 'naive.js'), `exports.adapter = () => ({ name: 'naive', api: 'jpush-v3', isTypedError: () => false, calls: { 'tags.list': ${tagsCall} } });\n`);
    const t = io();
    const code = await main(['matrix', '--adapter', 'naive.js', '--statuses', '401', '--no-html-502', '--no-transport', '--md', 'out.md'], t.io);
    expect(code).toBe(1);
    const md = fs.readFileSync(path.join(dir, 'out.md'), 'utf8');
    expect(md).toContain('| tags.list | WRONG SUCCESS |');
    expect(md).toMatch(/\| tags\.list \| 401 \| none \(expected 7004\) \| wrong-success \| 1 \|  \| wrong-success: resolved as if it had worked \(number 401\) \|/);
    expect(t.err.join('')).toContain('0 of 1 cells as specified');
  });

  it('turns a client that throws outside its promise into an untyped-crash cell and finishes the run', async () => {
    fs.writeFileSync(
      path.join(dir, 'crashy.js'),
      `module.exports = { name: 'crashy', api: 'jpush-v3', isTypedError: () => true, calls: { 'tags.list': (ctx) => new Promise((resolve) => require('node:http').get(new URL('/v3/tags', ctx.baseUrl), { agent: false }, (r) => { r.resume(); r.on('end', () => { if (r.statusCode === 401) throw new TypeError('boom in a socket handler'); resolve(r.statusCode); }); })) } };\n`,
    );
    const t = io();
    const code = await main(['matrix', '--adapter', 'crashy.js', '--statuses', '200,401,404', '--no-transport', '--json', 'm.json'], t.io);
    expect(code).toBe(1);
    const cells = (JSON.parse(fs.readFileSync(path.join(dir, 'm.json'), 'utf8')) as MatrixResult).cells;
    expect(cells.map((c) => [c.status, c.outcome])).toEqual([
      [200, 'success'],
      [401, 'untyped-crash'],
      [404, 'wrong-success'],
    ].filter(([s]) => cells.some((c) => c.status === s)));
    expect(cells.find((c) => c.status === 401)?.detail).toContain('uncaught TypeError: boom in a socket handler');
  });

  it('turns a client that ends its thread into an untyped-crash cell, and runs the next cell in a new worker', async () => {
    fs.writeFileSync(
      path.join(dir, 'exits.js'),
      `module.exports = { name: 'exits', api: 'jpush-v3', isTypedError: () => true, calls: { 'tags.list': (ctx) => new Promise((resolve) => require('node:http').get(new URL('/v3/tags', ctx.baseUrl), { agent: false }, (r) => { r.resume(); r.on('end', () => { if (r.statusCode === 401) process.exit(7); resolve(r.statusCode); }); })) } };\n`,
    );
    const t = io();
    const code = await main(['matrix', '--adapter', 'exits.js', '--statuses', '200,401,403', '--no-transport', '--concurrency', '1', '--json', 'm.json'], t.io);
    expect(code).toBe(1);
    const cells = (JSON.parse(fs.readFileSync(path.join(dir, 'm.json'), 'utf8')) as MatrixResult).cells;
    expect(cells.map((c) => [c.status, c.outcome, c.detail])).toEqual([
      [200, 'success', 'number 200'],
      [401, 'untyped-crash', 'the client ended its thread (exit code 7)'],
      [403, 'wrong-success', 'number 403'],
    ]);
  });

  it('loads a TypeScript adapter', async () => {
    fs.writeFileSync(path.join(dir, 'typed.ts'), `const name: string = 'typed';\nexport const adapter = { name, api: 'jpush-v3', isTypedError: (): boolean => false, calls: { 'tags.list': ${tagsCall.replace('(ctx)', '(ctx: { baseUrl: string })').replace('(resolve)', '(resolve: (v: unknown) => void)').replace('(r)', '(r: any)')} } };\n`);
    const t = io();
    const code = await main(['matrix', '--adapter', 'typed.ts', '--statuses', '200', '--no-transport'], t.io);
    expect(t.err.join('')).toContain('matrix: typed: 1 of 1 cells as specified');
    expect(code).toBe(0);
  });

  it.each([
    ['broken.js', 'exports.adapter = {{;\n', /broken\.js: cannot load: SyntaxError/],
    ['api.js', `exports.adapter = { name: 'x', api: 'jpush', isTypedError: () => false, calls: {} };\n`, /api\.js: unknown api 'jpush'; valid: jpush-v3, mtpush-v4/],
    ['calls.js', `exports.adapter = { name: 'x', api: 'jpush-v3', isTypedError: () => false, calls: { tags: () => 1 } };\n`, /calls\.js: unknown endpoint id in calls: tags; valid for jpush-v3: /],
  ])('refuses a bad adapter %s with PC_ERR_ADAPTER naming the file (exit 2)', async (file, text, message) => {
    fs.writeFileSync(path.join(dir, file), text);
    const t = io();
    expect(await main(['matrix', '--adapter', file], t.io)).toBe(2);
    expect(t.err.join('')).toContain('PC_ERR_ADAPTER');
    expect(t.err.join('')).toMatch(message);
  });

  it('exits 2 on an empty selection and when no cell was exercised', async () => {
    fs.writeFileSync(path.join(dir, 'silent.js'), `exports.adapter = { name: 'silent', api: 'jpush-v3', isTypedError: () => true, calls: { 'tags.list': async () => { throw new Error('page must be a number'); } } };\n`);
    const empty = io();
    expect(await main(['matrix', '--adapter', 'silent.js', '--endpoints', 'push.cid'], empty.io)).toBe(2);
    expect(empty.err.join('')).toContain('empty selection');
    const silent = io();
    expect(await main(['matrix', '--adapter', 'silent.js', '--statuses', '200,401', '--no-transport'], silent.io)).toBe(2);
    expect(silent.err.join('')).toContain('no cell was exercised');
  });

  it('takes a severity per expectation: a warning does not fail the run, an unknown id is a usage error', async () => {
    fs.writeFileSync(path.join(dir, 'plain.js'), `exports.adapter = { name: 'plain', api: 'jpush-v3', isTypedError: () => true, calls: { 'tags.list': (ctx) => new Promise((resolve, reject) => require('node:http').get(new URL('/v3/tags', ctx.baseUrl), { agent: false }, (r) => { r.resume(); r.on('end', () => (r.statusCode === 200 ? resolve(1) : reject(new Error(String(r.statusCode))))); })) } };\n`);
    const strict = io();
    expect(await main(['matrix', '--adapter', 'plain.js', '--statuses', '503', '--no-transport'], strict.io)).toBe(1);
    expect(strict.out.join('')).toContain('✗gave-up');
    const relaxed = io();
    expect(await main(['matrix', '--adapter', 'plain.js', '--statuses', '503', '--no-transport', '--severity', 'retry.gave-up=warning'], relaxed.io)).toBe(0);
    expect(relaxed.out.join('')).toContain('⚠1');
    const bad = io();
    expect(await main(['matrix', '--adapter', 'plain.js', '--severity', 'retry.gaveup=off'], bad.io)).toBe(2);
    expect(bad.err.join('')).toContain("--severity: unknown expectation 'retry.gaveup'; valid: retry.not-retryable, ");
  });

  it('refuses to run without exactly one client', async () => {
    const t = io();
    expect(await main(['matrix'], t.io)).toBe(2);
    expect(t.err.join('')).toContain('exactly one of --adapter');
  });
});
