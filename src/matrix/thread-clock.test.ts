/**
 * An official client runs in a worker thread while its answers come from this thread. Its own plain timers (a
 * request timeout) give back the time this thread could not run (thread-clock.ts): the stall is made here by
 * blocking this thread's event loop, so the test does not depend on the machine's load.
 */
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import type { AdapterContext } from './adapter';
import { isolatedRunner } from './isolate';
import { tempDir } from '../../test-support/temp-dir';
// Blocked, this thread neither answers nor beats its heartbeat.
import { blockThread as stall } from '../../test-support/block-thread';

const CLIENT_TIMEOUT_MS = 300;

// A client as the official ones time their requests: a plain setTimeout in its own module, which rejects and aborts.
const ADAPTER = `
const http = require('node:http');
module.exports = { name: 'plain-timer', api: 'jpush-v3', isTypedError: () => false, calls: { 'tags.list': (ctx) => new Promise((resolve, reject) => {
  const req = http.get(new URL('/v3/tags', ctx.baseUrl), { agent: false }, (res) => { let b = ''; res.on('data', (c) => (b += c)); res.on('end', () => { clearTimeout(timer); resolve(b); }); });
  const timer = setTimeout(() => { req.destroy(); reject(new Error('timed out after ${CLIENT_TIMEOUT_MS} ms')); }, ${CLIENT_TIMEOUT_MS});
  req.on('error', (err) => { clearTimeout(timer); reject(err); });
}) } };
`;

describe('a worker-thread client whose answers come from a stalled thread', () => {
  let server: http.Server;
  let url: string;
  let stallMs = 0;
  let adapterFile: string;
  beforeAll(async () => {
    adapterFile = path.join(tempDir('pc-thread-clock-'), 'plain-timer.js');
    fs.writeFileSync(adapterFile, ADAPTER);
    // Gets the request, then this thread is blocked past the client's timeout before it answers.
    server = http.createServer((_req, res) => {
      stall(stallMs);
      res.end('answered');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  const ctx = (): AdapterContext => ({
    api: 'jpush-v3', endpoint: 'tags.list', baseUrl: url, hangTimeoutMs: 10_000, credentials: { appKey: 'k', masterSecret: 's' },
    example: { method: 'GET', path: '/v3/tags', params: {}, credentials: 'valid' },
  });

  it("reads the answer instead of timing out while the serving thread was stalled past the client's timeout", async () => {
    const runner = isolatedRunner(adapterFile, 1);
    try {
      stallMs = 0;
      expect(await runner.run('tags.list', ctx())).toMatchObject({ kind: 'resolved', detail: 'string answered' });
      stallMs = CLIENT_TIMEOUT_MS * 1.7; // within the stall credit (MAX_STALL_CREDIT timeouts)
      expect(await runner.run('tags.list', ctx())).toMatchObject({ kind: 'resolved', detail: 'string answered' });
    } finally {
      await runner.close();
    }
  });

  it('still times out a server that never answers', async () => {
    const silent = http.createServer(() => undefined);
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    const runner = isolatedRunner(adapterFile, 1);
    try {
      const report = await runner.run('tags.list', { ...ctx(), baseUrl: `http://127.0.0.1:${(silent.address() as AddressInfo).port}` });
      expect(report).toMatchObject({ kind: 'rejected', detail: `Error: timed out after ${CLIENT_TIMEOUT_MS} ms` });
    } finally {
      await runner.close();
      silent.closeAllConnections();
      await new Promise<void>((r) => silent.close(() => r()));
    }
  });
});
