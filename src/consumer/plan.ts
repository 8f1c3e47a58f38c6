/**
 * Plans one interaction of the catalogue: which request elicits a status at an endpoint, which provider
 * states it needs and what the provider answers. Pure data (Pact matcher templates included), so the
 * builder, the resilience matrix and the benchmark all share one source of truth, and the plan can be
 * inspected in a test without starting a mock server.
 */
import { matchersV3 } from '../matchers/pact-matchers';
import type { TemplateHeaders } from '@pact-foundation/pact/src/v3/types';
import { fillPath, getContracts, type Contracts } from '../contracts';
import { applyBadRequest, conditionState, exampleRequest } from '../contracts/requests';
import type {
  ApiId, BusinessCode, CauseId, Endpoint, EndpointAuth, HttpMethod, RetiredEndpoint, StateRef, StatusCode,
} from '../contracts';
import {
  BASIC_AUTH_PATTERN, PLACEHOLDER_CREDENTIALS, PLACEHOLDER_GROUP_CREDENTIALS, WRONG_CREDENTIALS, WRONG_GROUP_CREDENTIALS, basicAuth, groupBasicAuth,
  type Credentials, type GroupCredentials,
} from '../credentials';
import { PushContractsError } from '../errors';
import { deriveMatcher, errorEnvelopeMatcher, rateLimitHeadersMatcher, successBodyMatcher, type MatcherTemplate } from '../matchers';

/** Which credentials the request of an interaction carries. */
export type CredentialKind = 'valid' | 'wrong' | 'none';

/** The concrete request a consumer test sends to the mock server to play the interaction. */
export interface RequestExample {
  readonly method: HttpMethod;
  /** Filled path, e.g. /v3/devices/1a0018970a1b2c3d4e5. */
  readonly path: string;
  /** Path parameters by name (empty for retired endpoints and paths without parameters). */
  readonly params: Readonly<Record<string, string>>;
  readonly query?: Readonly<Record<string, string>>;
  readonly body?: unknown;
  /**
   * `valid`: any Basic credentials (the pact carries a regex around a placeholder); `wrong`: exactly
   * WRONG_CREDENTIALS; `none`: no Authorization header.
   */
  readonly credentials: CredentialKind;
}

export interface InteractionPlan {
  readonly api: ApiId;
  /** Endpoint id, or the retired endpoint's id for a 410. */
  readonly endpoint: string;
  readonly retired: boolean;
  readonly status: StatusCode;
  /** The cause (causes.json) the interaction elicits; undefined for a 200. */
  readonly cause?: string;
  /** The business code the error envelope carries; undefined for a 200. */
  readonly businessCode?: BusinessCode;
  readonly description: string;
  readonly states: readonly StateRef[];
  readonly request: {
    readonly method: HttpMethod;
    readonly path: string;
    readonly query?: Readonly<Record<string, string>>;
    readonly headers: TemplateHeaders;
    readonly body?: unknown;
  };
  readonly response: {
    readonly status: StatusCode;
    readonly headers?: TemplateHeaders;
    readonly body?: MatcherTemplate;
  };
  readonly example: RequestExample;
}

/** Values that replace the catalogue's example request before a mutation is applied. */
export interface RequestOverrides {
  readonly params?: Readonly<Record<string, string>>;
  readonly query?: Readonly<Record<string, string>>;
  readonly body?: unknown;
}

export interface InteractionOptions {
  /**
   * The cause to elicit, when a status has several (400: any badRequest cause of the endpoint; 401:
   * auth.failed or auth.missing; 403: app.blacklisted, app.ip-not-whitelisted, app.not-vip on VIP-only
   * endpoints). Defaults to the first the endpoint allows, in causes.json order (400: catalogue order).
   */
  readonly cause?: CauseId;
  /** Overrides the generated description ("jpush-v3 push: 401 auth.failed"). */
  readonly description?: string;
  /** Replaces parts of the example request (the mutation of a 400 still applies on top). */
  readonly request?: RequestOverrides;
  /** Adds the rate-limit header matchers to the response of any status; a 429 always has them. */
  readonly rateLimitHeaders?: boolean;
  readonly contracts?: Contracts;
}

/** What an (endpoint, status) combination can be elicited by, in preference order. */
export interface ElicitableCause {
  readonly cause: CauseId;
  readonly code: BusinessCode;
}

// Tried in this order when a 405 needs a method the path does not support.
const METHOD_ORDER: readonly HttpMethod[] = ['GET', 'POST', 'PUT', 'DELETE', 'PATCH'];

const validAuthorization = (auth: EndpointAuth): unknown =>
  matchersV3().regex(BASIC_AUTH_PATTERN, auth === 'group' ? groupBasicAuth(PLACEHOLDER_GROUP_CREDENTIALS) : basicAuth(PLACEHOLDER_CREDENTIALS));

function notCatalogued(message: string, context: Record<string, unknown> = {}): PushContractsError {
  return new PushContractsError('PC_ERR_NOT_CATALOGUED', message, context);
}

function clone<T>(value: T): T {
  return value === undefined ? value : (JSON.parse(JSON.stringify(value)) as T);
}

function methodNotAllowed(contracts: Contracts, path: string): HttpMethod | undefined {
  return METHOD_ORDER.find((m) => contracts.resolve(m, path).kind === 'method-not-allowed');
}

/**
 * The causes that make an endpoint answer a status, each with the business code the endpoint's family
 * answers it with, in causes.json order (badRequests in catalogue order for request causes).
 * Request bodies that are not JSON are left out: Pact cannot carry them in an application/json pact.
 */
export function elicitableCauses(api: ApiId, endpointId: string, status: number, contracts: Contracts = getContracts()): ElicitableCause[] {
  const endpoint = contracts.endpoint(api, endpointId);
  const out: ElicitableCause[] = [];
  const seen = new Set<string>();
  const add = (cause: CauseId): void => {
    if (seen.has(cause)) return;
    const code = contracts.codeFor(api, endpoint.family, cause);
    if (code && code.status === status) {
      seen.add(cause);
      out.push({ cause, code });
    }
  };
  for (const bad of endpoint.elicit.badRequests) if (bad.raw === undefined) add(bad.cause as CauseId);
  for (const cause of contracts.causes) {
    // contracts/causes.json is the source of the CauseId union (generated), so its ids are CauseIds.
    const c = { ...cause, id: cause.id as CauseId };
    switch (c.elicitedBy) {
      case 'request':
        if (c.id === 'resource.not-found' && endpoint.elicit.notFound) add(c.id);
        break;
      case 'credentials':
        add(c.id);
        break;
      case 'state':
        if (conditionState(contracts, endpoint, c.id) && (c.id !== 'app.not-vip' || endpoint.vipOnly)) add(c.id);
        break;
      case 'method':
        if (methodNotAllowed(contracts, fillPath(endpoint.path, exampleRequest(contracts, endpoint).params))) add(c.id);
        break;
      case 'path':
        // path.not-found addresses no endpoint; api.retired belongs to retired endpoints (planRetired).
        break;
      default:
        c.elicitedBy satisfies never;
    }
  }
  return out;
}

function describe(api: ApiId, endpoint: string, status: number, cause: string | undefined): string {
  return `${api} ${endpoint}: ${status} ${cause ?? 'success'}`;
}

/**
 * The error body matcher of an answer: in the envelope of the endpoint the request lands on (template push
 * has its own), or the API's where it lands on none (a wrong method, a retired path), as the audit reads it.
 */
function errorResponse(contracts: Contracts, api: ApiId, code: BusinessCode, method: string, path: string): MatcherTemplate {
  const route = contracts.resolve(method, path);
  const envelope = route.kind === 'endpoint' ? route.endpoint.errorEnvelope : undefined;
  return errorEnvelopeMatcher(api, { code: code.code, message: code.message, envelope, contracts });
}

function rateHeaders(contracts: Contracts, api: ApiId, family: string): TemplateHeaders {
  const limit = contracts.family(api, family).rateLimit;
  return rateLimitHeadersMatcher(
    { 'x-rate-limit-limit': String(limit.limit), 'x-rate-limit-remaining': '0', 'x-rate-limit-reset': String(limit.windowSeconds) },
    contracts,
  );
}

/** The Authorization of a request: the app's credentials, or the group's (`group-<GroupKey>`) on group push. */
function authHeaders(credentials: CredentialKind, auth: EndpointAuth = 'app'): TemplateHeaders {
  switch (credentials) {
    case 'valid':
      return { Authorization: validAuthorization(auth) as string };
    case 'wrong':
      return { Authorization: auth === 'group' ? groupBasicAuth(WRONG_GROUP_CREDENTIALS) : basicAuth(WRONG_CREDENTIALS) };
    case 'none':
      return {};
    default:
      return credentials satisfies never;
  }
}

/** Credentials a consumer test configures its client with to play a request example. */
export function credentialsFor(kind: CredentialKind): Credentials | undefined {
  return kind === 'valid' ? PLACEHOLDER_CREDENTIALS : kind === 'wrong' ? WRONG_CREDENTIALS : undefined;
}

/** Group credentials a consumer test configures its client with to play a group push example. */
export function groupCredentialsFor(kind: CredentialKind): GroupCredentials | undefined {
  return kind === 'valid' ? PLACEHOLDER_GROUP_CREDENTIALS : kind === 'wrong' ? WRONG_GROUP_CREDENTIALS : undefined;
}

/**
 * Plans the interaction that makes an endpoint answer a status. Throws PC_ERR_NOT_CATALOGUED when the
 * catalogue does not allow the status at the endpoint or has no way to elicit the chosen cause.
 *
 * @example
 * const plan = planInteraction('jpush-v3', 'push', 401);
 * plan.description // 'jpush-v3 push: 401 auth.failed'
 * @see docs/consumer.md
 */
export function planInteraction(api: ApiId, endpointId: string, status: number, options: InteractionOptions = {}): InteractionPlan {
  const contracts = options.contracts ?? getContracts();
  const endpoint = contracts.endpoint(api, endpointId);
  if (!endpoint.statuses.includes(status as StatusCode)) {
    throw notCatalogued(`${api} ${endpointId} cannot answer ${status}; the catalogue allows ${endpoint.statuses.join(', ')}`, { api, endpoint: endpointId, status });
  }
  const code = status as StatusCode;

  const example = exampleRequest(contracts, endpoint);
  let params: Record<string, string> = { ...example.params, ...options.request?.params };
  let query: Record<string, string> | undefined = options.request?.query ?? example.query;
  let body = options.request && 'body' in options.request ? clone(options.request.body) : example.body?.kind === 'json' ? example.body.value : undefined;
  if (query && Object.keys(query).length === 0) query = undefined;
  let method = endpoint.method;
  let credentials: CredentialKind = 'valid';
  const states: StateRef[] = [];
  const successState = endpoint.elicit.success?.state;

  let cause: ElicitableCause | undefined;
  if (contracts.status(code)?.class !== 'success') {
    const candidates = elicitableCauses(api, endpointId, code, contracts);
    cause = options.cause === undefined ? candidates[0] : candidates.find((c) => c.cause === options.cause);
    if (!cause) {
      const allowed = candidates.map((c) => c.cause).join(', ') || 'none';
      throw notCatalogued(
        `${api} ${endpointId}: no way to elicit ${status}${options.cause ? ` with cause ${options.cause}` : ''}; elicitable causes: ${allowed}`,
        { api, endpoint: endpointId, status, cause: options.cause },
      );
    }
  } else if (options.cause !== undefined) {
    throw notCatalogued(`${api} ${endpointId}: a ${status} has no cause (got ${options.cause})`, { api, endpoint: endpointId, status });
  }

  const c = cause?.cause;
  const elicitedBy = c === undefined ? undefined : contracts.cause(c)?.elicitedBy;
  // Resource states stay on error interactions so a provider that checks existence before the
  // failing condition still answers the status under test.
  if (successState && c !== 'resource.not-found') states.push(successState);
  switch (elicitedBy) {
    case undefined:
      break;
    case 'request':
      if (c === 'resource.not-found') {
        params = { ...params, ...endpoint.elicit.notFound };
      } else {
        const bad = endpoint.elicit.badRequests.find((b) => b.cause === c && b.raw === undefined);
        if (!bad) throw notCatalogued(`${api} ${endpointId}: no JSON mutation elicits ${c}`);
        const mutated = applyBadRequest({ params, query, body: body === undefined ? undefined : { kind: 'json', value: body } }, bad);
        params = mutated.params;
        query = mutated.query && Object.keys(mutated.query).length > 0 ? mutated.query : undefined;
        if (mutated.body?.kind === 'json') body = mutated.body.value;
      }
      break;
    case 'credentials':
      credentials = c === 'auth.missing' ? 'none' : 'wrong';
      break;
    case 'state': {
      const state = conditionState(contracts, endpoint, c as string);
      if (state) states.push(state);
      break;
    }
    case 'method': {
      const other = methodNotAllowed(contracts, fillPath(endpoint.path, params));
      if (!other) throw notCatalogued(`${api} ${endpointId}: every method is allowed on ${endpoint.path}`);
      method = other;
      // The provider refuses the method before it reads the request; a body or query would only add noise.
      query = undefined;
      body = undefined;
      break;
    }
    case 'path':
      break;
    default:
      elicitedBy satisfies never;
  }

  const path = fillPath(endpoint.path, params);
  const headers: Record<string, unknown> = { ...authHeaders(credentials, endpoint.auth) };
  const responseHeaders =
    code === statusOfCause(contracts, api, endpoint.family, 'rate.exceeded') || options.rateLimitHeaders
      ? rateHeaders(contracts, api, endpoint.family)
      : undefined;
  let responseBody: MatcherTemplate | undefined;
  if (cause) responseBody = errorResponse(contracts, api, cause.code, method, path);
  else if (endpoint.success !== 'empty') responseBody = successBodyMatcher(api, endpointId, undefined, contracts);

  return {
    api,
    endpoint: endpointId,
    retired: false,
    status: code,
    cause: c,
    businessCode: cause?.code,
    description: options.description ?? describe(api, endpointId, code, c),
    states,
    request: { method, path, query, headers: headers as TemplateHeaders, body },
    response: { status: code, headers: responseHeaders, body: responseBody },
    example: { method, path, params, query, body: clone(body), credentials },
  };
}

/**
 * Plans a batch or group push that succeeds for one item and fails for another, in one 200 (endpoints
 * with itemResults): the request is the second example of the endpoint's request schema (one item to
 * the device of the success state, one to a target no device has), the response the second example of
 * its success schema, each item matched by its own schema and the failed item's business code by
 * equality: the code contracts/ gives the family for request.no-target.
 *
 * @example
 * planItemResults('jpush-v3', 'push.batch-regid').description // 'jpush-v3 push.batch-regid: 200 success (one good and one bad item)'
 * @see docs/consumer.md
 */
export function planItemResults(api: ApiId, endpointId: string, options: Pick<InteractionOptions, 'description' | 'contracts'> = {}): InteractionPlan {
  const contracts = options.contracts ?? getContracts();
  const endpoint = contracts.endpoint(api, endpointId);
  const spec = endpoint.itemResults;
  const requestExample = endpoint.request.body ? (contracts.schema(endpoint.request.body).examples as unknown[] | undefined)?.[1] : undefined;
  // The answer to that request: the success example whose items are all named in it (cids, targets) and one of which failed.
  const named = new Set<string>();
  const collect = (v: unknown): void => {
    if (typeof v === 'string') named.add(v);
    else if (v !== null && typeof v === 'object') for (const [k, x] of Object.entries(v)) (named.add(k), collect(x));
  };
  collect(requestExample);
  const itemsOf = (example: unknown): Record<string, unknown> | undefined => {
    let node = example;
    for (const seg of (spec?.at ?? '').split('/').slice(1)) node = node !== null && typeof node === 'object' ? (node as Record<string, unknown>)[seg] : undefined;
    return node !== null && typeof node === 'object' ? (node as Record<string, unknown>) : undefined;
  };
  const successExamples = endpoint.success !== 'empty' ? ((contracts.schema(endpoint.success).examples as unknown[] | undefined) ?? []) : [];
  const responseExample = clone(successExamples.find((ex) => {
    const items = Object.entries(itemsOf(ex) ?? {}).filter(([k]) => !spec?.skip.includes(k));
    return items.length >= 2 && items.every(([k]) => named.has(k)) && items.some(([, v]) => v !== null && typeof v === 'object' && 'error' in v);
  }));
  if (!spec || requestExample === undefined || responseExample === undefined) {
    throw notCatalogued(`${api} ${endpointId} has no per-item results with a two-item example (itemResults, second request and success examples)`, { api, endpoint: endpointId });
  }
  if (endpoint.auth === 'group') {
    throw notCatalogued(`${api} ${endpointId}: a group push's apps fail by their own state (a blacklisted app), not by a target in the request`, { api, endpoint: endpointId });
  }
  const code = contracts.codeFor(api, endpoint.family, 'request.no-target');
  if (!code) throw notCatalogued(`${api} ${endpoint.family}: no business code for request.no-target`);
  const failed = Object.entries(itemsOf(responseExample) as Record<string, Record<string, unknown>>).filter(([k, v]) => !spec.skip.includes(k) && v !== null && typeof v === 'object' && 'error' in v);
  for (const [, item] of failed) item.error = { code: code.code, message: code.message };
  const body = deriveMatcher(endpoint.success, responseExample, {
    contracts,
    equal: failed.map(([k]) => `${spec.at}/${k.replace(/~/g, '~0').replace(/\//g, '~1')}/error/code`),
    keyedMaps: [spec.at],
  }).matcher;
  const base = planInteraction(api, endpointId, 200, { contracts, request: { body: requestExample } });
  return {
    ...base,
    description: options.description ?? `${base.description} (one good and one bad item)`,
    response: { ...base.response, body },
  };
}

function statusOfCause(contracts: Contracts, api: ApiId, family: string, cause: string): number | undefined {
  return contracts.codeFor(api, family, cause)?.status;
}

/**
 * Plans the interaction with a retired endpoint (contracts.apis[api].retired): valid credentials, the
 * API's envelope with the family's code for api.retired.
 *
 * @example
 * planRetired('jpush-v3', 'v2.push').response.status // 410
 * @see docs/consumer.md
 */
export function planRetired(api: ApiId, retiredId: string, options: Pick<InteractionOptions, 'description' | 'contracts'> = {}): InteractionPlan {
  const contracts = options.contracts ?? getContracts();
  const retired: RetiredEndpoint | undefined = contracts.apis[api].retired.find((r) => r.id === retiredId);
  if (!retired) {
    const known = contracts.apis[api].retired.map((r) => r.id).join(', ') || 'none';
    throw notCatalogued(`${api} has no retired endpoint '${retiredId}'; retired: ${known}`, { api, endpoint: retiredId });
  }
  const cause = 'api.retired';
  const code = contracts.codeFor(api, retired.family, cause);
  if (!code || !contracts.isCatalogued(code.status)) throw notCatalogued(`${api} ${retired.family}: no business code for ${cause}`);
  return {
    api,
    endpoint: retiredId,
    retired: true,
    status: code.status,
    cause,
    businessCode: code,
    description: options.description ?? describe(api, retiredId, code.status, cause),
    states: [],
    request: { method: retired.method, path: retired.path, headers: authHeaders('valid') },
    response: { status: code.status, body: errorResponse(contracts, api, code, retired.method, retired.path) },
    example: { method: retired.method, path: retired.path, params: {}, credentials: 'valid' },
  };
}

/** One (endpoint, status) cell of an API's catalogue, retired endpoints included. */
export interface CatalogueCell {
  readonly api: ApiId;
  readonly endpoint: string;
  readonly status: StatusCode;
  readonly retired: boolean;
}

/** Every (endpoint, status) the catalogue allows for an API, then every retired endpoint with its 410. */
export function catalogueCells(api: ApiId, contracts: Contracts = getContracts()): CatalogueCell[] {
  const cells: CatalogueCell[] = [];
  for (const e of contracts.endpoints(api)) {
    for (const status of e.statuses) cells.push({ api, endpoint: e.id, status, retired: false });
  }
  for (const r of contracts.apis[api].retired) {
    const code = contracts.codeFor(api, r.family, 'api.retired');
    if (code && contracts.isCatalogued(code.status)) cells.push({ api, endpoint: r.id, status: code.status, retired: true });
  }
  return cells;
}

/** Plans a cell: planInteraction for endpoints, planRetired for retired ones. */
export function planCell(cell: CatalogueCell, options: InteractionOptions = {}): InteractionPlan {
  return cell.retired ? planRetired(cell.api, cell.endpoint, options) : planInteraction(cell.api, cell.endpoint, cell.status, options);
}
