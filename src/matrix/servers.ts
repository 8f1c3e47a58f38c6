/**
 * The two servers a matrix cell talks to, both on 127.0.0.1 at a random port, both recording every request
 * (arrival time, what was answered, when the answer ended) so the verdicts can count attempts and measure the
 * delays between them.
 *
 * - `sequenceProxy` sits in front of Pact's mock server: the first request is forwarded to the mock (so the
 *   first answer is the pact interaction's, matched and verified), every later request is answered by the
 *   proxy itself with the endpoint's 200. Pact's mock server cannot play "first the status, then 200": it
 *   matches each request on its own, and with two interactions of the same request it answers the first one
 *   every time (measured with pact 16.4.0: 503, 503). The sequence therefore lives here.
 * - `faultServer` plays a transport fault (or an HTML 200) on the first request and the 200 afterwards;
 *   these answers are not HTTP interactions a pact can describe.
 */
import { readFileSync } from 'node:fs';
import * as http from 'node:http';
import * as net from 'node:net';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';

/** A plain answer (no matchers): status, headers, body text. */
export interface PlainAnswer {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: string;
}

/** One request the server saw. Times are milliseconds on performance.now()'s clock. */
export interface Exchange {
  readonly method: string;
  readonly url: string;
  readonly at: number;
  /** What was answered (undefined: nothing, e.g. no answer or a reset before the headers). */
  status?: number;
  headers?: http.IncomingHttpHeaders | Readonly<Record<string, string>>;
  /**
   * When the server began its answer, before its first byte was written (undefined: never answered). The
   * earliest a client can have acted on the answer: a client on another thread reads it as the bytes arrive,
   * often before this thread's 'finish' sets endedAt (the matrix's backoff clock, matrix.ts).
   */
  answeredAt?: number;
  /** When the answer was complete or cut (undefined: never answered). */
  endedAt?: number;
}

export interface RecordingServer {
  readonly url: string;
  readonly exchanges: Exchange[];
  close(): Promise<void>;
}

/** Transport faults the matrix plays, plus a 200 whose body is an HTML page. */
export type TransportFault = 'refused' | 'reset-mid-body' | 'no-answer' | 'slow-headers' | 'html-200';

export const TRANSPORT_FAULTS: readonly TransportFault[] = ['refused', 'reset-mid-body', 'no-answer', 'slow-headers', 'html-200'];

export const HTML_PAGE = (status: number, reason: string): string =>
  `<html>\r\n<head><title>${status} ${reason}</title></head>\r\n<body>\r\n<center><h1>${status} ${reason}</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n`;

function answer(res: http.ServerResponse, a: PlainAnswer, ex: Exchange): void {
  const headers: Record<string, string> = { ...a.headers };
  if (a.body !== undefined) headers['content-length'] = String(Buffer.byteLength(a.body));
  ex.status = a.status;
  ex.headers = headers;
  res.on('finish', () => (ex.endedAt = performance.now()));
  ex.answeredAt = performance.now();
  res.writeHead(a.status, headers);
  res.end(a.body);
}

async function listen(server: http.Server, exchanges: Exchange[]): Promise<RecordingServer> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    exchanges,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/**
 * Forwards the first request to `target` (Pact's mock server) with the query dropped and a trailing slash
 * trimmed (Pact rejects unexpected query parameters; the matrix judges answers, not requests), and answers
 * every later request with `then`.
 */
export async function sequenceProxy(target: string, then: PlainAnswer): Promise<RecordingServer> {
  const exchanges: Exchange[] = [];
  const server = http.createServer((req, res) => {
    const ex: Exchange = { method: req.method ?? '', url: req.url ?? '', at: performance.now() };
    exchanges.push(ex);
    if (exchanges.length > 1) {
      req.resume();
      answer(res, then, ex);
      return;
    }
    const raw = (req.url ?? '/').split('?')[0];
    const pathOnly = raw.length > 1 && raw.endsWith('/') ? raw.slice(0, -1) : raw;
    const headers = { ...req.headers };
    delete headers.host;
    const upstream = http.request(new URL(pathOnly, target), { method: req.method?.toUpperCase(), headers, agent: false }, (up) => {
      ex.status = up.statusCode;
      ex.headers = up.headers;
      res.on('finish', () => (ex.endedAt = performance.now()));
      ex.answeredAt = performance.now();
      res.writeHead(up.statusCode ?? 502, up.headers);
      up.pipe(res);
    });
    upstream.on('error', () => {
      res.writeHead(599);
      res.end();
    });
    req.pipe(upstream);
  });
  return listen(server, exchanges);
}

/**
 * Plays `fault` on the first request and `then` on every later one. `refused` listens nowhere: the port was
 * bound and released, so nothing is recorded (attempts cannot be counted for a refused connection).
 */
// `slowMs`: how long slow headers take (the matrix uses 3/5 of the hang timeout: above a client timeout of half of it, with room for a client that waits).
export async function faultServer(fault: TransportFault, then: PlainAnswer, slowMs: number): Promise<RecordingServer> {
  const exchanges: Exchange[] = [];
  const timers = new Set<NodeJS.Timeout>();
  const server = http.createServer((req, res) => {
    const ex: Exchange = { method: req.method ?? '', url: req.url ?? '', at: performance.now() };
    exchanges.push(ex);
    req.resume();
    if (exchanges.length > 1) return answer(res, then, ex);
    switch (fault) {
      case 'no-answer':
        return; // the connection stays open and silent until the client gives up or the cell ends
      case 'slow-headers': {
        const t = setTimeout(() => answer(res, then, ex), slowMs);
        timers.add(t);
        return;
      }
      case 'html-200':
        return answer(res, { status: 200, headers: { 'content-type': 'text/html' }, body: HTML_PAGE(200, 'OK') }, ex);
      case 'reset-mid-body': {
        // Headers promise the whole body; half of it arrives, then the connection is reset.
        const body = then.body ?? '{"ok":true}';
        ex.status = 200;
        ex.headers = { ...then.headers, 'content-length': String(Buffer.byteLength(body)) };
        ex.answeredAt = performance.now();
        res.writeHead(200, ex.headers);
        res.write(body.slice(0, Math.max(1, Math.floor(body.length / 2))), () => {
          ex.endedAt = performance.now();
          req.socket.resetAndDestroy();
        });
        return;
      }
      default:
        return answer(res, then, ex);
    }
  });
  if (fault === 'refused') return { url: `http://127.0.0.1:${await refusedPort()}`, exchanges, close: async () => undefined };
  const rec = await listen(server, exchanges);
  return {
    ...rec,
    close: () => {
      for (const t of timers) clearTimeout(t);
      return rec.close();
    },
  };
}

/** The first port the kernel hands out for `listen(0)` and outgoing connections (Linux; elsewhere 32768 is below the usual ranges). */
function ephemeralLow(): number {
  try {
    const low = Number(readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0]);
    return Number.isInteger(low) && low > 1024 ? low : 32768;
  } catch {
    return 32768;
  }
}

function isRefused(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    socket.once('connect', () => { socket.destroy(); resolve(false); });
    socket.once('error', (err: NodeJS.ErrnoException) => resolve(err.code === 'ECONNREFUSED'));
  });
}

/**
 * A port where connections are refused for the whole cell. A port bound and released was not: the kernel
 * gives it to the next `listen(0)` (a concurrent cell's server answered the "refused" client with its 200).
 * A port below the ephemeral range is never handed out that way; it is checked refused before use.
 */
export async function refusedPort(): Promise<number> {
  const low = ephemeralLow();
  for (let tries = 0; tries < 32; tries++) {
    const port = 1024 + Math.floor(Math.random() * (low - 1024));
    if (await isRefused(port)) return port;
  }
  throw new Error(`no refused port found on 127.0.0.1 below ${low} in 32 tries`);
}
