/**
 * The hang timeout counts time the thread could run (patientTimeout): an answer that reached the client while
 * the thread was stalled is read before the hang is judged, and a client that never settles is still a hang.
 * The stall is made by blocking the event loop, so the tests do not depend on the machine's load.
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { AdapterContext, MatrixAdapter } from './adapter';
import { inProcessRunner } from './call';
import { referenceAdapter } from './reference-adapter';
import { blockThread as stall } from '../../test-support/block-thread';

const HANG_MS = 200;

function adapter(call: (ctx: AdapterContext) => Promise<unknown>): MatrixAdapter {
  return { name: 'stalls', api: 'jpush-v3', calls: { 'tags.list': call }, isTypedError: () => false };
}

function ctx(baseUrl: string): AdapterContext {
  return {
    api: 'jpush-v3', endpoint: 'tags.list', baseUrl, hangTimeoutMs: HANG_MS, credentials: { appKey: 'k', masterSecret: 's' },
    example: { method: 'GET', path: '/v3/tags', params: {}, credentials: 'valid' },
  };
}

const get = (url: string): Promise<string> =>
  new Promise((resolve, reject) => {
    http.get(url, { agent: false }, (res) => {
      let text = '';
      res.on('data', (c: Buffer) => (text += c.toString()));
      res.on('end', () => resolve(text));
    }).on('error', reject);
  });

describe('the matrix hang timeout on a stalled thread', () => {
  let server: http.Server;
  let url: string;
  let stallAfterAnswer = 0;
  beforeAll(async () => {
    // Answers, then blocks the thread once the answer is on the wire: the client's read waits behind the stall.
    server = http.createServer((_req, res) => res.end('answered', () => stall(stallAfterAnswer)));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  it('reads an answer that arrived while the thread was stalled past the hang timeout, instead of calling it a hang', async () => {
    stallAfterAnswer = 2 * HANG_MS;
    const report = await inProcessRunner(adapter((c) => get(c.baseUrl)))('tags.list', ctx(url));
    expect(report).toMatchObject({ kind: 'resolved', detail: 'string answered' });
  });

  it('still calls a client that never settles a hang when the thread keeps stalling', async () => {
    stallAfterAnswer = 0;
    let settled = false;
    const run = inProcessRunner(adapter(() => new Promise(() => undefined)))('tags.list', ctx(url)).finally(() => (settled = true));
    // Longer than the timeout at every turn of the loop, so every firing is late: only the bound ends the wait.
    while (!settled) {
      await new Promise((r) => setImmediate(r));
      stall(HANG_MS * 1.5);
    }
    expect(await run).toEqual({ kind: 'hang', detail: `no answer after ${HANG_MS} ms` });
  });
});

describe("the reference client's request timeout in the matrix, on a stalled thread", () => {
  let server: http.Server;
  let url: string;
  beforeAll(async () => {
    // A prompt 200, then the thread blocked past the client's request timeout while the answer waits unread.
    server = http.createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"tags":["a"]}', () => stall(600)); // twice the timeout: within patientTimeout's credit
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  it('reads the answer instead of timing the request out (and retrying it), while a plain timer times it out', async () => {
    const hangCtx = { ...ctx(url), hangTimeoutMs: 5000 };
    const patient = await inProcessRunner(referenceAdapter('jpush-v3', { timeoutMs: 300, retry: { maxRetries: 0 } }))('tags.list', hangCtx);
    expect(patient).toMatchObject({ kind: 'resolved' });
    const plain = (ms: number, onTimeout: () => void): (() => void) => {
      const t = setTimeout(onTimeout, ms);
      return () => clearTimeout(t);
    };
    const hasty = await inProcessRunner(referenceAdapter('jpush-v3', { timeoutMs: 300, retry: { maxRetries: 0 }, timer: plain }))('tags.list', hangCtx);
    expect(hasty).toMatchObject({ kind: 'rejected', detail: expect.stringContaining('no complete answer within 300 ms') });
  });
});
