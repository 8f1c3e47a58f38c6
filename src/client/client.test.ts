import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { PushClient, type PushClientOptions } from './client';
import { PushApiError } from './errors';
import type { ApiId } from '../contracts';
import { refusedPort } from '../matrix/servers';

interface Reply {
  status: number;
  headers?: Record<string, string>;
  body?: string;
  /** Never answer (for timeouts). */
  hang?: boolean;
}

interface Seen {
  method: string;
  url: string;
  body: string;
  authorization?: string;
}

/** A real HTTP server on 127.0.0.1 that answers from a script (the last reply repeats) and records requests. */
async function server(replies: Reply[]): Promise<{ url: string; seen: Seen[]; close: () => Promise<void> }> {
  const seen: Seen[] = [];
  const srv = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      seen.push({ method: req.method ?? '', url: req.url ?? '', body, authorization: req.headers.authorization });
      const r = replies[Math.min(seen.length - 1, replies.length - 1)];
      if (r.hang) return;
      res.writeHead(r.status, { 'content-type': 'application/json', ...r.headers });
      res.end(r.body ?? '');
    });
  });
  await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve));
  const { port } = srv.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    seen,
    close: () => new Promise((resolve) => {
      srv.closeAllConnections();
      srv.close(() => resolve());
    }),
  };
}

const CREDS = { appKey: 'unitAppKey00000000000001', masterSecret: 'unitMasterSecret00000001' };
const PUSH = { platform: 'all', audience: 'all', notification: { alert: 'hi' } };
const envelope = (code: number, message: string, extra: Record<string, unknown> = {}): string => JSON.stringify({ error: { code, message }, ...extra });

function client<A extends ApiId>(url: string, sleeps: number[], extra: Partial<PushClientOptions<A>> & { api?: A } = {}): PushClient<A> {
  return new PushClient<A>({
    api: 'jpush-v3' as A,
    baseUrl: url,
    credentials: CREDS,
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    random: () => 0,
    ...extra,
  });
}

async function failure(p: Promise<unknown>): Promise<PushApiError> {
  const e = await p.then(() => undefined, (err: unknown) => err);
  expect(e).toBeInstanceOf(PushApiError);
  return e as PushApiError;
}

describe('PushClient', () => {
  let srv: Awaited<ReturnType<typeof server>> | undefined;
  afterEach(async () => {
    await srv?.close();
    srv = undefined;
  });

  describe('#push and 4xx', () => {
    it.each([400, 401, 403, 404, 405, 410])('never retries a %i and reports status, code and msg_id', async (status) => {
      srv = await server([{ status, body: envelope(1003, 'Illegal parameter value', { msg_id: '3125719446' }) }]);
      const sleeps: number[] = [];
      const e = await failure(client(srv.url, sleeps).push({ ...PUSH, cid: 'k-1' }));
      expect(e).toMatchObject({ kind: 'http', status, code: 1003, message: 'Illegal parameter value', msgId: '3125719446', retryAdvised: false, attempts: 1 });
      expect(srv.seen).toHaveLength(1);
      expect(sleeps).toEqual([]);
    });

    it('sends Basic credentials built from the configured key and secret, and keeps them out of the error', async () => {
      srv = await server([{ status: 401, body: envelope(1004, 'Authen failed') }]);
      const e = await failure(client(srv.url, []).push(PUSH));
      expect(srv.seen[0].authorization).toBe('Basic ' + Buffer.from(`${CREDS.appKey}:${CREDS.masterSecret}`).toString('base64'));
      const text = JSON.stringify({ ...e.fields(), stack: e.stack });
      expect(text).not.toContain(CREDS.masterSecret);
      expect(text).not.toContain(srv.seen[0].authorization?.slice(6));
    });
  });

  describe('429', () => {
    it('waits X-Rate-Limit-Reset seconds and then retries', async () => {
      srv = await server([
        { status: 429, headers: { 'x-rate-limit-limit': '600', 'x-rate-limit-remaining': '0', 'x-rate-limit-reset': '7' }, body: envelope(2002, 'Rate limit exceeded') },
        { status: 200, body: JSON.stringify({ sendno: '0', msg_id: '1828256757' }) },
      ]);
      const sleeps: number[] = [];
      await expect(client(srv.url, sleeps).push(PUSH)).resolves.toEqual({ sendno: '0', msg_id: '1828256757' });
      expect(sleeps).toEqual([7000]);
      expect(srv.seen).toHaveLength(2);
    });

    it('throws at once when the reset is beyond the bound, advising a retry after it', async () => {
      srv = await server([{ status: 429, headers: { 'x-rate-limit-quota': '600', 'x-rate-limit-remaining': '0', 'x-rate-limit-reset': '120' }, body: envelope(2002, 'Rate limit exceeded') }]);
      const sleeps: number[] = [];
      const e = await failure(client(srv.url, sleeps, { retry: { maxRateLimitWaitMs: 60_000 } }).listTags());
      expect(e).toMatchObject({ status: 429, code: 2002, retryAdvised: true, retryAfterMs: 120_000, attempts: 1, rateLimit: { limit: 600, remaining: 0, resetSeconds: 120 } });
      expect(sleeps).toEqual([]);
      expect(srv.seen).toHaveLength(1);
    });

    it('does not retry a 429 without a reset header (no bounded wait is known)', async () => {
      srv = await server([{ status: 429, body: envelope(2002, 'Rate limit exceeded') }]);
      const e = await failure(client(srv.url, []).listTags());
      expect(e).toMatchObject({ status: 429, retryAdvised: true, retryAfterMs: undefined, attempts: 1 });
    });
  });

  describe('5xx', () => {
    it('backs off exponentially on 503, capped, with jitter between half and all of each step', async () => {
      srv = await server([{ status: 503, body: envelope(1030, 'Service busy') }]);
      const low: number[] = [];
      const e = await failure(client(srv.url, low, { retry: { maxRetries: 4, baseDelayMs: 100, maxDelayMs: 300 } }).listTags());
      expect(e).toMatchObject({ status: 503, code: 1030, retryAdvised: true, attempts: 5 });
      expect(low).toEqual([50, 100, 150, 150]);
      await srv.close();
      srv = await server([{ status: 503, body: envelope(1030, 'Service busy') }]);
      const high: number[] = [];
      await failure(client(srv.url, high, { random: () => 0.999, retry: { maxRetries: 4, baseDelayMs: 100, maxDelayMs: 300 } }).listTags());
      expect(high).toEqual([100, 200, 300, 300]);
    });

    it.each([502, 504])('retries a %i and returns the eventual success', async (status) => {
      srv = await server([{ status, body: envelope(9502, 'Bad gateway') }, { status: 200, body: JSON.stringify({ tags: ['a'] }) }]);
      const sleeps: number[] = [];
      await expect(client(srv.url, sleeps).listTags()).resolves.toEqual({ tags: ['a'] });
      expect(sleeps).toHaveLength(1);
    });

    it('never retries a 500 (the policy advises against it)', async () => {
      srv = await server([{ status: 500, body: envelope(1000, 'Internal error') }]);
      const e = await failure(client(srv.url, []).listTags());
      expect(e).toMatchObject({ status: 500, code: 1000, retryAdvised: false, attempts: 1 });
    });

    it('retries a push on 503 only when it carries a cid, so it can never send twice', async () => {
      srv = await server([{ status: 503, body: envelope(1030, 'Service busy') }]);
      const e = await failure(client(srv.url, []).push(PUSH));
      expect(e).toMatchObject({ status: 503, retryAdvised: false, attempts: 1 });
      expect(srv.seen).toHaveLength(1);
      const withCid = await failure(client(srv.url, [], { retry: { maxRetries: 2 } }).push({ ...PUSH, cid: 'key-uuid' }));
      expect(withCid).toMatchObject({ status: 503, retryAdvised: true, attempts: 3 });
      expect(srv.seen).toHaveLength(4);
      expect(srv.seen.every((s) => JSON.parse(s.body).notification.alert === 'hi')).toBe(true);
    });

    it('retries validate on 503 without a cid (it sends nothing)', async () => {
      srv = await server([{ status: 503, body: envelope(1030, 'Service busy') }]);
      const e = await failure(client(srv.url, [], { retry: { maxRetries: 1 } }).validate(PUSH));
      expect(e.attempts).toBe(2);
    });

    it('never retries an MTPush v4 push on 5xx (v4 has no cid)', async () => {
      srv = await server([{ status: 502, body: envelope(29502, 'Bad gateway') }]);
      const e = await failure(client(srv.url, [], { api: 'mtpush-v4' }).push({ to: 'all', body: { platform: 'all' } }));
      expect(e).toMatchObject({ status: 502, code: 29502, retryAdvised: false, attempts: 1 });
    });

    it('turns an HTML 502 from a proxy into a typed error without a business code', async () => {
      const html = '<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>';
      srv = await server([{ status: 502, headers: { 'content-type': 'text/html' }, body: html }]);
      const e = await failure(client(srv.url, [], { retry: { maxRetries: 1 } }).getDevice('1a0018970a1b2c3d4e5'));
      expect(e).toMatchObject({ kind: 'http', status: 502, code: undefined, contentType: 'text/html', retryAdvised: true, attempts: 2 });
      expect(e.message).toBe('HTTP 502 Bad Gateway (non-JSON body: text/html)');
      expect(e.bodySnippet).toBe(html);
    });
  });

  describe('bodies', () => {
    it('reads the flat MTPush v4 envelope', async () => {
      srv = await server([{ status: 400, body: JSON.stringify({ code: 21003, message: 'Parameter value is invalid' }) }]);
      const e = await failure(client(srv.url, [], { api: 'mtpush-v4' }).withdraw('2000000001'));
      expect(e).toMatchObject({ status: 400, code: 21003, message: 'Parameter value is invalid' });
      expect(srv.seen[0]).toMatchObject({ method: 'DELETE', url: '/v4/push/withdraw/2000000001' });
    });

    it('resolves an empty 200 to undefined', async () => {
      srv = await server([{ status: 200, body: '' }]);
      await expect(client(srv.url, []).deleteSchedule('abc')).resolves.toBeUndefined();
      expect(srv.seen[0]).toMatchObject({ method: 'DELETE', url: '/v3/schedules/abc' });
    });

    it('rejects a 200 whose body is not JSON as invalid-response, without retrying', async () => {
      srv = await server([{ status: 200, headers: { 'content-type': 'text/html' }, body: '<html>ok</html>' }]);
      const e = await failure(client(srv.url, []).listTags());
      expect(e).toMatchObject({ kind: 'invalid-response', status: 200, retryAdvised: false, attempts: 1 });
    });

    it('rejects a call to an endpoint the API does not have (cid on MTPush v4) without sending anything', async () => {
      srv = await server([{ status: 200, body: '{}' }]);
      await expect(client(srv.url, [], { api: 'mtpush-v4' }).cid()).rejects.toMatchObject({ code: 'PC_ERR_UNKNOWN_ENDPOINT' });
      expect(srv.seen).toHaveLength(0);
    });

    it('sends the query string of GET endpoints', async () => {
      srv = await server([{ status: 200, body: JSON.stringify({ cidlist: ['x'] }) }]);
      await client(srv.url, []).cid({ count: '3', type: 'push' });
      expect(srv.seen[0].url).toBe('/v3/push/cid?count=3&type=push');
    });
  });

  describe('transport', () => {
    it('times out after timeoutMs, retries an idempotent call, and never a push without cid', async () => {
      srv = await server([{ status: 200, hang: true }]);
      const e = await failure(client(srv.url, [], { timeoutMs: 80, retry: { maxRetries: 1 } }).listTags());
      expect(e).toMatchObject({ kind: 'timeout', retryAdvised: true, attempts: 2 });
      expect(e.status).toBeUndefined();
      const p = await failure(client(srv.url, [], { timeoutMs: 80 }).push(PUSH));
      expect(p).toMatchObject({ kind: 'timeout', retryAdvised: false, attempts: 1 });
      expect(srv.seen).toHaveLength(3);
    });

    it('reports a refused connection as a network error', async () => {
      const url = `http://127.0.0.1:${await refusedPort()}`;
      const e = await failure(client(url, [], { retry: { maxRetries: 0 } }).listTags());
      expect(e).toMatchObject({ kind: 'network', attempts: 1 });
      expect(e.status).toBeUndefined();
      expect(e.message).toMatch(/ECONNREFUSED/);
    });
  });
});
