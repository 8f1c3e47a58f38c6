/**
 * One HTTP call for tests over real sockets: JSON or raw bodies, the answer's status, headers, text and
 * parsed JSON (undefined when the body is not JSON), and when it was sent and answered.
 */
import * as http from 'node:http';

export interface HttpAnswer {
  readonly status: number;
  readonly headers: http.IncomingHttpHeaders;
  readonly text: string;
  readonly json: any;
  readonly sentAt: number;
  readonly at: number;
}

export interface HttpCallOptions {
  /** Sent as JSON. */
  readonly body?: unknown;
  /** Sent as is (a deliberately malformed body); still declared application/json unless headers say otherwise. */
  readonly raw?: string;
  readonly headers?: Readonly<Record<string, string>>;
  /** A keep-alive agent for load tests; by default a fresh connection per call. */
  readonly agent?: http.Agent;
}

export function httpCall(base: string, method: string, path: string, opts: HttpCallOptions = {}): Promise<HttpAnswer> {
  const payload = opts.raw ?? (opts.body === undefined ? undefined : JSON.stringify(opts.body));
  const sentAt = Date.now();
  return new Promise((resolve, reject) => {
    const req = http.request(base + path, {
      method,
      agent: opts.agent ?? false,
      headers: { ...(payload !== undefined ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) } : {}), ...opts.headers },
    }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let json: unknown;
        try {
          json = text ? JSON.parse(text) : undefined;
        } catch {
          json = undefined;
        }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json, sentAt, at: Date.now() });
      });
    });
    req.on('error', reject);
    req.end(payload);
  });
}
