import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { startRecorder, STATE_PATH, type ExchangeEvent, type Recorder, type StateEvent } from './recorder';
import { refusedPort } from '../matrix/servers';
import { runQueueWaitMs } from '../patient-timer';

type Handler = (req: http.IncomingMessage, res: http.ServerResponse) => void;

async function serve(handler: Handler): Promise<{ url: string; close(): Promise<void> }> {
  const server = http.createServer(handler);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((r) => { server.closeAllConnections(); server.close(() => r()); }),
  };
}

async function call(url: string, init: RequestInit = {}): Promise<{ status: number; body: string } | { failed: string }> {
  try {
    const res = await fetch(url, init);
    return { status: res.status, body: await res.text() };
  } catch (err) {
    return { failed: (err as Error).message };
  }
}

describe('recording proxy', () => {
  let provider: { url: string; close(): Promise<void> } | undefined;
  let recorder: Recorder | undefined;
  afterEach(async () => {
    await recorder?.close();
    await provider?.close();
    recorder = undefined;
    provider = undefined;
  });

  it('forwards the exchange unchanged and records status, headers and raw body without Authorization', async () => {
    provider = await serve((req, res) => {
      res.writeHead(400, { 'content-type': 'application/json', 'x-seen-auth': String(req.headers.authorization) });
      res.end('{"error":{"code":1003,"message":"missing"}}');
    });
    recorder = await startRecorder({ providerBaseUrl: provider.url, timeoutMs: 2000 });
    const got = await call(`${recorder.url}/v3/push?x=1`, { method: 'POST', headers: { authorization: 'Basic c2VjcmV0', 'content-type': 'application/json' }, body: '{}' });
    expect(got).toEqual({ status: 400, body: '{"error":{"code":1003,"message":"missing"}}' });
    const ev = recorder.events[0] as ExchangeEvent;
    expect(ev).toMatchObject({ kind: 'exchange', method: 'POST', path: '/v3/push', query: 'x=1', response: { status: 400, body: '{"error":{"code":1003,"message":"missing"}}' } });
    expect(ev.response?.headers['x-seen-auth']).toBe('Basic c2VjcmV0');
    expect(JSON.stringify(ev.requestHeaders)).not.toContain('c2VjcmV0');
  });

  it('keeps the path prefix of a provider base URL', async () => {
    provider = await serve((req, res) => res.end(req.url));
    recorder = await startRecorder({ providerBaseUrl: `${provider.url}/api/`, timeoutMs: 2000 });
    expect(await call(`${recorder.url}/v3/tags`)).toEqual({ status: 200, body: '/api/v3/tags' });
  });

  it('gives up on a provider that does not answer within the timeout, saying so', async () => {
    provider = await serve(() => undefined);
    recorder = await startRecorder({ providerBaseUrl: provider.url, timeoutMs: 150 });
    const t0 = Date.now();
    const waited = runQueueWaitMs();
    const got = await call(`${recorder.url}/v3/push`);
    // Well below the 2000 ms of the other tests' bound, on the time this thread was not waiting for a CPU.
    expect(Date.now() - t0 - (runQueueWaitMs() - waited)).toBeLessThan(2000);
    expect(got).toHaveProperty('failed');
    const ev = recorder.events[0] as ExchangeEvent;
    expect(ev.response).toBeNull();
    expect(ev.problem).toEqual({ kind: 'timeout', message: 'provider did not answer GET /v3/push within 150 ms' });
  });

  it('records a truncated body as truncated, with what arrived', async () => {
    provider = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': '100' });
      res.write('{"sendno":"1",');
      setTimeout(() => res.socket?.destroy(), 20);
    });
    recorder = await startRecorder({ providerBaseUrl: provider.url, timeoutMs: 2000 });
    await call(`${recorder.url}/v3/push`);
    const ev = recorder.events[0] as ExchangeEvent;
    expect(ev.response?.body).toBe('{"sendno":"1",');
    expect(ev.problem?.kind).toBe('truncated');
    expect(ev.problem?.message).toMatch(/truncated.*14 byte\(s\) of the 100 declared/);
  });

  it('reports an unreachable provider by its address', async () => {
    const url = `http://127.0.0.1:${await refusedPort()}`;
    recorder = await startRecorder({ providerBaseUrl: url, timeoutMs: 2000 });
    await call(`${recorder.url}/v3/push`);
    expect((recorder.events[0] as ExchangeEvent).problem).toEqual({ kind: 'unreachable', message: `provider ${url} unreachable: ECONNREFUSED` });
  });

  it('forwards provider-state calls and records a failing one by state name', async () => {
    provider = await serve((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        const { state } = JSON.parse(body) as { state: string };
        res.writeHead(state === 'the app is not VIP' ? 500 : 200, { 'content-type': 'application/json' }).end('{"why":"no such plan"}');
      });
    });
    recorder = await startRecorder({ providerBaseUrl: provider.url, stateSetupUrl: `${provider.url}/_pact/provider-states`, timeoutMs: 2000 });
    const post = (state: string): Promise<unknown> =>
      call(recorder!.stateSetupUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ state, params: {}, action: 'setup' }) });
    expect(await post('a device exists')).toMatchObject({ status: 200 });
    expect(await post('the app is not VIP')).toMatchObject({ status: 500 });
    expect(await post('')).toMatchObject({ status: 200 });
    const states = recorder.events as StateEvent[];
    expect(states.map((s) => [s.state, s.ok])).toEqual([['a device exists', true], ['the app is not VIP', false], ['', true]]);
    expect(states[1].detail).toBe('setup URL answered 500: {"why":"no such plan"}');
    expect(recorder.stateSetupUrl).toBe(recorder.url + STATE_PATH);
  });

  it('keeps each channel\'s exchanges and state calls apart, strips the channel prefix, and refuses a closed channel', async () => {
    provider = await serve((req, res) => res.writeHead(200, { 'content-type': 'text/plain' }).end(req.url));
    recorder = await startRecorder({ providerBaseUrl: `${provider.url}/api`, timeoutMs: 2000 });
    const seen: string[] = [];
    const a = recorder.channel((e) => seen.push(`a:${e.kind}`));
    const b = recorder.channel();
    const [ra, rb] = await Promise.all([call(`${a.url}/v3/tags?x=1`), call(`${b.url}/v3/push`, { method: 'POST', body: '{}' })]);
    expect(ra).toEqual({ status: 200, body: '/api/v3/tags?x=1' });
    expect(rb).toEqual({ status: 200, body: '/api/v3/push' });
    expect(await call(b.stateSetupUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ state: '', action: 'setup' }) })).toMatchObject({ status: 200 });
    expect(a.events.map((e) => (e.kind === 'exchange' ? [e.method, e.path, e.query] : e.kind))).toEqual([['GET', '/v3/tags', 'x=1']]);
    expect(b.events.map((e) => (e.kind === 'exchange' ? [e.method, e.path, e.query] : e.kind))).toEqual([['POST', '/v3/push', ''], 'state']);
    expect(seen).toEqual(['a:exchange']);
    expect(recorder.events).toEqual([]);
    a.close();
    expect(await call(`${a.url}/v3/tags`)).toMatchObject({ status: 404 });
    expect(a.events).toHaveLength(1);
    expect(b.url).not.toBe(a.url);
  });

  it('forwards a target that URL parsing would change as the URL parser gives it, and a plain one as it came', async () => {
    provider = await serve((req, res) => res.writeHead(200, { 'content-type': 'text/plain' }).end(req.url));
    recorder = await startRecorder({ providerBaseUrl: provider.url, timeoutMs: 2000 });
    // node:http sends the path as given (fetch would normalise it first).
    const raw = (target: string): Promise<string> =>
      new Promise((resolve, reject) => {
        http.get(`${recorder!.url}${target}`, (res) => {
          let body = '';
          res.on('data', (c: Buffer) => (body += c.toString()));
          res.on('end', () => resolve(body));
        }).on('error', reject);
      });
    expect(await raw('/v3/a/../tags?x=1')).toBe('/v3/tags?x=1');
    expect(await raw('/v3/devices/abc%2Fdef?tags=a,b&x=%20')).toBe('/v3/devices/abc%2Fdef?tags=a,b&x=%20');
    expect(await raw('/v3/tags?')).toBe('/v3/tags');
    const paths = (recorder.events as ExchangeEvent[]).map((e) => [e.path, e.query]);
    expect(paths).toEqual([['/v3/tags', 'x=1'], ['/v3/devices/abc%2Fdef', 'tags=a,b&x=%20'], ['/v3/tags', '']]);
  });

  it('reuses its connections to the provider across exchanges', async () => {
    let connections = 0;
    const server = await new Promise<http.Server>((resolve) => {
      const s = http.createServer((req, res) => res.writeHead(200, { 'content-type': 'text/plain' }).end(req.url));
      s.on('connection', () => (connections += 1));
      s.listen(0, '127.0.0.1', () => resolve(s));
    });
    try {
      recorder = await startRecorder({ providerBaseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, timeoutMs: 2000 });
      for (const n of [1, 2, 3]) expect(await call(`${recorder.url}/v3/tags/${n}`)).toEqual({ status: 200, body: `/v3/tags/${n}` });
      expect(connections).toBe(1);
    } finally {
      await recorder?.close();
      recorder = undefined;
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    }
  });
});
