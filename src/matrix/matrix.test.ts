import * as fs from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import { main } from '../cli/main';
import { runMatrix, renderMatrixMarkdown, type AdapterContext, type MatrixAdapter } from './matrix';

process.env.PACT_DO_NOT_TRACK = 'true';

class ClientError extends Error {
  constructor(readonly status: number) {
    super(`status ${status}`);
    this.name = 'ClientError';
  }
}

interface Answer {
  status: number;
  body: string;
}

/** GET tags with node:http; what the client does with the answer is left to each flawed variant. */
function getTags(ctx: AdapterContext): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = http.request(new URL('/v3/tags', ctx.baseUrl), { method: 'GET', agent: false }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

function adapter(name: string, call: (ctx: AdapterContext) => Promise<unknown>): MatrixAdapter {
  return {
    name,
    api: 'jpush-v3',
    calls: { 'tags.list': call },
    isTypedError: (err) => err instanceof ClientError,
    statusOf: (err) => (err instanceof ClientError ? err.status : undefined),
  };
}

const opts = { endpoints: ['tags.list'], statuses: [200, 401, 502, 503], hangTimeoutMs: 300 };

describe('runMatrix', () => {
  it('classifies a client that resolves whatever the status as wrong success on every error', async () => {
    const r = await runMatrix(adapter('naive', async (ctx) => (await getTags(ctx)).body), opts);
    expect(r.cells.map((c) => [c.status, c.variant, c.outcome])).toEqual([
      [200, 'catalogue', 'success'],
      [401, 'catalogue', 'wrong-success'],
      [502, 'catalogue', 'wrong-success'],
      [502, 'html-502', 'wrong-success'],
      [503, 'catalogue', 'wrong-success'],
    ]);
    expect(r.summary['wrong-success']).toBe(4);
    expect(r.unsupported).toContain('push');
  });

  it('tells typed errors from untyped crashes, and counts retries', async () => {
    const r = await runMatrix(
      adapter('json-parsing', async (ctx) => {
        let a = await getTags(ctx);
        if (a.status === 503) a = await getTags(ctx); // one retry
        if (a.status === 200) return JSON.parse(a.body);
        const parsed = JSON.parse(a.body) as { error: { code: number } }; // throws SyntaxError on HTML
        throw new ClientError(a.status + parsed.error.code * 0);
      }),
      opts,
    );
    const byKey = Object.fromEntries(r.cells.map((c) => [`${c.status}${c.variant === 'html-502' ? ' html' : ''}`, c]));
    expect(byKey['401']).toMatchObject({ outcome: 'typed-error', reportedStatus: 401, retries: 0, expectedCode: 7004, asSpecified: true });
    expect(byKey['502 html']).toMatchObject({ outcome: 'untyped-crash', asSpecified: false });
    expect(byKey['502 html'].detail).toMatch(/^SyntaxError/);
    expect(byKey['503']).toMatchObject({ outcome: 'typed-error', requests: 2, retries: 1 });
  });

  it('reports a client that never settles as a hang after the timeout', async () => {
    const r = await runMatrix(
      adapter('stuck', async (ctx) => {
        const a = await getTags(ctx);
        if (a.status === 503) return new Promise(() => undefined);
        if (a.status !== 200) throw new ClientError(a.status);
        return a.body;
      }),
      opts,
    );
    const hang = r.cells.find((c) => c.status === 503);
    expect(hang).toMatchObject({ outcome: 'hang', detail: 'no answer after 300 ms' });
    expect(hang?.elapsedMs).toBeGreaterThanOrEqual(300);
    expect(renderMatrixMarkdown(r)).toContain('| tags.list | ok | typed | typed | typed | HANG |');
  });

  it('flags a request the mock server could not match, instead of judging the answer', async () => {
    const r = await runMatrix(
      adapter('wrong-path', (ctx) =>
        new Promise((resolve) => {
          http.get(new URL('/v3/tagz', ctx.baseUrl), { agent: false }, (res) => {
            res.resume();
            res.on('end', () => resolve(res.statusCode));
          });
        })),
      { ...opts, statuses: [401], html502: false },
    );
    expect(r.cells).toHaveLength(1);
    expect(r.cells[0].outcome).toBe('request-mismatch');
  });
});

describe('push-contracts matrix', () => {
  function io(cwd: string) {
    const out: string[] = [];
    const err: string[] = [];
    return { io: { stdout: (t: string) => out.push(t), stderr: (t: string) => err.push(t), env: {}, cwd }, out, err };
  }

  it('runs the reference client and exits 0 when every cell is as specified', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pc-matrix-'));
    const t = io(dir);
    const code = await main(['matrix', '--reference', 'mtpush-v4', '--endpoints', 'tags.list', '--statuses', '200,429,503', '--json', 'm.json', '--hang-timeout', '400'], t.io);
    expect(code).toBe(0);
    expect(t.out.join('')).toContain('| tags.list | ok | typed ↻2 | typed ↻2 |');
    const json = JSON.parse(fs.readFileSync(path.join(dir, 'm.json'), 'utf8')) as { cells: unknown[] };
    expect(json.cells).toHaveLength(3);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('loads an adapter module and exits 1 when a cell is not as specified', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pc-matrix-'));
    fs.writeFileSync(
      path.join(dir, 'naive.js'),
      `const http = require('node:http');
exports.adapter = () => ({
  name: 'naive', api: 'jpush-v3', isTypedError: () => false,
  calls: { 'tags.list': (ctx) => new Promise((resolve) => http.get(new URL('/v3/tags', ctx.baseUrl), { agent: false }, (r) => { r.resume(); r.on('end', () => resolve(r.statusCode)); })) },
});\n`,
    );
    const t = io(dir);
    const code = await main(['matrix', '--adapter', 'naive.js', '--statuses', '401', '--no-html-502', '--md', 'out.md'], t.io);
    expect(code).toBe(1);
    expect(fs.readFileSync(path.join(dir, 'out.md'), 'utf8')).toContain('| tags.list | WRONG SUCCESS |');
    expect(t.err.join('')).toContain('0 of 1 cells as specified');
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('refuses to run without exactly one client', async () => {
    const t = io(os.tmpdir());
    expect(await main(['matrix'], t.io)).toBe(2);
    expect(t.err.join('')).toContain('exactly one of --adapter');
  });
});
