/**
 * A provider that breaks the policy in the ways reports must make actionable, over real HTTP:
 * - POST /v3/push with the pact's deliberately wrong credentials gets 200 (it should be 401) and no
 *   rate-limit headers, the 200-for-401 case;
 * - POST /v3/push with any other credentials gets a 500 HTML debug page that reflects the
 *   Authorization header (the real credentials) and is longer than the report's body bound;
 * - GET /v3/webhooks (a path outside the catalogue) gets 200 {}, which passes.
 * Plus the pact these requests replay: writeMisbehavingPact.
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { basicAuth, PLACEHOLDER_CREDENTIALS, WRONG_CREDENTIALS } from '../src/credentials';
import { writeSmallPact } from './small-pact';

export interface MisbehavingProvider {
  readonly url: string;
  close(): Promise<void>;
}

export const PUSH_BODY = { platform: 'all', audience: 'all', notification: { alert: "it's \"quoted\" & $HOME" } };

export async function startMisbehavingProvider(): Promise<MisbehavingProvider> {
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      const auth = req.headers.authorization ?? '';
      if (req.method === 'POST' && req.url === '/v3/push') {
        if (auth === basicAuth(WRONG_CREDENTIALS)) {
          res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ sendno: '0', msg_id: '1828256757' }));
          return;
        }
        const page = `<html><body><h1>Internal Server Error</h1><p>debug: Authorization=${auth}</p><pre>${'stack frame\n'.repeat(500)}</pre></body></html>`;
        res.writeHead(500, { 'content-type': 'text/html' }).end(page);
        return;
      }
      if (req.method === 'GET' && req.url === '/v3/webhooks') {
        res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
        return;
      }
      res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { code: 1011, message: 'not found' } }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** The consumer's pact for those three requests; returns its path. */
export function writeMisbehavingPact(dir: string): Promise<string> {
  return writeSmallPact(dir, {
    consumer: 'shop-app',
    provider: 'jpush-v3',
    interactions: [
      {
        description: 'push with wrong credentials',
        request: { method: 'POST', path: '/v3/push', headers: { authorization: basicAuth(WRONG_CREDENTIALS) }, body: PUSH_BODY },
        response: { status: 401, headers: { 'content-type': 'application/json' }, body: { error: { code: 1004, message: 'Authen failed' } }, },
        like: true,
      },
      {
        description: 'push a notification',
        request: { method: 'POST', path: '/v3/push', headers: { authorization: basicAuth(PLACEHOLDER_CREDENTIALS) }, body: PUSH_BODY },
        response: { status: 200, body: { sendno: '0', msg_id: '1828256757' } },
        like: true,
      },
      {
        description: 'list webhooks',
        request: { method: 'GET', path: '/v3/webhooks', headers: { authorization: basicAuth(PLACEHOLDER_CREDENTIALS) } },
        response: { status: 200, body: {} },
      },
    ],
  });
}
