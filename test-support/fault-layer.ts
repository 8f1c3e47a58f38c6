/**
 * A fault layer: an HTTP proxy in front of a provider that breaks the status policy one way at a
 * time. The verifier's mutation self-test and the probe's tests run through it and must catch each
 * fault, naming the rule. Test code only: it is how we prove the audit fails when it should.
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FaultContext {
  readonly method: string;
  readonly path: string;
  status: number;
  headers: Record<string, string | string[]>;
  body: string;
}

export interface Fault {
  /** The rule expected to catch this fault. */
  readonly caughtBy: string;
  readonly description: string;
  /** true when pact matching alone would pass this fault (the reason the audit exists). */
  readonly invisibleToPact: boolean;
  /** Changes the response in place; returns false when the fault does not apply to it. */
  apply(res: FaultContext): boolean;
}

const isError = (s: number): boolean => s >= 400;

function withJson(res: FaultContext, edit: (body: Record<string, unknown>) => boolean): boolean {
  let parsed: unknown;
  try {
    parsed = JSON.parse(res.body);
  } catch {
    return false;
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) return false;
  const changed = edit(parsed as Record<string, unknown>);
  if (changed) res.body = JSON.stringify(parsed);
  return changed;
}

function dropHeaders(res: FaultContext, match: (name: string) => boolean): boolean {
  const names = Object.keys(res.headers).filter(match);
  for (const n of names) delete res.headers[n];
  return names.length > 0;
}

export const faults = {
  'error-key-on-200': {
    caughtBy: 'response.body.error-on-200',
    description: 'a 200 also carries an error object',
    invisibleToPact: true,
    apply: (res) => res.status === 200 && withJson(res, (b) => ((b.error = { code: 1000, message: 'partially failed' }), true)),
  },
  'drop-rate-limit-headers': {
    caughtBy: 'response.header.rate-limit-missing',
    description: 'the X-Rate-Limit-* headers are removed',
    invisibleToPact: true,
    apply: (res) => res.status !== 429 && dropHeaders(res, (n) => n.toLowerCase().startsWith('x-rate-limit-')),
  },
  'negative-remaining': {
    caughtBy: 'response.header.rate-limit-invalid',
    description: 'X-Rate-Limit-Remaining is negative',
    invisibleToPact: true,
    apply: (res) => {
      if (res.status === 429 || res.headers['x-rate-limit-remaining'] === undefined) return false;
      res.headers['x-rate-limit-remaining'] = '-1';
      return true;
    },
  },
  'remaining-above-limit': {
    caughtBy: 'response.header.rate-limit-inconsistent',
    description: 'X-Rate-Limit-Remaining exceeds X-Rate-Limit-Limit',
    invisibleToPact: true,
    apply: (res) => {
      const limit = res.headers['x-rate-limit-limit'];
      if (res.status === 429 || typeof limit !== 'string') return false;
      res.headers['x-rate-limit-remaining'] = String(Number(limit) + 5);
      return true;
    },
  },
  'drop-allow': {
    caughtBy: 'response.header.allow-missing',
    description: 'a 405 loses its Allow header',
    invisibleToPact: true,
    apply: (res) => res.status === 405 && dropHeaders(res, (n) => n.toLowerCase() === 'allow'),
  },
  'text-content-type': {
    caughtBy: 'response.content-type.not-json',
    description: 'error bodies are declared text/plain',
    invisibleToPact: false,
    apply: (res) => {
      if (!isError(res.status)) return false;
      for (const n of Object.keys(res.headers)) if (n.toLowerCase() === 'content-type') delete res.headers[n];
      res.headers['content-type'] = 'text/plain; charset=utf-8';
      return true;
    },
  },
  'html-502': {
    caughtBy: 'response.envelope.invalid',
    description: '502 answered with a proxy\'s HTML page',
    invisibleToPact: false,
    apply: (res) => {
      if (res.status !== 502) return false;
      for (const n of Object.keys(res.headers)) if (n.toLowerCase() === 'content-type') delete res.headers[n];
      res.headers['content-type'] = 'text/html';
      res.body = '<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center></body></html>';
      return true;
    },
  },
  'unknown-status': {
    caughtBy: 'response.status.unknown',
    description: '503 becomes 418, a status outside the policy',
    invisibleToPact: false,
    apply: (res) => (res.status === 503 ? ((res.status = 418), true) : false),
  },
  'wrong-business-code': {
    caughtBy: 'response.business-code.status-mismatch',
    description: 'a 401 carries the code of a 400 (1003/21003)',
    invisibleToPact: false,
    apply: (res) =>
      res.status === 401 &&
      withJson(res, (b) => {
        const err = b.error as Record<string, unknown> | undefined;
        if (!err || typeof err.code !== 'number') return false;
        err.code = err.code >= 20000 ? 21003 : 1003;
        return true;
      }),
  },
  'other-family-auth-code': {
    caughtBy: 'response.business-code.auth-family',
    description: 'a 401 of the device, report or schedule family carries the push family\'s code',
    invisibleToPact: false,
    apply: (res) =>
      res.status === 401 &&
      withJson(res, (b) => {
        const err = b.error as Record<string, unknown> | undefined;
        if (!err || typeof err.code !== 'number' || err.code === 1004 || err.code >= 20000) return false;
        err.code = 1004;
        return true;
      }),
  },
  'flat-envelope-v3': {
    caughtBy: 'response.envelope.invalid',
    description: 'v3 errors come flat ({code, message}) instead of nested',
    invisibleToPact: false,
    apply: (res) =>
      isError(res.path.startsWith('/v3/') ? res.status : 0) &&
      withJson(res, (b) => {
        const err = b.error as Record<string, unknown> | undefined;
        if (!err) return false;
        delete b.error;
        b.code = err.code;
        b.message = err.message;
        return true;
      }),
  },
  'break-success-body': {
    caughtBy: 'response.body.success-schema',
    description: 'a 200 loses msg_id',
    invisibleToPact: false,
    apply: (res) => res.status === 200 && withJson(res, (b) => ('msg_id' in b ? (delete b.msg_id, true) : false)),
  },
  'error-as-200': {
    caughtBy: 'response.body.error-on-200',
    description: 'errors are answered with 200 and the envelope',
    invisibleToPact: false,
    apply: (res) => (isError(res.status) && res.status !== 405 ? ((res.status = 200), true) : false),
  },
} satisfies Record<string, Fault>;

export type FaultId = keyof typeof faults;

export interface FaultLayer {
  readonly url: string;
  /** How many responses the fault changed so far (a fault that never applied proves nothing). */
  applied(): number;
  close(): Promise<void>;
}

const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'content-length']);

/** Starts a proxy on 127.0.0.1 in front of `target` that applies `fault` (or none) to every response. */
export async function startFaultLayer(target: string, fault?: FaultId): Promise<FaultLayer> {
  const upstream = new URL(target);
  let count = 0;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const headers = { ...req.headers, host: upstream.host };
      const out = http.request(
        { hostname: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers },
        (up) => {
          const body: Buffer[] = [];
          up.on('data', (c: Buffer) => body.push(c));
          up.on('end', () => {
            const ctx: FaultContext = {
              method: req.method ?? 'GET',
              path: (req.url ?? '/').split('?')[0],
              status: up.statusCode ?? 500,
              headers: Object.fromEntries(Object.entries(up.headers).filter(([k, v]) => v !== undefined && !HOP_BY_HOP.has(k))) as Record<string, string | string[]>,
              body: Buffer.concat(body).toString('utf8'),
            };
            if (fault && !ctx.path.startsWith('/_pact/') && faults[fault].apply(ctx)) count += 1;
            res.writeHead(ctx.status, { ...ctx.headers, 'content-length': Buffer.byteLength(ctx.body) });
            res.end(ctx.body);
          });
        },
      );
      out.on('error', (err) => {
        res.writeHead(599, { 'content-type': 'text/plain' });
        res.end(`fault layer could not reach ${target}: ${err.message}`);
      });
      out.end(Buffer.concat(chunks));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    applied: () => count,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
