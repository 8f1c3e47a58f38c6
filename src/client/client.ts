/**
 * Reference TypeScript client for JPush v3 and MTPush v4. Routes, families and retry advice come from
 * contracts/, so the client follows the catalogue instead of restating it. The retry policy: never a 4xx;
 * a 429 waits for X-Rate-Limit-Reset when that wait is bounded; 502/503/504 and transport failures back
 * off exponentially (capped, jittered); a sending call (push) is retried only when it carries a cid, so a
 * retry can never deliver a message twice.
 */
import * as http from 'node:http';
import * as https from 'node:https';
import { fillPath, getContracts, type ApiId, type Contracts, type Endpoint, type EndpointId } from '../contracts';
import { basicAuth, groupBasicAuth, type Credentials, type GroupCredentials } from '../credentials';
import { PushContractsError } from '../errors';
import { PushApiError, type RateLimitInfo } from './errors';
import { patientTimeout } from '../patient-timer';

export interface RetryOptions {
  /** Retries after the first request (so at most maxRetries + 1 requests). Default 3. */
  readonly maxRetries?: number;
  /** First backoff delay in ms. Default 200. */
  readonly baseDelayMs?: number;
  /** Cap of one backoff delay in ms. Default 5000. */
  readonly maxDelayMs?: number;
  /** Longest wait for a rate-limit reset; a 429 whose reset is further away is thrown at once. Default 60000. */
  readonly maxRateLimitWaitMs?: number;
}

export interface PushClientOptions<A extends ApiId = ApiId> {
  readonly api: A;
  readonly credentials?: Credentials;
  /** The group's credentials, sent (as `group-<groupKey>`) where the catalogue says auth: group (group push, the v3 group reports); every other call sends `credentials`. */
  readonly groupCredentials?: GroupCredentials;
  /** One origin for every family (a mock server, a gateway); default: each family's host from contracts/. */
  readonly baseUrl?: string;
  /** Per-family origins, by family id (push, report, device, schedule); win over baseUrl. */
  readonly hosts?: Readonly<Record<string, string>>;
  /** Deadline of one request in ms (connect to last byte). Default 30000. */
  readonly timeoutMs?: number;
  readonly retry?: RetryOptions;
  /** Injected for tests: how to wait. */
  readonly sleep?: (ms: number) => Promise<void>;
  /**
   * How a request's deadline is timed: calls `onTimeout` after `ms`, returns the cancel. Default
   * `patientTimeout` (src/patient-timer.ts): it counts only time the thread could run, because a timer that
   * fires late after a stall, or while the thread waited for a CPU, has not let the answer be read yet.
   */
  readonly timer?: (ms: number, onTimeout: () => void) => () => void;
  /** Injected for tests: a number in [0, 1) for jitter. */
  readonly random?: () => number;
  /** Connection reuse is opt-in: pass a keep-alive agent. Default: a fresh connection per request. */
  readonly agent?: http.Agent;
  /** Called before each request (attempt 1, 2, …); for logging and metrics. */
  readonly onAttempt?: (info: { readonly attempt: number; readonly method: string; readonly path: string }) => void;
  readonly contracts?: Contracts;
}

export interface CallInput {
  readonly params?: Readonly<Record<string, string>>;
  readonly query?: Readonly<Record<string, string>>;
  readonly body?: unknown;
}

interface RawResponse {
  readonly status: number;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: string;
}

const DEFAULTS = { timeoutMs: 30_000, maxRetries: 3, baseDelayMs: 200, maxDelayMs: 5_000, maxRateLimitWaitMs: 60_000 };

const realSleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

function header(headers: http.IncomingHttpHeaders, name: string): string | undefined {
  const v = headers[name];
  return Array.isArray(v) ? v[0] : v;
}

function count(v: string | undefined): number | undefined {
  if (v === undefined || !/^\d+$/.test(v.trim())) return undefined;
  return Number(v.trim());
}

function rateLimitOf(headers: http.IncomingHttpHeaders): RateLimitInfo | undefined {
  const info = {
    limit: count(header(headers, 'x-rate-limit-limit') ?? header(headers, 'x-rate-limit-quota')),
    remaining: count(header(headers, 'x-rate-limit-remaining')),
    resetSeconds: count(header(headers, 'x-rate-limit-reset')),
  };
  return Object.values(info).some((v) => v !== undefined) ? info : undefined;
}

function isJson(contentType: string | undefined): boolean {
  return contentType !== undefined && /\bjson\b/i.test(contentType);
}

/** Business code, message and msg_id of an envelope, nested ({error:{code,message}}) or flat ({code,message}). */
function envelopeOf(body: unknown): { code?: number; message?: string; msgId?: string } {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return {};
  const b = body as Record<string, unknown>;
  const inner = b.error !== null && typeof b.error === 'object' ? (b.error as Record<string, unknown>) : b;
  const code = typeof inner.code === 'number' ? inner.code : typeof inner.code === 'string' && /^\d+$/.test(inner.code) ? Number(inner.code) : undefined;
  const message = typeof inner.message === 'string' ? inner.message : undefined;
  const msgId = typeof b.msg_id === 'string' || typeof b.msg_id === 'number' ? String(b.msg_id) : undefined;
  return { code, message, msgId };
}

/**
 * A client for one API. Every call resolves with the parsed success body (undefined for an empty 200)
 * or rejects with a PushApiError.
 *
 * @example
 * const client = new PushClient({ api: 'jpush-v3', credentials: { appKey, masterSecret } });
 * const { cidlist } = await client.cid({ count: '1' });
 * await client.push({ platform: 'all', audience: 'all', notification: { alert: 'hi' }, cid: cidlist[0] });
 * @see docs/client.md
 */
export class PushClient<A extends ApiId = ApiId> {
  readonly api: A;
  private readonly options: PushClientOptions<A>;
  private readonly contracts: Contracts;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly random: () => number;
  private readonly retry: Required<RetryOptions>;
  private readonly timeoutMs: number;

  constructor(options: PushClientOptions<A>) {
    this.options = { ...options };
    this.api = options.api;
    this.contracts = options.contracts ?? getContracts();
    if (!this.contracts.apis[options.api]) throw new PushContractsError('PC_ERR_USAGE', `unknown api '${String(options.api)}'`);
    this.sleep = options.sleep ?? realSleep;
    this.random = options.random ?? Math.random;
    this.retry = { ...DEFAULTS, ...stripUndefined(options.retry ?? {}) } as Required<RetryOptions>;
    this.timeoutMs = options.timeoutMs ?? DEFAULTS.timeoutMs;
  }

  // ---- the catalogue's endpoints, by name

  /** POST push. Retried on 502/503/504 only if the payload carries a cid (v3); v4 pushes are never retried on 5xx. */
  push(payload: Record<string, unknown>): Promise<unknown> {
    return this.call('push' as EndpointId<A>, { body: payload });
  }

  validate(payload: Record<string, unknown>): Promise<unknown> {
    return this.call('push.validate' as EndpointId<A>, { body: payload });
  }

  /** GET cids that make a push idempotent (v3). */
  cid(query: { count?: string; type?: string } = {}): Promise<unknown> {
    return this.call('push.cid' as EndpointId<A>, { query: query as Record<string, string> });
  }

  /** GET the vendor channels' quotas (v3 /v3/push/quota). */
  getQuota(): Promise<unknown> {
    return this.call('push.quota' as EndpointId<A>, {});
  }

  /** POST a push with a portal template (v3, VIP only); its errors come in the flat {code, message} envelope. Never retried on 5xx: it sends. */
  templatePush(body: { id: string; params: ReadonlyArray<Record<string, unknown>> }): Promise<unknown> {
    return this.call('push.template' as EndpointId<A>, { body });
  }

  /** POST scheduled pushes with a portal template (v3, VIP only): one schedule per entry of params; errors as templatePush. Never retried on 5xx: it creates schedules. */
  templateSchedule(body: { id: string; schedule_name: string; trigger: Record<string, unknown>; params: ReadonlyArray<Record<string, unknown>> }): Promise<unknown> {
    return this.call('push.template-schedule' as EndpointId<A>, { body });
  }

  /** POST a notification image for the vendor channels by URL (v3 /v3/images/byurls); answers its media_id. Never retried on 5xx: each call registers a new image. */
  addImageByUrl(body: Record<string, unknown>): Promise<unknown> {
    return this.call('images.add-by-url' as EndpointId<A>, { body });
  }

  /** PUT new channel URLs for a registered image (v3 /v3/images/byurls/{media_id}). */
  updateImageByUrl(mediaId: string, body: Record<string, unknown>): Promise<unknown> {
    return this.call('images.update-by-url' as EndpointId<A>, { params: { media_id: mediaId }, body });
  }

  /** POST a push to the devices of an uploaded file (v3 /v3/push/file); retried on 502/503/504 only with a cid, like push. */
  pushToFile(payload: Record<string, unknown>): Promise<unknown> {
    return this.call('push.file' as EndpointId<A>, { body: payload });
  }

  /**
   * POST a batch single push (v3 `{pushlist: {<cid>: {platform, target, …}}}`, v4 `{requests: [{target, …}]}`),
   * each item to one registration id. Resolves with the 200 even when items failed: read them with
   * itemFailuresOf. Never resent on 5xx (items carry no cid the server deduplicates).
   */
  batchPushByRegid(body: Record<string, unknown>): Promise<unknown> {
    return this.call('push.batch-regid' as EndpointId<A>, { body });
  }

  /** POST a batch single push, each item to one alias; see batchPushByRegid. */
  batchPushByAlias(body: Record<string, unknown>): Promise<unknown> {
    return this.call('push.batch-alias' as EndpointId<A>, { body });
  }

  /** POST a group push with the group's credentials (groupCredentials); each app of the group is one item of the 200. */
  groupPush(payload: Record<string, unknown>): Promise<unknown> {
    return this.call('push.group' as EndpointId<A>, { body: payload });
  }

  withdraw(msgId: string): Promise<unknown> {
    return this.call('push.withdraw' as EndpointId<A>, { params: { msg_id: msgId } });
  }

  reportReceived(query: { msg_ids: string }): Promise<unknown> {
    return this.call('report.received' as EndpointId<A>, { query });
  }

  reportMessages(query: { msg_ids: string }): Promise<unknown> {
    return this.call('report.messages' as EndpointId<A>, { query });
  }

  reportStatusMessage(body: Record<string, unknown>): Promise<unknown> {
    return this.call('report.status-message' as EndpointId<A>, { body });
  }

  getDevice(registrationId: string): Promise<unknown> {
    return this.call('device.get' as EndpointId<A>, { params: { registration_id: registrationId } });
  }

  updateDevice(registrationId: string, body: Record<string, unknown>): Promise<unknown> {
    return this.call('device.update' as EndpointId<A>, { params: { registration_id: registrationId }, body });
  }

  deleteDevice(registrationId: string): Promise<unknown> {
    return this.call('device.delete' as EndpointId<A>, { params: { registration_id: registrationId } });
  }

  listTags(): Promise<unknown> {
    return this.call('tags.list' as EndpointId<A>, {});
  }

  updateTag(tag: string, body: Record<string, unknown>): Promise<unknown> {
    return this.call('tags.update' as EndpointId<A>, { params: { tag }, body });
  }

  getAlias(alias: string, query?: { platform?: string }): Promise<unknown> {
    return this.call('aliases.get' as EndpointId<A>, { params: { alias }, query: query as Record<string, string> | undefined });
  }

  deleteAlias(alias: string, query?: { platform?: string }): Promise<unknown> {
    return this.call('aliases.delete' as EndpointId<A>, { params: { alias }, query: query as Record<string, string> | undefined });
  }

  createSchedule(body: Record<string, unknown>): Promise<unknown> {
    return this.call('schedules.create' as EndpointId<A>, { body });
  }

  listSchedules(query?: { page?: string }): Promise<unknown> {
    return this.call('schedules.list' as EndpointId<A>, { query: query as Record<string, string> | undefined });
  }

  getSchedule(scheduleId: string): Promise<unknown> {
    return this.call('schedules.get' as EndpointId<A>, { params: { schedule_id: scheduleId } });
  }

  updateSchedule(scheduleId: string, body: Record<string, unknown>): Promise<unknown> {
    return this.call('schedules.update' as EndpointId<A>, { params: { schedule_id: scheduleId }, body });
  }

  deleteSchedule(scheduleId: string): Promise<unknown> {
    return this.call('schedules.delete' as EndpointId<A>, { params: { schedule_id: scheduleId } });
  }

  reportReceivedDetail(query: { msg_ids: string }): Promise<unknown> {
    return this.call('report.received-detail' as EndpointId<A>, { query });
  }

  reportMessagesDetail(query: { msg_ids: string }): Promise<unknown> {
    return this.call('report.messages-detail' as EndpointId<A>, { query });
  }

  /** GET user statistics (v3 /v3/users, v4 /v4/status/users). */
  reportUsers(query: { time_unit: string; start: string; duration: string }): Promise<unknown> {
    return this.call('report.users' as EndpointId<A>, { query });
  }

  /** GET the statistics of up to 10 group pushes (v3, group credentials: groupCredentials). */
  reportGroupMessagesDetail(query: { group_msgids: string }): Promise<unknown> {
    return this.call('report.group-messages-detail' as EndpointId<A>, { query });
  }

  /** GET a whole app group's user statistics (v3, group credentials); the query is reportUsers'. */
  reportGroupUsers(query: { time_unit: string; start: string; duration: string }): Promise<unknown> {
    return this.call('report.group-users' as EndpointId<A>, { query });
  }

  /** GET message statistics by message id (v4). */
  reportStatusDetail(query: { message_ids: string }): Promise<unknown> {
    return this.call('report.status-detail' as EndpointId<A>, { query });
  }

  /** GET the lifecycle of a message per registration id (v4; on v3 the same id is POST /v3/status/message, see reportStatusMessage). */
  reportMessageLifecycle(query: { message_id: string; registration_ids: string }): Promise<unknown> {
    return this.call('report.status-message' as EndpointId<A>, { query });
  }

  getDeviceStatus(body: { registration_ids: string[] }): Promise<unknown> {
    return this.call('device.status' as EndpointId<A>, { body });
  }

  /** GET whether a device carries a tag. */
  isDeviceInTag(tag: string, registrationId: string): Promise<unknown> {
    return this.call('tags.has-device' as EndpointId<A>, { params: { tag, registration_id: registrationId } });
  }

  deleteTag(tag: string, query?: { platform?: string }): Promise<unknown> {
    return this.call('tags.delete' as EndpointId<A>, { params: { tag }, query: query as Record<string, string> | undefined });
  }

  /** GET devices per tag (v4). */
  countTags(query: { tags: string; platform?: string }): Promise<unknown> {
    return this.call('tags.count' as EndpointId<A>, { query });
  }

  /** GET tag and alias quotas (v4). */
  getTagQuota(query: { tags?: string; platform?: string } = {}): Promise<unknown> {
    return this.call('tags.quota' as EndpointId<A>, { query: query as Record<string, string> });
  }

  /** POST registration ids to unbind from an alias (v3). */
  removeAliasDevices(alias: string, body: Record<string, unknown>): Promise<unknown> {
    return this.call('aliases.remove-devices' as EndpointId<A>, { params: { alias }, body });
  }

  getScheduleMsgIds(scheduleId: string): Promise<unknown> {
    return this.call('schedules.msg-ids' as EndpointId<A>, { params: { schedule_id: scheduleId } });
  }

  /** POST a push plan, created or updated by plan_id (v4). */
  upsertPushPlan(body: { plan_id: string; plan_description: string }): Promise<unknown> {
    return this.call('plans.upsert' as EndpointId<A>, { body });
  }

  listPushPlans(query: { page_index: string; page_size: string; send_source?: string; search_description?: string }): Promise<unknown> {
    return this.call('plans.list' as EndpointId<A>, { query });
  }

  deletePushPlan(planId: string): Promise<unknown> {
    return this.call('plans.delete' as EndpointId<A>, { params: { plan_id: planId } });
  }

  /** GET message ids sent under push plans in a date range (v4). */
  getPushPlanMessages(query: { plan_ids: string; start_date: string; end_date: string }): Promise<unknown> {
    return this.call('plans.messages' as EndpointId<A>, { query });
  }

  // ---- generic

  /** Calls any catalogued endpoint of this API by id. */
  async call(endpointId: EndpointId<A>, input: CallInput = {}): Promise<unknown> {
    const endpoint = this.contracts.endpoint(this.api, endpointId);
    const path = fillPath(endpoint.path, input.params ?? {});
    const body = input.body as Record<string, unknown> | undefined;
    // A sending call without a cid may have reached the dispatcher before the gateway failed: never resend it.
    const idempotent = !endpoint.sends || (body !== undefined && typeof body === 'object' && typeof body.cid === 'string' && body.cid !== '');
    return this.send(endpoint.method, path, { query: input.query, body: input.body, family: endpoint.family, idempotent, endpoint });
  }

  /**
   * Sends a request to any path of this API (retired endpoints included) with the client's credentials
   * and retry policy. `family` picks the host; default: the family of the route, or the API's first.
   */
  async send(
    method: string,
    path: string,
    opts: { query?: Readonly<Record<string, string>>; body?: unknown; family?: string; idempotent?: boolean; endpoint?: Endpoint } = {},
  ): Promise<unknown> {
    const family = opts.family ?? this.familyOf(method, path);
    const idempotent = opts.idempotent ?? true;
    const search = opts.query && Object.keys(opts.query).length > 0 ? '?' + new URLSearchParams(opts.query as Record<string, string>).toString() : '';
    const url = new URL(path + search, this.originOf(family));
    let attempt = 0;
    for (;;) {
      attempt++;
      this.options.onAttempt?.({ attempt, method, path });
      let outcome: RawResponse | PushApiError;
      try {
        outcome = await this.once(method, url, opts.body, opts.endpoint?.auth === 'group' ? 'group' : 'app');
      } catch (err) {
        if (!(err instanceof PushApiError)) throw err;
        outcome = new PushApiError({ ...err.fields(), retryAdvised: idempotent, attempts: attempt });
      }
      if (!(outcome instanceof PushApiError) && outcome.status >= 200 && outcome.status < 300) {
        return this.successBody(outcome, method, path, attempt);
      }
      const error = outcome instanceof PushApiError ? outcome : this.httpError(outcome, method, path, attempt, idempotent);
      const wait = this.retryDelay(error, attempt, idempotent);
      if (wait === undefined) throw error;
      await this.sleep(wait);
    }
  }

  /** ms to wait before the next attempt, or undefined to stop and throw. */
  private retryDelay(error: PushApiError, attempt: number, idempotent: boolean): number | undefined {
    if (attempt > this.retry.maxRetries || !error.retryAdvised) return undefined;
    if (error.kind === 'http' && error.status !== undefined) {
      const advice = this.contracts.status(error.status)?.retry;
      if (advice === 'after-rate-limit-reset') {
        return error.retryAfterMs !== undefined && error.retryAfterMs <= this.retry.maxRateLimitWaitMs ? error.retryAfterMs : undefined;
      }
      if (advice !== 'backoff' || !idempotent) return undefined;
    } else if (error.kind === 'invalid-response' || !idempotent) {
      return undefined;
    }
    const exp = Math.min(this.retry.maxDelayMs, this.retry.baseDelayMs * 2 ** (attempt - 1));
    // Equal jitter: at least half the backoff, so retries of many clients spread without collapsing to 0.
    return Math.round(exp / 2 + this.random() * (exp / 2));
  }

  private httpError(res: RawResponse, method: string, path: string, attempts: number, idempotent: boolean): PushApiError {
    const contentType = header(res.headers, 'content-type');
    const rateLimit = rateLimitOf(res.headers);
    let parsed: unknown;
    let jsonOk = false;
    if (isJson(contentType) || /^\s*[{[]/.test(res.body)) {
      try {
        parsed = JSON.parse(res.body);
        jsonOk = true;
      } catch {
        jsonOk = false;
      }
    }
    const env = jsonOk ? envelopeOf(parsed) : {};
    const entry = this.contracts.status(res.status);
    const advice = entry?.retry ?? 'never';
    let retryAdvised = false;
    let retryAfterMs: number | undefined;
    if (advice === 'after-rate-limit-reset') {
      retryAdvised = true;
      if (rateLimit?.resetSeconds !== undefined) retryAfterMs = rateLimit.resetSeconds * 1000;
    } else if (advice === 'backoff') {
      retryAdvised = idempotent;
    }
    const reason = entry?.reason ?? http.STATUS_CODES[res.status] ?? 'Unknown';
    const message = env.message ?? (jsonOk ? `HTTP ${res.status} ${reason}` : `HTTP ${res.status} ${reason} (non-JSON body${contentType ? `: ${contentType}` : ''})`);
    return new PushApiError({
      kind: 'http',
      status: res.status,
      code: env.code,
      message,
      msgId: env.msgId,
      rateLimit,
      retryAdvised,
      retryAfterMs,
      contentType,
      bodySnippet: env.code === undefined && res.body ? res.body.slice(0, 200) : undefined,
      attempts,
      method,
      path,
    });
  }

  private successBody(res: RawResponse, method: string, path: string, attempts: number): unknown {
    if (res.body.trim() === '') return undefined;
    try {
      return JSON.parse(res.body);
    } catch {
      throw new PushApiError({
        kind: 'invalid-response', status: res.status, message: `HTTP ${res.status} with a body that is not JSON`,
        contentType: header(res.headers, 'content-type'), bodySnippet: res.body.slice(0, 200), retryAdvised: false, attempts, method, path,
      });
    }
  }

  private once(method: string, url: URL, body: unknown, auth: 'app' | 'group'): Promise<RawResponse> {
    const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
    const headers: Record<string, string> = { Accept: 'application/json', 'User-Agent': 'push-contracts-reference-client' };
    const { credentials, groupCredentials } = this.options;
    if (auth === 'group' ? groupCredentials : credentials) {
      headers.Authorization = auth === 'group' ? groupBasicAuth(groupCredentials as GroupCredentials) : basicAuth(credentials as Credentials);
    }
    if (payload) {
      headers['Content-Type'] = 'application/json';
      headers['Content-Length'] = String(payload.length);
    }
    const lib = url.protocol === 'https:' ? https : http;
    const pathOnly = url.pathname;
    return new Promise((resolve, reject) => {
      let settled = false;
      const fail = (kind: 'timeout' | 'network', message: string): void => {
        if (settled) return;
        settled = true;
        cancelTimer();
        reject(new PushApiError({ kind, message, retryAdvised: true, attempts: 1, method, path: pathOnly }));
      };
      const req = lib.request(url, { method, headers, agent: this.options.agent ?? false }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          if (settled) return;
          settled = true;
          cancelTimer();
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') });
        });
        res.on('error', (err) => fail('network', `response aborted: ${err.message}`));
      });
      const cancelTimer = (this.options.timer ?? patientTimeout)(this.timeoutMs, () => {
        fail('timeout', `no complete answer within ${this.timeoutMs} ms`);
        req.destroy();
      });
      req.on('error', (err: NodeJS.ErrnoException) => fail('network', `${err.code ?? 'network error'}: ${err.message}`));
      if (payload) req.write(payload);
      req.end();
    });
  }

  private originOf(family: string): string {
    const explicit = this.options.hosts?.[family] ?? this.options.baseUrl;
    if (explicit) return explicit;
    const fam = this.contracts.family(this.api, family);
    if (!fam) throw new PushContractsError('PC_ERR_USAGE', `${this.api} has no family '${family}'`);
    return fam.host;
  }

  private familyOf(method: string, path: string): string {
    const match = this.contracts.resolve(method, path);
    if (match.kind === 'endpoint') return match.endpoint.family;
    if (match.kind === 'method-not-allowed') return match.family;
    if (match.kind === 'retired') return match.retired.family;
    return Object.keys(this.contracts.apis[this.api].families)[0];
  }
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** One failed item of a batch or group push answer. */
export interface ItemFailure {
  /** The item's key: the cid (v3 batch), the target (v4 batch) or the appKey (group push). */
  readonly item: string;
  readonly code?: number;
  readonly message?: string;
}

/**
 * The items a batch or group push answered as failed inside its 200 (each with its own error envelope),
 * read where the catalogue says the items are. [] for an endpoint without per-item results.
 *
 * @example
 * const answer = await client.batchPushByRegid(body);
 * for (const f of itemFailuresOf('jpush-v3', 'push.batch-regid', answer)) log(f.item, f.code);
 */
export function itemFailuresOf(api: ApiId, endpointId: string, body: unknown, contracts: Contracts = getContracts()): ItemFailure[] {
  const spec = contracts.endpoint(api, endpointId).itemResults;
  if (!spec) return [];
  let node: unknown = body;
  for (const seg of spec.at.split('/').slice(1)) node = node !== null && typeof node === 'object' ? (node as Record<string, unknown>)[seg] : undefined;
  if (node === null || typeof node !== 'object') return [];
  const out: ItemFailure[] = [];
  for (const [item, value] of Object.entries(node as Record<string, unknown>)) {
    if (spec.skip.includes(item) || value === null || typeof value !== 'object' || !('error' in value)) continue;
    const { code, message } = envelopeOf(value);
    out.push({ item, code, message });
  }
  return out;
}
