/**
 * Resilience matrix: drives a real client, through a small adapter its user writes, against every status of
 * every endpoint it uses (the answers of Pact's mock server, plus an HTML 502) and against transport faults,
 * and judges what the client did with each answer by the policy's client expectations
 * (contracts/statuses.json `retry`).
 *
 * Each cell answers in a sequence: first the status (or fault), then the endpoint's 200 to any further
 * request, so a client that retries can recover, and the server records every attempt and the delay before
 * it. The request side is lenient (method and path template only): the matrix is about how a client handles
 * answers; its requests are the consumer pacts' job.
 */
import { matchersV3 } from '../matchers/pact-matchers';
import { getContracts, type ApiId, type Contracts, type RetryAdvice, type StatusCode } from '../contracts';
import { waitForMatches } from '../consumer/builder';
import { planInteraction, type InteractionPlan, type RequestExample } from '../consumer/plan';
import { PLACEHOLDER_CREDENTIALS, type Credentials } from '../credentials';
import { PushContractsError } from '../errors';
import type { AdapterContext, CallReport, CallRunner, MatrixAdapter } from './adapter';
import { inProcessRunner } from './call';
import { fromPerformanceNow, gaveUpAt, waitsBeforeRetries } from './client-waits';
import { cellPact, playOnMockServer } from './mock';
import { checkAdapter } from './load-adapter';
import { faultServer, HTML_PAGE, sequenceProxy, TRANSPORT_FAULTS, type Exchange, type PlainAnswer, type RecordingServer, type TransportFault } from './servers';
import {
  DEFAULT_SEVERITY, EXPECTATIONS, OUTCOMES, judgeExpectations, outcomeIsAsSpecified,
  type ExpectationSeverity, type MatrixExpectation, type MatrixOutcome, type MatrixVariant, type MatrixViolation,
} from './verdicts';

export type { MatrixOutcome, MatrixVariant, MatrixExpectation, ExpectationSeverity, MatrixViolation } from './verdicts';
export type { TransportFault } from './servers';
export type { AdapterContext, MatrixAdapter, CallReport, CallRunner } from './adapter';

export interface MatrixCell {
  readonly endpoint: string;
  /** The first answer's status; for a transport fault, the 200 the server answers once the fault is over. */
  readonly status: StatusCode;
  readonly variant: MatrixVariant;
  readonly outcome: MatrixOutcome;
  /** Requests the client made (1 = no retry); null when they cannot be counted (refused connection). */
  readonly attempts: number | null;
  /** Milliseconds between the end of each answer and the next attempt, on the server's clock (for an unanswered request, from its arrival). */
  readonly delaysMs: readonly number[];
  /**
   * Milliseconds the client waited of its own before each retry: the time covered by the timers it armed after
   * the failed exchange ended and that fired before the retry arrived (client-waits.ts). What `retry.no-backoff`
   * judges; recorded for a transient failure (502/503/504, HTML 502, a transport fault but a refused connection),
   * absent elsewhere and when the runner reports no timers (then it judges `delaysMs`).
   */
  readonly backoffMs?: readonly number[];
  readonly elapsedMs: number;
  /** Status reported by the client's error, when the adapter can read one. */
  readonly reportedStatus?: number;
  readonly reportedCode?: number;
  /** Expected business code (catalogue error cells only). */
  readonly expectedCode?: number;
  /** What the client threw or returned, in one line. */
  readonly detail: string;
  /** Where the client's request differed from the catalogue's example. */
  readonly requestIssues: readonly string[];
  /** Broken client expectations (retry policy), with their severity. */
  readonly violations: readonly MatrixViolation[];
  /** Whether the outcome is what the policy asks and no expectation of severity error is broken. */
  readonly asSpecified: boolean;
  /** Why the cell is not as specified (empty when it is). */
  readonly reason: string;
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
  /** Severities the verdicts used. */
  readonly severity: Readonly<Record<MatrixExpectation, ExpectationSeverity>>;
}

export interface MatrixOptions {
  /** Limit to these endpoint ids (default: every endpoint the adapter has a call for). */
  readonly endpoints?: readonly string[];
  /** Limit the catalogue cells to these statuses (transport cells are kept unless `transport` is false). */
  readonly statuses?: readonly number[];
  /** Default 2000 ms. */
  readonly hangTimeoutMs?: number;
  /** Add the HTML 502 scenario (a proxy's error page) where 502 is catalogued. Default true. */
  readonly html502?: boolean;
  /** Transport-fault cells per endpoint: true (default) for all, false for none, or a list. */
  readonly transport?: boolean | readonly TransportFault[];
  /** Severity per expectation, over DEFAULT_SEVERITY. */
  readonly severity?: Readonly<Partial<Record<MatrixExpectation, ExpectationSeverity>>>;
  /** A retry sooner than this after a transient failure is not a backoff. Default 10 ms. */
  readonly minBackoffMs?: number;
  /** X-Rate-Limit-Reset the 429 cells answer, in seconds. Default 1. */
  readonly rateLimitResetSeconds?: number;
  readonly credentials?: Credentials;
  readonly contracts?: Contracts;
  /** Cells run at once (each has its own servers). Default 4. */
  readonly concurrency?: number;
  /**
   * Cells that wait by design (no answer, slow headers, a 429's reset) run in a lane of their own, this many at
   * once, besides the `concurrency` others: they spend their time on a timer, not a core, so one after the other
   * their waits added up (3 cells of ~16 per endpoint held ~90 % of the reference client's cell time). With an
   * isolated runner each of them also holds a worker. Default 0: one lane, the waiting cells first.
   */
  readonly waitingConcurrency?: number;
  /**
   * `runAdapterModule` only: calls in flight on one worker thread at once (default 1), so the workers are
   * (concurrency + waitingConcurrency) / callsPerWorker. A throw outside a promise is still blamed on its own
   * call; a client that ends or blocks its thread takes the calls it shares the thread with along.
   */
  readonly callsPerWorker?: number;
  /** @deprecated Unused: a run writes no file (its cells' interactions are played on pact's mock server, not written as pacts). */
  readonly tmpRoot?: string;
  /** Called after each cell (in completion order), for progress output. */
  readonly onCell?: (cell: MatrixCell) => void;
}

function pathRegex(template: string): string {
  const body = template
    .split('/')
    .map((seg) => (/^\{[a-z_]+\}$/.test(seg) ? '[^/]+' : seg.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
    .join('/');
  return `^${body}$`;
}

function requestIssues(example: RequestExample, declaredMethod: string, seen: readonly Exchange[]): string[] {
  const issues: string[] = [];
  const first = seen[0];
  if (!first) return [];
  if (first.method.toUpperCase() !== declaredMethod) issues.push(`method ${first.method} instead of ${declaredMethod}`);
  const [p, q] = first.url.split('?');
  if (p !== example.path && p.replace(/\/$/, '') === example.path) issues.push(`trailing slash on ${p}`);
  const sent = new URLSearchParams(q ?? '');
  const dropped = Object.keys(example.query ?? {}).filter((k) => !sent.has(k));
  if (dropped.length > 0) issues.push(`query ${dropped.join(', ')} not sent`);
  return issues;
}

/** The endpoint's 200 as a plain answer: the catalogue's success example, matchers reified. */
function successAnswer(plan: InteractionPlan): PlainAnswer {
  const headers = (plan.response.headers ? matchersV3().reify(plan.response.headers) : {}) as Record<string, string>;
  if (plan.response.body === undefined) return { status: plan.status, headers };
  return { status: plan.status, headers: { ...headers, 'content-type': 'application/json' }, body: JSON.stringify(matchersV3().reify(plan.response.body)) };
}

interface Job {
  readonly endpoint: string;
  readonly plan: InteractionPlan;
  readonly success: InteractionPlan;
  readonly variant: MatrixVariant;
}

interface CellEnv {
  readonly contracts: Contracts;
  readonly run: CallRunner;
  readonly adapter: MatrixAdapter;
  readonly credentials: Credentials;
  readonly hangTimeoutMs: number;
  readonly minBackoffMs: number;
  readonly rateLimitResetSeconds: number;
  readonly severity: Readonly<Record<MatrixExpectation, ExpectationSeverity>>;
}

const TRANSPORT_ADVICE: Readonly<Record<TransportFault, { advice: RetryAdvice; possiblyDelivered: boolean }>> = {
  // Nothing reached the server: safe to send again, even a push.
  refused: { advice: 'backoff', possiblyDelivered: false },
  // The server took the request and the answer was lost: the operation may have been done.
  'reset-mid-body': { advice: 'backoff', possiblyDelivered: true },
  'no-answer': { advice: 'backoff', possiblyDelivered: true },
  'slow-headers': { advice: 'backoff', possiblyDelivered: true },
  // A 200 that is not the API's answer (a captive portal, a misrouted proxy): sending it again changes nothing.
  'html-200': { advice: 'never', possiblyDelivered: true },
};

async function playCatalogue(job: Job, env: CellEnv, ctxFor: (baseUrl: string) => AdapterContext): Promise<{ report: CallReport; exchanges: Exchange[]; mismatch: boolean }> {
  const { plan } = job;
  const endpoint = env.contracts.endpoint(plan.api, plan.endpoint);
  // Played on pact's mock server and matched there, with no pact file (playOnMockServer says why).
  const pact = cellPact(`${plan.api}-matrix`);
  pact
    .addInteraction()
    .uponReceiving(`${plan.description} (${job.variant})`)
    .withRequest(endpoint.method, matchersV3().regex(pathRegex(endpoint.path), plan.example.path))
    .willRespondWith(plan.status, (b) => {
      if (job.variant === 'html-502') {
        b.body('text/html', Buffer.from(HTML_PAGE(502, 'Bad Gateway')));
        return;
      }
      const headers = plan.response.headers ? { ...plan.response.headers } : undefined;
      // A short reset keeps a client that waits for it inside the hang timeout.
      if (headers && plan.status === 429) headers['x-rate-limit-reset'] = String(env.rateLimitResetSeconds);
      if (headers) b.headers(headers);
      if (plan.response.body !== undefined) b.jsonBody(plan.response.body);
    });
  // The runner failing is the run's problem (a worker that cannot load the adapter), not the cell's: it rejects.
  const { value, matched } = await playOnMockServer(pact, async (mock) => {
    const proxy = await sequenceProxy(mock.url, successAnswer(job.success));
    try {
      const report = await env.run(job.endpoint, ctxFor(proxy.url), { timers: ownWaitsJudged(job, env.contracts) });
      if (proxy.exchanges.length > 0) await waitForMatches(pact, mock.port);
      return { report, exchanges: proxy.exchanges };
    } finally {
      await proxy.close();
    }
  });
  // Not matched: the mock server saw a request it could not match, or none at all (a cell not exercised).
  return { ...value, mismatch: !matched && value.exchanges.length > 0 };
}

async function playFault(job: Job, fault: TransportFault, env: CellEnv, ctxFor: (baseUrl: string) => AdapterContext): Promise<{ report: CallReport; exchanges: Exchange[] }> {
  const server: RecordingServer = await faultServer(fault, successAnswer(job.success), Math.floor((env.hangTimeoutMs * 3) / 5));
  try {
    return { report: await env.run(job.endpoint, ctxFor(server.url), { timers: ownWaitsJudged(job, env.contracts) }), exchanges: server.exchanges };
  } finally {
    await server.close();
  }
}

/** `firstSucceeds`: the first answer was a 200 (a slow one included); `strict`: a prompt catalogue 200, where throwing is wrong. */
function classify(firstSucceeds: boolean, strict: boolean, report: CallReport, attempts: number | null, answeredSuccess: boolean): MatrixOutcome {
  if (report.kind === 'hang') return 'hang';
  if (report.kind === 'crashed') return 'untyped-crash';
  if (report.kind === 'resolved') {
    if (firstSucceeds && (attempts ?? 1) <= 1) return 'success';
    if ((attempts ?? 0) > 1 && answeredSuccess) return strict ? 'success' : 'recovered';
    return firstSucceeds ? 'success' : 'wrong-success';
  }
  if (!report.typed) return 'untyped-crash';
  return strict && (attempts ?? 1) <= 1 ? 'error-on-success' : 'typed-error';
}

const OUTCOME_REASON: Readonly<Partial<Record<MatrixOutcome, string>>> = {
  'untyped-crash': 'not the client\'s error type',
  'wrong-success': 'resolved as if it had worked',
  'error-on-success': 'threw on a 200',
  hang: 'never settled',
  'request-mismatch': 'the request did not match the endpoint (method or path), so no answer was judged',
  'not-exercised': 'no request reached the server, so no answer was judged',
};

async function runCell(job: Job, env: CellEnv): Promise<MatrixCell> {
  const { contracts, adapter } = env;
  const endpoint = contracts.endpoint(job.plan.api, job.endpoint);
  const ctxFor = (baseUrl: string): AdapterContext => ({
    api: job.plan.api, endpoint: job.endpoint, baseUrl, example: job.plan.example, credentials: env.credentials, hangTimeoutMs: env.hangTimeoutMs,
  });
  const fault = faultOf(job);
  const started = Date.now();
  const played = fault ? { ...(await playFault(job, fault, env, ctxFor)), mismatch: false } : await playCatalogue(job, env, ctxFor);
  const elapsedMs = Date.now() - started;
  const { report, exchanges, mismatch } = played;

  const attempts = fault === 'refused' ? null : exchanges.length;
  const delaysMs = exchanges.slice(1).map((ex, i) => Math.max(0, Math.round(ex.at - (exchanges[i].endedAt ?? exchanges[i].at))));
  // The client's own waits, from the earliest moment it can have acted on the failure: when the server began the
  // failed answer, not when its 'finish' ran here (a client on a worker thread reads the answer as the bytes
  // arrive and arms its backoff before this busy thread gets to 'finish': measured, 1,142 of 2,000 exchanges at
  // load ~6, by up to 214 ms, which left a 25 ms backoff uncounted). For a request unanswered by the time the
  // next one arrived, from when the client gave up on it: the firing of its give-up timer (client-waits.ts).
  const timers = report.timers;
  const backoffMs = timers && waitsBeforeRetries(
    timers,
    exchanges.map((ex, i) => {
      const next = exchanges[i + 1];
      if (ex.answeredAt !== undefined && (next === undefined || ex.answeredAt <= next.at)) return fromPerformanceNow(ex.answeredAt);
      return next === undefined ? fromPerformanceNow(ex.at) : gaveUpAt(timers, fromPerformanceNow(ex.at), fromPerformanceNow(next.at));
    }),
    exchanges.map((ex) => fromPerformanceNow(ex.at)),
  );
  const firstSucceeds = fault === 'slow-headers' || (!fault && contracts.status(job.plan.status)?.class === 'success');
  const answeredSuccess = exchanges.slice(1).some((ex) => ex.status !== undefined && ex.status >= 200 && ex.status < 300);
  let outcome: MatrixOutcome;
  if (mismatch) outcome = 'request-mismatch';
  else if (attempts === 0) outcome = 'not-exercised';
  else outcome = classify(firstSucceeds, firstSucceeds && !fault, report, attempts, answeredSuccess);

  const advice = adviceOf(job, contracts);
  const cid = (job.plan.example.body as { cid?: unknown } | undefined)?.cid;
  const resetHeader = exchanges[0]?.headers?.['x-rate-limit-reset'];
  const label = `${job.endpoint} ${fault ?? (job.variant === 'html-502' ? '502 HTML' : String(job.plan.status))}`;
  const violations = judgeExpectations(
    {
      label,
      variant: job.variant,
      status: fault ? undefined : job.plan.status,
      advice: advice.advice,
      possiblyDelivered: advice.possiblyDelivered,
      sendsWithoutCid: endpoint.sends === true && cid === undefined,
      attempts: attempts ?? undefined,
      delaysMs,
      backoffMs,
      rateLimitResetSeconds: typeof resetHeader === 'string' && /^\d+$/.test(resetHeader) ? Number(resetHeader) : undefined,
      outcome,
      retryAdvised: report.retryAdvised,
      retryAfterMs: report.retryAfterMs,
      minBackoffMs: env.minBackoffMs,
    },
    env.severity,
  );
  const outcomeOk = outcomeIsAsSpecified(firstSucceeds, job.variant, outcome);
  const errors = violations.filter((v) => v.severity === 'error');
  const reasons: string[] = [];
  if (!outcomeOk) reasons.push(`${outcome}: ${OUTCOME_REASON[outcome] ?? 'not what the policy asks'} (${report.detail})`);
  for (const v of errors) reasons.push(`${v.id}: ${v.message}`);
  return {
    endpoint: job.endpoint,
    status: job.plan.status,
    variant: job.variant,
    outcome,
    attempts,
    delaysMs,
    ...(backoffMs ? { backoffMs } : {}),
    elapsedMs,
    reportedStatus: report.reportedStatus,
    reportedCode: report.reportedCode,
    expectedCode: job.variant === 'catalogue' ? job.plan.businessCode?.code : undefined,
    detail: report.detail,
    requestIssues: requestIssues(job.plan.example, endpoint.method, exchanges),
    violations,
    asSpecified: outcomeOk && errors.length === 0,
    reason: reasons.join('; '),
  };
}

/** The transport fault a cell plays, if it plays one. */
function faultOf(job: Job): TransportFault | undefined {
  return (TRANSPORT_FAULTS as readonly string[]).includes(job.variant) ? (job.variant as TransportFault) : undefined;
}

/** What the policy advises after the cell's first answer: the fault's advice, else its status's. */
function adviceOf(job: Job, contracts: Contracts): { advice: RetryAdvice; possiblyDelivered: boolean } {
  const fault = faultOf(job);
  if (fault) return TRANSPORT_ADVICE[fault];
  const status = contracts.status(job.plan.status);
  return { advice: status?.retry ?? 'never', possiblyDelivered: status?.class === 'server-error' };
}

/**
 * Whether the cell's backoff is judged on the client's own timers (client-waits.ts): every cell whose advice is
 * a backoff (a 502/503/504, an HTML 502, a body cut mid-way, no answer, slow headers) but a refused connection,
 * whose attempts cannot be counted. Seeing a call's timers turns on async hooks for the whole thread while the
 * call runs (~10 % more CPU for a reference run with every call recorded), so only these calls are recorded,
 * and the quick ones run together at the end of their lane.
 */
function ownWaitsJudged(job: Job, contracts: Contracts): boolean {
  return adviceOf(job, contracts).advice === 'backoff' && faultOf(job) !== 'refused';
}

/** 1 for a cell that waits by design whatever the client (no answer, slow headers, a 429's reset), else 0. */
function waitsFirst(job: Job): number {
  return job.variant === 'no-answer' || job.variant === 'slow-headers' || (job.variant === 'catalogue' && job.plan.status === 429) ? 1 : 0;
}

/** Selected cells of a run, before any runs. Throws PC_ERR_USAGE when nothing would be exercised. */
function planJobs(adapter: MatrixAdapter, contracts: Contracts, options: MatrixOptions): { jobs: Job[]; all: string[]; supported: string[] } {
  const all = contracts.endpoints(adapter.api).map((e) => e.id);
  const supported = all.filter((id) => adapter.calls[id] !== undefined);
  for (const id of options.endpoints ?? []) {
    if (!all.includes(id)) throw new PushContractsError('PC_ERR_UNKNOWN_ENDPOINT', `unknown endpoint '${id}' of ${adapter.api}; valid: ${all.join(', ')}`);
  }
  const chosen = options.endpoints ? supported.filter((id) => options.endpoints?.includes(id)) : supported;
  const faults = options.transport === false ? [] : options.transport === true || options.transport === undefined ? TRANSPORT_FAULTS : options.transport;
  const jobs: Job[] = [];
  for (const id of chosen) {
    const endpoint = contracts.endpoint(adapter.api, id);
    const successStatus = endpoint.statuses.find((s) => contracts.status(s)?.class === 'success') ?? 200;
    // The client always makes its normal call (the success example): the cell varies only the answer,
    // so client-side validation of a mutated request cannot hide how the client handles it.
    const success = planInteraction(adapter.api, id, successStatus, { contracts });
    // The proxy-page scenario belongs to the status a gateway answers when its upstream is unreachable.
    const badGateway = contracts.codeFor(adapter.api, endpoint.family, 'upstream.unreachable')?.status;
    for (const status of endpoint.statuses) {
      if (options.statuses && !options.statuses.includes(status)) continue;
      // The success status's plan is `success` itself (planning derives its body matcher, which is not free).
      const plan = status === successStatus ? success : { ...planInteraction(adapter.api, id, status, { contracts }), example: success.example };
      jobs.push({ endpoint: id, plan, success, variant: 'catalogue' });
      if (status === badGateway && options.html502 !== false) jobs.push({ endpoint: id, plan, success, variant: 'html-502' });
    }
    for (const f of faults) jobs.push({ endpoint: id, plan: success, success, variant: f });
  }
  if (jobs.length === 0) {
    const why = chosen.length === 0
      ? `the adapter has no call for ${options.endpoints ? options.endpoints.join(', ') : 'any endpoint'} (it drives: ${supported.join(', ') || 'nothing'})`
      : `no catalogued status of ${chosen.join(', ')} is in --statuses ${options.statuses?.join(',') ?? ''}`;
    throw new PushContractsError('PC_ERR_USAGE', `matrix: empty selection, nothing to exercise: ${why}`);
  }
  return { jobs, all, supported };
}

/**
 * Runs the matrix for one client: every (endpoint it supports, catalogued status), an HTML 502, and the
 * transport faults. `runner` replaces the in-process call (the CLI isolates a module adapter's calls).
 *
 * @example
 * const result = await runMatrix(myAdapter, { hangTimeoutMs: 1500 });
 * console.log(renderMatrixMarkdown(result));
 * @see docs/resilience-matrix.md
 */
export async function runMatrix(adapter: MatrixAdapter, options: MatrixOptions = {}, runner?: CallRunner): Promise<MatrixResult> {
  const contracts = options.contracts ?? getContracts();
  checkAdapter(adapter, `adapter '${String((adapter as { name?: unknown } | null)?.name)}'`, contracts);
  const hangTimeoutMs = options.hangTimeoutMs ?? 2000;
  const severity = { ...DEFAULT_SEVERITY, ...options.severity };
  for (const id of Object.keys(options.severity ?? {})) {
    if (!(EXPECTATIONS as string[]).includes(id)) throw new PushContractsError('PC_ERR_USAGE', `unknown expectation '${id}'; valid: ${EXPECTATIONS.join(', ')}`);
  }
  const { jobs, all, supported } = planJobs(adapter, contracts, options);
  const env: CellEnv = {
    contracts, adapter, run: runner ?? inProcessRunner(adapter), credentials: options.credentials ?? PLACEHOLDER_CREDENTIALS,
    hangTimeoutMs, minBackoffMs: options.minBackoffMs ?? 10, rateLimitResetSeconds: options.rateLimitResetSeconds ?? 1, severity,
  };
  const results: MatrixCell[] = new Array(jobs.length);
  // Cells are independent (own servers and mock server), so a few run at once. The cells that wait by design
  // (a rate-limit reset, a client timeout) start first, so their waits overlap the quick cells rather than
  // trail at the end of the run, or run in a lane of their own (waitingConcurrency); results keep the plan's order.
  // The recorded calls last, together: the thread's async hooks are on while any of them is in flight.
  const recorded = jobs.map((job) => (ownWaitsJudged(job, contracts) ? 1 : 0));
  const order = jobs.map((_, i) => i).sort((a, b) => waitsFirst(jobs[b]) - waitsFirst(jobs[a]) || recorded[a] - recorded[b] || a - b);
  const waitingLane = Math.max(0, Math.floor(options.waitingConcurrency ?? 0));
  const lanes: Array<{ queue: number[]; size: number }> = waitingLane > 0
    ? [{ queue: order.filter((i) => waitsFirst(jobs[i]) === 1), size: waitingLane }, { queue: order.filter((i) => waitsFirst(jobs[i]) === 0), size: Math.max(1, options.concurrency ?? 4) }]
    : [{ queue: order, size: Math.max(1, options.concurrency ?? 4) }];
  const worker = async (queue: number[]): Promise<void> => {
    for (let index = queue.shift(); index !== undefined; index = queue.shift()) {
      const cell = await runCell(jobs[index], env);
      results[index] = cell;
      options.onCell?.(cell);
    }
  };
  await Promise.all(lanes.flatMap(({ queue, size }) => Array.from({ length: Math.min(size, queue.length) }, () => worker(queue))));
  const summary = Object.fromEntries(OUTCOMES.map((o) => [o, results.filter((c) => c.outcome === o).length])) as Record<MatrixOutcome, number>;
  return {
    client: adapter.name,
    api: adapter.api,
    generatedAt: new Date().toISOString(),
    hangTimeoutMs,
    cells: results,
    summary,
    unsupported: all.filter((id) => !supported.includes(id)),
    severity,
  };
}

/** Whether every cell is as specified (used for the CLI exit code). */
export function matrixConforms(result: MatrixResult): boolean {
  return result.cells.every((c) => c.asSpecified);
}
