/**
 * Resilience matrix: drives a real client, through a small adapter its user writes, against Pact's mock
 * server for every status of every endpoint it uses, and classifies what the client did with each answer.
 * The response side of each cell is the catalogue's (planInteraction); the request side is lenient
 * (method and path template only) because the matrix is about how a client handles answers, not about
 * its requests. A recording proxy in front of the mock server counts requests (retries) and notes where
 * the client's request strays from the catalogue.
 */
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { PactV4 } from '@pact-foundation/pact';
import * as MatchersV3 from '@pact-foundation/pact/src/v3/matchers';
import { getContracts, type ApiId, type Contracts, type StatusCode } from '../contracts';
import { waitForMatches } from '../consumer/builder';
import { planInteraction, type InteractionPlan, type RequestExample } from '../consumer/plan';
import { PLACEHOLDER_CREDENTIALS, type Credentials } from '../credentials';
import { PushContractsError } from '../errors';

/** What the adapter gets for one call. */
export interface AdapterContext {
  /** Origin the client must send to (the recording proxy in front of the mock server). */
  readonly baseUrl: string;
  /** The catalogue's example request for the endpoint (path params, query, body). */
  readonly example: RequestExample;
  readonly credentials: Credentials;
  /** The matrix gives up on the call after this long; a client timeout below it avoids a "hang". */
  readonly hangTimeoutMs: number;
}

/**
 * How the matrix drives one client. Each call makes the client perform the endpoint's operation and
 * returns what the client returned (or throws what it threw); nothing else.
 */
export interface MatrixAdapter {
  /** Shown in reports, e.g. 'jpush-async 4.2.0'. */
  readonly name: string;
  readonly api: ApiId;
  /** One function per endpoint id the client supports. */
  readonly calls: Readonly<Partial<Record<string, (ctx: AdapterContext) => Promise<unknown>>>>;
  /** Whether a thrown value is the client's own, documented error type. */
  isTypedError(err: unknown): boolean;
  /** The HTTP status the client's error reports, if it reports one (to spot lost statuses). */
  statusOf?(err: unknown): number | undefined;
  /** The business code the client's error reports, if any. */
  codeOf?(err: unknown): number | undefined;
}

export type MatrixOutcome =
  /** 200 answered and the client resolved. */
  | 'success'
  /** Error answered and the client threw its own error type. */
  | 'typed-error'
  /** The client threw something else (TypeError, a string, a raw body). */
  | 'untyped-crash'
  /** Error answered and the client resolved as if it had succeeded. */
  | 'wrong-success'
  /** 200 answered and the client threw. */
  | 'error-on-success'
  /** The client neither resolved nor threw within the hang timeout. */
  | 'hang'
  /** The client's request did not reach the interaction (wrong method or path); the cell says nothing. */
  | 'request-mismatch';

/** Scenarios beyond the catalogue's own responses. */
export type MatrixVariant = 'catalogue' | 'html-502';

export interface MatrixCell {
  readonly endpoint: string;
  readonly status: StatusCode;
  readonly variant: MatrixVariant;
  readonly outcome: MatrixOutcome;
  /** Requests the client made (1 = no retry). */
  readonly requests: number;
  readonly retries: number;
  readonly elapsedMs: number;
  /** Status reported by the client's error, when the adapter can read one. */
  readonly reportedStatus?: number;
  readonly reportedCode?: number;
  /** Expected business code (errors only). */
  readonly expectedCode?: number;
  /** What the client threw or returned, in one line. */
  readonly detail: string;
  /** Where the client's request differed from the catalogue's example. */
  readonly requestIssues: readonly string[];
  /** Whether the outcome is what the policy asks of a client (success on 200, typed error otherwise). */
  readonly asSpecified: boolean;
}

export interface MatrixResult {
  readonly client: string;
  readonly api: ApiId;
  readonly generatedAt: string;
  readonly hangTimeoutMs: number;
  readonly cells: readonly MatrixCell[];
  readonly summary: Readonly<Record<MatrixOutcome, number>>;
  /** Endpoints of the API the adapter has no call for. */
  readonly unsupported: readonly string[];
}

export interface MatrixOptions {
  /** Limit to these endpoint ids (default: every endpoint the adapter has a call for). */
  readonly endpoints?: readonly string[];
  /** Limit to these statuses. */
  readonly statuses?: readonly number[];
  /** Default 2000 ms. */
  readonly hangTimeoutMs?: number;
  /** Add the HTML 502 scenario (a proxy's error page) where 502 is catalogued. Default true. */
  readonly html502?: boolean;
  readonly credentials?: Credentials;
  readonly contracts?: Contracts;
  /** Cells run at once (each has its own mock server). Default 4. */
  readonly concurrency?: number;
  /** Called after each cell (in completion order), for progress output. */
  readonly onCell?: (cell: MatrixCell) => void;
}

const OUTCOMES: readonly MatrixOutcome[] = ['success', 'typed-error', 'untyped-crash', 'wrong-success', 'error-on-success', 'hang', 'request-mismatch'];

const HTML_502 = '<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n';

interface Recorded {
  readonly method: string;
  readonly url: string;
}

/** Forwards to the mock server with the query dropped and a trailing slash trimmed; records what came in. */
async function recordingProxy(target: string): Promise<{ url: string; seen: Recorded[]; close: () => Promise<void> }> {
  const seen: Recorded[] = [];
  const server = http.createServer((req, res) => {
    seen.push({ method: req.method ?? '', url: req.url ?? '' });
    const raw = (req.url ?? '/').split('?')[0];
    const pathOnly = raw.length > 1 && raw.endsWith('/') ? raw.slice(0, -1) : raw;
    const headers = { ...req.headers };
    delete headers.host;
    const upstream = http.request(new URL(pathOnly, target), { method: req.method?.toUpperCase(), headers, agent: false }, (up) => {
      res.writeHead(up.statusCode ?? 502, up.headers);
      up.pipe(res);
    });
    upstream.on('error', () => {
      res.writeHead(599);
      res.end();
    });
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    seen,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function pathRegex(template: string): string {
  const body = template
    .split('/')
    .map((seg) => (/^\{[a-z_]+\}$/.test(seg) ? '[^/]+' : seg.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
    .join('/');
  return `^${body}$`;
}

function oneLine(value: unknown): string {
  // Duck-typed: a client loaded outside the caller's realm (jest's vm context) throws Errors that fail instanceof.
  const e = value as { name?: unknown; message?: unknown } | null;
  if (e !== null && typeof e === 'object' && typeof e.name === 'string' && typeof e.message === 'string') {
    return `${e.name}: ${e.message}`.replace(/\s+/g, ' ').slice(0, 160);
  }
  let text: string;
  try {
    text = typeof value === 'string' ? value : JSON.stringify(value) ?? String(value);
  } catch {
    text = String(value);
  }
  const kind = value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value;
  return `${kind === 'object' || kind === 'array' ? '' : `${kind} `}${text}`.replace(/\s+/g, ' ').slice(0, 160);
}

function requestIssues(plan: InteractionPlan, declaredMethod: string, seen: readonly Recorded[]): string[] {
  const issues: string[] = [];
  const first = seen[0];
  if (!first) return ['no request reached the server'];
  if (first.method.toUpperCase() !== declaredMethod) issues.push(`method ${first.method} instead of ${declaredMethod}`);
  const [p, q] = first.url.split('?');
  if (p !== plan.example.path && p.replace(/\/$/, '') === plan.example.path) issues.push(`trailing slash on ${p}`);
  const sent = new URLSearchParams(q ?? '');
  const expected = Object.keys(plan.example.query ?? {});
  const dropped = expected.filter((k) => !sent.has(k));
  if (dropped.length > 0) issues.push(`query ${dropped.join(', ')} not sent`);
  return issues;
}

function cellIsAsSpecified(status: number, outcome: MatrixOutcome): boolean {
  return status >= 200 && status < 300 ? outcome === 'success' : outcome === 'typed-error';
}

async function runCell(
  adapter: MatrixAdapter,
  plan: InteractionPlan,
  variant: MatrixVariant,
  options: Required<Pick<MatrixOptions, 'hangTimeoutMs'>> & { credentials: Credentials; contracts: Contracts; dir: string },
): Promise<MatrixCell> {
  const { contracts } = options;
  const endpoint = contracts.endpoint(plan.api, plan.endpoint);
  const call = adapter.calls[plan.endpoint];
  if (!call) throw new PushContractsError('PC_ERR_USAGE', `adapter ${adapter.name} has no call for ${plan.endpoint}`);
  const pact = new PactV4({ consumer: 'push-contracts-matrix', provider: `${adapter.api}-matrix`, dir: options.dir, logLevel: 'error' });
  let i = pact.addInteraction();
  i = i.uponReceiving(`${plan.description} (${variant})`);
  const withResponse = i
    .withRequest(endpoint.method, MatchersV3.regex(pathRegex(endpoint.path), plan.example.path))
    .willRespondWith(plan.status, (b) => {
      if (variant === 'html-502') {
        b.body('text/html', Buffer.from(HTML_502));
        return;
      }
      if (plan.response.headers) b.headers(plan.response.headers);
      if (plan.response.body !== undefined) b.jsonBody(plan.response.body);
    });

  let settled: { kind: 'resolved' | 'rejected' | 'hang'; value?: unknown } = { kind: 'hang' };
  let seen: Recorded[] = [];
  let mismatch = false;
  const started = Date.now();
  try {
    await withResponse.executeTest(async (mock) => {
      const proxy = await recordingProxy(mock.url);
      seen = proxy.seen;
      let timer: NodeJS.Timeout | undefined;
      try {
        const hang = new Promise<typeof settled>((resolve) => {
          timer = setTimeout(() => resolve({ kind: 'hang' }), options.hangTimeoutMs);
        });
        const ctx: AdapterContext = { baseUrl: proxy.url, example: plan.example, credentials: options.credentials, hangTimeoutMs: options.hangTimeoutMs };
        const attempt = Promise.resolve()
          .then(() => call(ctx))
          .then(
            (value): typeof settled => ({ kind: 'resolved', value }),
            (value: unknown): typeof settled => ({ kind: 'rejected', value }),
          );
        settled = await Promise.race([attempt, hang]);
        if (seen.length > 0) await waitForMatches(pact, mock.port);
      } finally {
        clearTimeout(timer);
        await proxy.close();
      }
    });
  } catch {
    // executeTest rejects when the mock server saw a request it could not match (or none at all).
    mismatch = seen.length > 0;
  }
  const elapsedMs = Date.now() - started;
  const success = plan.status >= 200 && plan.status < 300;
  let outcome: MatrixOutcome;
  if (mismatch) outcome = 'request-mismatch';
  else if (settled.kind === 'hang') outcome = 'hang';
  else if (settled.kind === 'resolved') outcome = success ? 'success' : 'wrong-success';
  else if (success) outcome = 'error-on-success';
  else outcome = adapter.isTypedError(settled.value) ? 'typed-error' : 'untyped-crash';
  const thrown = settled.kind === 'rejected' ? settled.value : undefined;
  return {
    endpoint: plan.endpoint,
    status: plan.status,
    variant,
    outcome,
    requests: seen.length,
    retries: Math.max(0, seen.length - 1),
    elapsedMs,
    reportedStatus: thrown !== undefined ? adapter.statusOf?.(thrown) : undefined,
    reportedCode: thrown !== undefined ? adapter.codeOf?.(thrown) : undefined,
    expectedCode: variant === 'catalogue' ? plan.businessCode?.code : undefined,
    detail: settled.kind === 'hang' ? `no answer after ${options.hangTimeoutMs} ms` : oneLine(settled.value),
    requestIssues: requestIssues(plan, endpoint.method, seen),
    asSpecified: cellIsAsSpecified(plan.status, outcome),
  };
}

/**
 * Runs the matrix for one client: every (endpoint it supports, catalogued status), plus an HTML 502.
 *
 * @example
 * const result = await runMatrix(myAdapter, { hangTimeoutMs: 1500 });
 * console.log(renderMatrixMarkdown(result));
 * @see docs/resilience-matrix.md
 */
export async function runMatrix(adapter: MatrixAdapter, options: MatrixOptions = {}): Promise<MatrixResult> {
  const contracts = options.contracts ?? getContracts();
  const hangTimeoutMs = options.hangTimeoutMs ?? 2000;
  const credentials = options.credentials ?? PLACEHOLDER_CREDENTIALS;
  const all = contracts.endpoints(adapter.api).map((e) => e.id);
  const supported = all.filter((id) => adapter.calls[id] !== undefined);
  for (const id of options.endpoints ?? []) {
    if (!all.includes(id)) throw new PushContractsError('PC_ERR_UNKNOWN_ENDPOINT', `unknown endpoint '${id}' of ${adapter.api}`);
  }
  const chosen = options.endpoints ? supported.filter((id) => options.endpoints?.includes(id)) : supported;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'push-contracts-matrix-'));
  const cells: MatrixCell[] = [];
  try {
    const jobs: Array<{ plan: InteractionPlan; variant: MatrixVariant }> = [];
    for (const id of chosen) {
      const endpoint = contracts.endpoint(adapter.api, id);
      // The proxy-page scenario belongs to the status a gateway answers when its upstream is unreachable.
      const badGateway = contracts.codeFor(adapter.api, endpoint.family, 'upstream.unreachable')?.status;
      for (const status of endpoint.statuses) {
        if (options.statuses && !options.statuses.includes(status)) continue;
        // The client always makes its normal call (the success example): the cell varies only the answer,
        // so client-side validation of a mutated request cannot hide how the client handles it.
        const normal = planInteraction(adapter.api, id, endpoint.statuses.find((s) => contracts.status(s)?.class === 'success') ?? status, { contracts });
        const plan = { ...planInteraction(adapter.api, id, status, { contracts }), example: normal.example };
        jobs.push({ plan, variant: 'catalogue' });
        if (status === badGateway && options.html502 !== false) jobs.push({ plan, variant: 'html-502' });
      }
    }
    // Cells are independent (own mock server, proxy and pact directory), so a few run at once.
    const results: MatrixCell[] = new Array(jobs.length);
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < jobs.length) {
        const index = next++;
        const { plan, variant } = jobs[index];
        const cell = await runCell(adapter, plan, variant, { hangTimeoutMs, credentials, contracts, dir: path.join(dir, String(index)) });
        results[index] = cell;
        options.onCell?.(cell);
      }
    };
    await Promise.all(Array.from({ length: Math.max(1, Math.min(options.concurrency ?? 4, jobs.length)) }, worker));
    cells.push(...results);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  const summary = Object.fromEntries(OUTCOMES.map((o) => [o, cells.filter((c) => c.outcome === o).length])) as Record<MatrixOutcome, number>;
  return {
    client: adapter.name,
    api: adapter.api,
    generatedAt: new Date().toISOString(),
    hangTimeoutMs,
    cells,
    summary,
    unsupported: all.filter((id) => !supported.includes(id)),
  };
}

const SHORT: Readonly<Record<MatrixOutcome, string>> = {
  success: 'ok',
  'typed-error': 'typed',
  'untyped-crash': 'CRASH',
  'wrong-success': 'WRONG SUCCESS',
  'error-on-success': 'ERROR ON 200',
  hang: 'HANG',
  'request-mismatch': 'REQ MISMATCH',
};

function cellText(c: MatrixCell): string {
  let t = SHORT[c.outcome];
  if (c.retries > 0) t += ` ↻${c.retries}`;
  if (c.outcome === 'typed-error' && c.reportedStatus !== undefined && c.reportedStatus !== c.status) t += ` (status ${String(c.reportedStatus)})`;
  if (c.outcome === 'typed-error' && c.reportedStatus === undefined && c.variant === 'catalogue') t += ' (no status)';
  return t;
}

/** The matrix as a Markdown table (rows: endpoints; columns: statuses, then the HTML 502), a legend and notes. */
export function renderMatrixMarkdown(result: MatrixResult): string {
  const columns: Array<{ status: StatusCode; variant: MatrixVariant }> = [];
  for (const c of result.cells) {
    if (!columns.some((k) => k.status === c.status && k.variant === c.variant)) columns.push({ status: c.status, variant: c.variant });
  }
  columns.sort((a, b) => a.status - b.status || (a.variant === 'catalogue' ? -1 : 1));
  const endpoints = [...new Set(result.cells.map((c) => c.endpoint))];
  const head = ['endpoint', ...columns.map((k) => (k.variant === 'catalogue' ? String(k.status) : `${k.status} HTML`))];
  const lines = [
    `### ${result.client} (${result.api})`,
    '',
    `| ${head.join(' | ')} |`,
    `|${head.map(() => '---').join('|')}|`,
  ];
  for (const e of endpoints) {
    const row = columns.map((k) => {
      const c = result.cells.find((x) => x.endpoint === e && x.status === k.status && x.variant === k.variant);
      return c ? cellText(c) : '';
    });
    lines.push(`| ${e} | ${row.join(' | ')} |`);
  }
  lines.push('');
  lines.push(`Outcomes: ${OUTCOMES.filter((o) => result.summary[o] > 0).map((o) => `${o} ${result.summary[o]}`).join(', ')}. ↻n = n retries. Hang timeout ${result.hangTimeoutMs} ms.`);
  const asSpecified = result.cells.filter((c) => c.asSpecified).length;
  lines.push(`As specified (success on 200, typed error otherwise): ${asSpecified} of ${result.cells.length} cells.`);
  if (result.unsupported.length > 0) lines.push(`Endpoints the client has no call for: ${result.unsupported.join(', ')}.`);
  const issues = new Map<string, string[]>();
  for (const c of result.cells) for (const i of c.requestIssues) issues.set(i, [...(issues.get(i) ?? []), c.endpoint]);
  if (issues.size > 0) {
    lines.push('', 'Request deviations seen by the recording proxy:');
    for (const [issue, eps] of issues) lines.push(`- ${issue} (${[...new Set(eps)].join(', ')})`);
  }
  return lines.join('\n') + '\n';
}

/** The matrix as JSON (stable key order, one object). */
export function renderMatrixJson(result: MatrixResult): string {
  return JSON.stringify(result, null, 2) + '\n';
}

/** Whether every cell is as specified (used for the CLI exit code). */
export function matrixConforms(result: MatrixResult): boolean {
  return result.cells.every((c) => c.asSpecified);
}
