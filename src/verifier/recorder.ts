/**
 * The in-process recording proxy: the verifier talks to it instead of the provider, and it records
 * every exchange as it really happened on the wire (status, headers, raw body) so the audit can
 * judge it. It also fronts the provider-state setup URL, so a failing state is known by name, and
 * it bounds every upstream exchange by the timeout, so a hanging provider fails with a clear message.
 */
import * as http from 'node:http';
import * as https from 'node:https';
import type { AddressInfo } from 'node:net';
import { patientTimeout } from '../patient-timer';

/** Path on the recorder that the verifier calls for provider states. */
export const STATE_PATH = '/_push-contracts/provider-states';

export type WireProblem = 'timeout' | 'unreachable' | 'truncated';

export interface StateEvent {
  readonly kind: 'state';
  readonly seq: number;
  readonly action: string;
  readonly state: string;
  readonly params: unknown;
  readonly ok: boolean;
  /** Why it failed: the setup URL's status and body, or the transport error. */
  readonly detail?: string;
  /** Set when the setup URL gave no answer at all (as opposed to answering with an error status). */
  readonly problem?: WireProblem;
}

export interface ExchangeEvent {
  readonly kind: 'exchange';
  readonly seq: number;
  readonly method: string;
  readonly path: string;
  readonly query: string;
  /** Request headers as sent upstream, Authorization removed (it is never recorded). */
  readonly requestHeaders: Readonly<Record<string, string | string[]>>;
  /** The request body as the verifier sent it ('' when none), for the report's evidence. */
  readonly requestBody?: string;
  /**
   * The Authorization header as the verifier sent it, before the request filter injects credentials
   * (a pact's placeholder or deliberately wrong value), so real credentials are never recorded.
   */
  readonly requestAuthorization?: string;
  /** null when no response arrived (timeout, unreachable). */
  readonly response: { readonly status: number; readonly headers: Readonly<Record<string, string | string[]>>; readonly body: string } | null;
  readonly problem?: { readonly kind: WireProblem; readonly message: string };
  readonly durationMs: number;
}

export type RecordedEvent = StateEvent | ExchangeEvent;

export interface RecorderOptions {
  readonly providerBaseUrl: string;
  /** Where provider states are really set up; when absent every state call succeeds here. */
  readonly stateSetupUrl?: string;
  readonly timeoutMs: number;
  /**
   * Changes the headers of each request before it goes upstream (credential injection). It runs
   * here, not in pact-js's express proxy: that proxy re-serialises bodies, drops a `{}` body while
   * keeping its Content-Length, and answers malformed JSON itself, so the provider never sees it.
   */
  readonly requestFilter?: (headers: Record<string, string | string[]>) => void;
  /** Called with each event as it is recorded (progress, fail fast). */
  readonly onEvent?: (event: RecordedEvent) => void;
}

export interface Recorder {
  readonly url: string;
  readonly stateSetupUrl: string;
  readonly events: readonly RecordedEvent[];
  /**
   * A recording of its own on the same server, under a path prefix: several verifier runs (slices of
   * the pacts, side by side) share one proxy and its listening socket, and their exchanges never mix.
   */
  channel(onEvent?: (event: RecordedEvent) => void): RecorderChannel;
  close(): Promise<void>;
}

/** One verifier run's view of a shared recorder: its base URL, state URL and events. */
export interface RecorderChannel {
  readonly url: string;
  readonly stateSetupUrl: string;
  readonly events: readonly RecordedEvent[];
  /** Stops recording: a late request on this channel (a killed verifier's) is refused, not recorded. */
  close(): void;
}

/** Where channels live on the recorder: `/_push-contracts/channel/<n>` + the request's own path. */
export const CHANNEL_PREFIX = '/_push-contracts/channel/';

/** Where one recording's events go (the recorder's own, or a channel's). */
interface Sink {
  readonly events: RecordedEvent[];
  seq: number;
  readonly onEvent?: (event: RecordedEvent) => void;
}

const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'upgrade', 'te', 'trailer', 'host', 'content-length']);

function forwardable(headers: http.IncomingHttpHeaders): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [k, v] of Object.entries(headers)) if (v !== undefined && !HOP_BY_HOP.has(k.toLowerCase())) out[k] = v;
  return out;
}

function readBody(req: http.IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

interface UpstreamResult {
  status: number;
  headers: Record<string, string | string[]>;
  body: Buffer;
  problem?: { kind: WireProblem; message: string };
}

/** One bounded upstream exchange; resolves with a problem instead of throwing. */
/**
 * Where upstream requests go, taken apart once per recorder: http.request given a URL object converts it
 * to options on every call (urlToHttpOptions), a measurable part of the proxy's cost per exchange.
 */
interface Upstream {
  readonly protocol: string;
  readonly hostname: string;
  readonly port: number;
  /** The Host header the provider gets (host[:port], as in the URL). */
  readonly host: string;
  readonly origin: string;
  /** The base URL's path without its trailing slash, put in front of every forwarded path. */
  readonly basePath: string;
  /** The URL's own path and query (the state setup URL is called as it is). */
  readonly path: string;
  readonly agent: http.Agent;
  /** node:http or node:https, by the URL's scheme: a staging provider is usually reached over TLS. */
  readonly request: typeof http.request;
}

/** One keep-alive agent per scheme and recorder: the provider sees a few reused connections, as from any client. */
interface Agents {
  readonly http: http.Agent;
  readonly https: https.Agent;
}

function upstreamOf(u: URL, agents: Agents): Upstream {
  // The CLI accepts only http(s) URLs; anything else still fails here as node:http would fail it.
  const tls = u.protocol === 'https:';
  return {
    protocol: u.protocol,
    hostname: u.hostname.replace(/^\[|\]$/g, ''),
    port: Number(u.port || (tls ? 443 : 80)),
    host: u.host,
    origin: u.origin,
    basePath: u.pathname.replace(/\/+$/, ''),
    path: u.pathname + u.search,
    agent: tls ? agents.https : agents.http,
    // The certificate is checked against Node's CA store (NODE_EXTRA_CA_CERTS adds a private CA), never skipped.
    request: tls ? https.request : http.request,
  };
}

function send(up: Upstream, path: string, method: string, headers: Record<string, string | string[]>, body: Buffer, timeoutMs: number): Promise<UpstreamResult | { problem: { kind: WireProblem; message: string } }> {
  return new Promise((resolve) => {
    let settled = false;
    const done = (r: UpstreamResult | { problem: { kind: WireProblem; message: string } }): void => {
      if (!settled) {
        settled = true;
        cancelTimer();
        resolve(r);
      }
    };
    headers.host = up.host;
    headers['content-length'] = String(body.length);
    const req = up.request({ protocol: up.protocol, hostname: up.hostname, port: up.port, path, method, headers, agent: up.agent }, (res) => {
      const chunks: Buffer[] = [];
      let received = 0;
      res.on('data', (c: Buffer) => {
        chunks.push(c);
        received += c.length;
      });
      const partial = (why: string): void => {
        const declared = res.headers['content-length'];
        done({
          status: res.statusCode ?? 0,
          headers: forwardable(res.headers),
          body: Buffer.concat(chunks),
          problem: { kind: 'truncated', message: `response body truncated: ${why} after ${received} byte(s)${declared ? ` of the ${declared} declared in Content-Length` : ''}` },
        });
      };
      res.on('end', () => {
        const declared = Number(res.headers['content-length']);
        if (res.complete && !(Number.isInteger(declared) && declared > received)) {
          done({ status: res.statusCode ?? 0, headers: forwardable(res.headers), body: Buffer.concat(chunks) });
        } else {
          partial('the connection closed');
        }
      });
      res.on('aborted', () => partial('the connection was aborted'));
      res.on('error', (err) => partial(err.message));
      res.on('close', () => {
        if (!res.complete) partial('the connection closed');
      });
    });
    // Timed by what this process could run: after a stall Node fires due timers before it reads the answer.
    const cancelTimer = patientTimeout(timeoutMs, () => {
      done({ problem: { kind: 'timeout', message: `provider did not answer ${method} ${path} within ${timeoutMs} ms` } });
      req.destroy();
    });
    req.on('error', (err: NodeJS.ErrnoException) => {
      done({ problem: { kind: 'unreachable', message: `provider ${up.origin} unreachable: ${err.code ?? err.message}` } });
    });
    req.end(body);
  });
}

/**
 * A request target's path and query (search with its '?', '' when none). A plain path is split as it is;
 * anything URL parsing would change (dot segments, backslashes, characters it escapes, a fragment) goes
 * through the WHATWG parser, as every target did before (it costs a URL object per exchange).
 */
function splitTarget(target: string): { pathname: string; search: string } {
  if (/^\/[A-Za-z0-9\-._~!$&()*+,;=:@%/?]*$/.test(target) && !/(^|\/)\.\.?(\/|\?|$)/.test(target.split('?')[0])) {
    const q = target.indexOf('?');
    return q < 0 ? { pathname: target, search: '' } : { pathname: target.slice(0, q), search: target.length > q + 1 ? target.slice(q) : '' };
  }
  const u = new URL(target, 'http://recorder');
  return { pathname: u.pathname, search: u.search };
}

/** Starts the recorder on 127.0.0.1 (port 0). */
export async function startRecorder(options: RecorderOptions): Promise<Recorder> {
  const agents: Agents = { http: new http.Agent({ keepAlive: true }), https: new https.Agent({ keepAlive: true }) };
  const provider = upstreamOf(new URL(options.providerBaseUrl), agents);
  const stateTarget = options.stateSetupUrl ? upstreamOf(new URL(options.stateSetupUrl), agents) : undefined;
  const main: Sink = { events: [], seq: 0 };
  const channels = new Map<number, Sink>();
  let nextChannel = 0;
  const record = (sink: Sink, event: RecordedEvent): void => {
    sink.events.push(event);
    sink.onEvent?.(event);
    options.onEvent?.(event);
  };

  async function handleState(sink: Sink, req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const body = await readBody(req);
    let parsed: { action?: string; state?: string; params?: unknown } = {};
    try {
      parsed = JSON.parse(body.toString('utf8') || '{}') as typeof parsed;
    } catch {
      // The verifier always sends JSON; anything else is recorded under an empty state name.
    }
    const event = { kind: 'state' as const, seq: sink.seq++, action: parsed.action ?? 'setup', state: parsed.state ?? '', params: parsed.params ?? {} };
    if (!stateTarget || event.state === '') {
      // An interaction without states still announces itself; nothing to set up.
      record(sink, { ...event, ok: true });
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      return;
    }
    const r = await send(stateTarget, stateTarget.path, 'POST', { 'content-type': 'application/json' }, body, options.timeoutMs);
    if (!('status' in r)) {
      record(sink, { ...event, ok: false, detail: r.problem.message.replace('provider', 'provider-state setup URL'), problem: r.problem.kind });
      res.writeHead(502, { 'content-type': 'text/plain' }).end(r.problem.message);
      return;
    }
    const ok = r.status >= 200 && r.status < 300;
    record(sink, { ...event, ok, detail: ok ? undefined : `setup URL answered ${r.status}${r.body.length ? `: ${r.body.toString('utf8').slice(0, 200)}` : ''}` });
    res.writeHead(r.status, r.headers).end(r.body);
  }

  async function handleExchange(sink: Sink, pathAndQuery: string, req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const started = Date.now();
    const body = await readBody(req);
    const { pathname, search } = splitTarget(pathAndQuery);
    const headers = forwardable(req.headers);
    const sentAuthorization = req.headers.authorization;
    options.requestFilter?.(headers);
    const requestHeaders = { ...headers };
    delete requestHeaders.authorization;
    const r = await send(provider, provider.basePath + pathname + search, req.method ?? 'GET', headers, body, options.timeoutMs);
    const common = { kind: 'exchange' as const, seq: sink.seq++, method: req.method ?? 'GET', path: pathname, query: search.slice(1), requestHeaders, requestBody: body.toString('utf8'), ...(sentAuthorization !== undefined ? { requestAuthorization: sentAuthorization } : {}) };
    if (!('status' in r)) {
      record(sink, { ...common, response: null, problem: r.problem, durationMs: Date.now() - started });
      // No invented response: the verifier sees a failed request, the case carries the reason.
      res.destroy();
      return;
    }
    record(sink, {
      ...common,
      response: { status: r.status, headers: r.headers, body: r.body.toString('utf8') },
      problem: r.problem,
      durationMs: Date.now() - started,
    });
    res.writeHead(r.status, { ...r.headers, 'content-length': String(r.body.length) }).end(r.body);
  }

  const server = http.createServer((req, res) => {
    let pathAndQuery = req.url ?? '/';
    let sink = main;
    if (pathAndQuery.startsWith(CHANNEL_PREFIX)) {
      // `<n>` then the request's own path and query, which the verifier appends to the channel's base URL.
      const m = /^(\d+)([/?].*)?$/s.exec(pathAndQuery.slice(CHANNEL_PREFIX.length));
      const channelSink = m ? channels.get(Number(m[1])) : undefined;
      if (!m || !channelSink) {
        res.writeHead(404, { 'content-type': 'text/plain' }).end(`push-contracts recorder: no open channel at ${pathAndQuery.split('?')[0]}`);
        return;
      }
      sink = channelSink;
      const rest = m[2] ?? '/';
      pathAndQuery = rest.startsWith('?') ? `/${rest}` : rest;
    }
    const handle = req.method === 'POST' && pathAndQuery.split('?')[0] === STATE_PATH ? handleState(sink, req, res) : handleExchange(sink, pathAndQuery, req, res);
    handle.catch((err: Error) => {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' }).end(`push-contracts recorder: ${err.message}`);
      else res.destroy();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    stateSetupUrl: url + STATE_PATH,
    events: main.events,
    channel(onEvent) {
      const id = nextChannel++;
      const sink: Sink = { events: [], seq: 0, onEvent };
      channels.set(id, sink);
      const channelUrl = `${url}${CHANNEL_PREFIX}${id}`;
      return { url: channelUrl, stateSetupUrl: channelUrl + STATE_PATH, events: sink.events, close: () => void channels.delete(id) };
    },
    close: () =>
      new Promise<void>((resolve) => {
        agents.http.destroy();
        agents.https.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
