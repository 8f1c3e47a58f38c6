/**
 * Which requests a probe sends and what each must produce, all derived from contracts/: causes,
 * business codes per family, each endpoint's `elicit` data, retired paths. Pure: no I/O.
 */
import type { Contracts } from '../contracts/load';
import type { ApiId, BusinessCode, Endpoint, HttpMethod } from '../contracts/types';
import { fillPath } from '../contracts/load';
import { PushContractsError } from '../errors';
import { applyBadRequest, exampleRequest, type RequestParts } from '../contracts/requests';
import { substituteParts, successIsReadOnly } from './request';
import type { Alternative, AuthMode, CaseKind, NotCovered, ProbeCase, ProbeExpectation, ProbePlan, ProbeRequest } from './types';

export interface PlanOptions {
  readonly api: ApiId;
  readonly endpoints?: readonly string[];
  readonly allowWrites?: boolean;
  readonly vip?: boolean;
  readonly ids?: Readonly<Record<string, string>>;
  /** Whether group credentials were given: group push's authenticated cases need them. */
  readonly groupCredentials?: unknown;
}

/** A path segment no catalogue defines, so the request can only land on "no such endpoint". */
export const UNKNOWN_PATH_SEGMENT = 'push-contracts-probe-unknown';

// Wrong methods in order of preference: GET carries no body and reads nothing that a 405 could leak.
const WRONG_METHOD_ORDER: readonly HttpMethod[] = ['GET', 'PUT', 'PATCH', 'POST', 'DELETE'];
// Successes run reads first and deletions last, so one success does not remove what another reads.
const SUCCESS_ORDER: Readonly<Record<HttpMethod, number>> = { GET: 0, POST: 1, PATCH: 2, PUT: 3, DELETE: 4 };

/**
 * The codes a family answers a cause with: those of the first table that has any, in the order
 * contracts.codeFor reads them (the family's own table, then the shared ones). A family with its own
 * code for a cause must not answer with the gateway-wide one.
 */
export function codesForCause(contracts: Contracts, api: ApiId, family: string | undefined, cause: string): BusinessCode[] {
  const cat = contracts.apis[api];
  const own = family ? cat.families[family]?.codeTable : undefined;
  const tables = [...cat.codeTables.filter((t) => t.id === own), ...cat.codeTables.filter((t) => t.shared && t.id !== own)];
  for (const t of tables) {
    const hits = t.codes.filter((c) => c.causes.includes(cause));
    if (hits.length > 0) return hits;
  }
  return [];
}

/** The status and codes a cause produces in a family; undefined when the catalogue has no code for it. */
export function expectationFor(contracts: Contracts, api: ApiId, family: string | undefined, cause: string, alternatives: readonly Alternative[] = []): ProbeExpectation | undefined {
  const codes = codesForCause(contracts, api, family, cause);
  const code = (family ? contracts.codeFor(api, family, cause) : undefined) ?? codes[0];
  if (!code) return undefined;
  return { status: code.status, cause, code, acceptedCodes: codes.filter((c) => c.status === code.status).map((c) => c.code), alternatives };
}

function successStatus(contracts: Contracts): number {
  const s = contracts.statuses.find((x) => x.class === 'success');
  if (!s) throw new PushContractsError('PC_ERR_CONTRACTS_INVALID', 'contracts/statuses.json has no success status');
  return s.code;
}

function toRequest(e: { method: HttpMethod; path: string; auth?: Endpoint['auth'] }, parts: RequestParts, auth: AuthMode): ProbeRequest {
  return { method: e.method, path: fillPath(e.path, parts.params), query: parts.query, body: parts.body, auth, ...(e.auth === 'group' ? { principal: 'group' as const } : {}) };
}

/** A method the catalogue defines on no template matching the path, so the path exists but not with it. */
export function wrongMethodFor(contracts: Contracts, path: string): { method: HttpMethod; allowed: readonly HttpMethod[] } | undefined {
  for (const method of WRONG_METHOD_ORDER) {
    const route = contracts.resolve(method, path);
    if (route.kind !== 'method-not-allowed') continue;
    // A concrete path can match several templates (/v3/push/validate and /v3/push/{msg_id}); a method
    // another template accepts could be routed there by a real server instead of refused.
    const elsewhere = contracts.endpoints(route.api).some((e) => e.method === method && templateMatches(e.path, path));
    if (!elsewhere) return { method, allowed: route.allowed };
  }
  return undefined;
}

function templateMatches(template: string, path: string): boolean {
  const t = template.split('/');
  const p = path.split('/');
  return t.length === p.length && t.every((seg, i) => /^\{[a-z_]+\}$/.test(seg) || seg === p[i]);
}

interface EndpointContext {
  readonly contracts: Contracts;
  readonly options: PlanOptions;
  readonly e: Endpoint;
  readonly example: RequestParts;
  /** The example with the user's ids in place, when the success state holds and using them is safe. */
  readonly errorParts: RequestParts;
  readonly stateHolds: boolean;
  readonly missingIds: readonly string[];
  readonly stateName?: string;
  readonly vipAlternative: readonly Alternative[];
  readonly missingResourceAlternative: readonly Alternative[];
}

function endpointContext(contracts: Contracts, options: PlanOptions, e: Endpoint): EndpointContext {
  const example = exampleRequest(contracts, e);
  const ids = options.ids ?? {};
  const state = e.elicit.success?.state;
  const def = state ? contracts.providerState(state.name) : undefined;
  const missingIds = def ? def.paramNames.filter((n) => !ids[n]) : [];
  const stateHolds = state !== undefined && def !== undefined && def.kind === 'resource' && missingIds.length === 0;
  const replacements = stateHolds && def
    ? def.paramNames.flatMap((n) => (state?.params?.[n] !== undefined ? [[String(state.params[n]), ids[n]] as const] : []))
    : [];
  // Real ids go into error probes only where a lax service accepting one would change nothing.
  const idsSafe = successIsReadOnly(e) || options.allowWrites === true;
  const errorParts = idsSafe ? substituteParts(example, replacements) : example;
  const notVip = e.vipOnly && !options.vip ? expectationFor(contracts, e.api, e.family, 'app.not-vip') : undefined;
  const vipAlternative: Alternative[] = notVip
    ? [{ status: notVip.status, cause: 'app.not-vip', codes: notVip.acceptedCodes, reason: 'VIP-only endpoint and --vip not given' }]
    : [];
  const notFound = stateHolds && idsSafe ? undefined : expectationFor(contracts, e.api, e.family, 'resource.not-found');
  const missingResourceAlternative: Alternative[] = notFound && state && e.statuses.includes(notFound.status as never)
    ? [{ status: notFound.status, cause: 'resource.not-found', codes: notFound.acceptedCodes, reason: `provider state '${state.name}' not set up (its resource may be missing)` }]
    : [];
  return { contracts, options, e, example, errorParts, stateHolds, missingIds, stateName: state?.name, vipAlternative, missingResourceAlternative };
}

function endpointCase(ctx: EndpointContext, kind: CaseKind, detail: string, request: ProbeRequest, expect: ProbeExpectation, providerStates: readonly string[] = []): ProbeCase {
  const status = expect.cause ? `${expect.status} ${expect.cause}` : `${expect.status}`;
  return {
    kind,
    api: ctx.e.api,
    endpoint: ctx.e,
    family: ctx.e.family,
    description: `${ctx.e.api} ${ctx.e.id}: ${status} (${detail})`,
    providerStates,
    request,
    expect,
  };
}

function describeMutation(bad: Endpoint['elicit']['badRequests'][number]): string {
  if (bad.raw !== undefined) return `${bad.in} is malformed JSON`;
  if (bad.remove !== undefined) return `remove ${bad.in} ${bad.remove}`;
  if (bad.set?.repeat) return `${bad.in} ${bad.set.pointer} = ${JSON.stringify(bad.set.repeat.text)} x ${bad.set.repeat.times}`;
  return `${bad.in} ${bad.set?.pointer} = ${JSON.stringify(bad.set?.value)}`;
}

function errorCases(ctx: EndpointContext, notCovered: NotCovered[]): ProbeCase[] {
  const { contracts, e } = ctx;
  const cases: ProbeCase[] = [];
  const skip = (status: number, cause: string, reason: string): void => {
    notCovered.push({ api: e.api, endpoint: e.id, status, cause, reason });
  };
  for (const [cause, auth, detail] of [['auth.missing', 'none', 'no credentials'], ['auth.failed', 'wrong', 'wrong credentials']] as const) {
    const expect = expectationFor(contracts, e.api, e.family, cause);
    if (expect) cases.push(endpointCase(ctx, 'auth', detail, toRequest(e, ctx.errorParts, auth), expect));
  }
  const authed = [...ctx.vipAlternative];
  const path = fillPath(e.path, ctx.errorParts.params);
  const wrong = wrongMethodFor(contracts, path);
  const method = expectationFor(contracts, e.api, e.family, 'method.not-allowed');
  if (wrong && method) {
    cases.push(endpointCase(ctx, 'method', `${wrong.method} on a path that allows ${wrong.allowed.join(', ')}`, { method: wrong.method, path, auth: 'valid' }, method));
  } else {
    skip(405, 'method.not-allowed', 'every method is defined on this path');
  }
  for (const bad of e.elicit.badRequests) {
    const expect = expectationFor(contracts, e.api, e.family, bad.cause, [...authed, ...ctx.missingResourceAlternative]);
    if (!expect) {
      skip(400, bad.cause, `no business code is catalogued for ${bad.cause} in the ${e.family} family`);
      continue;
    }
    cases.push(endpointCase(ctx, 'bad-request', describeMutation(bad), toRequest(e, applyBadRequest(ctx.errorParts, bad), 'valid'), expect));
  }
  if (e.elicit.notFound) {
    const expect = expectationFor(contracts, e.api, e.family, 'resource.not-found', authed);
    const params = { ...ctx.errorParts.params, ...e.elicit.notFound };
    const detail = Object.entries(e.elicit.notFound).map(([k, v]) => `${k} ${v} does not exist`).join(', ');
    if (expect) cases.push(endpointCase(ctx, 'not-found', detail, toRequest(e, { ...ctx.errorParts, params }, 'valid'), expect));
  }
  return cases;
}

function optionName(param: string): string {
  return `--${param.replace(/_/g, '-')}`;
}

function successCase(ctx: EndpointContext, notCovered: NotCovered[]): ProbeCase | undefined {
  const { contracts, options, e } = ctx;
  const status = successStatus(contracts);
  const skip = (reason: string): undefined => {
    notCovered.push({ api: e.api, endpoint: e.id, status, reason });
    return undefined;
  };
  if (!successIsReadOnly(e) && !options.allowWrites) {
    return skip(e.sends ? 'a successful call sends or deletes for real; pass --allow-writes to probe it' : 'a successful call changes the service; pass --allow-writes to probe it');
  }
  if (ctx.stateName && !ctx.stateHolds) {
    return skip(`needs provider state '${ctx.stateName}'; a probe cannot set it up: pass ${ctx.missingIds.map(optionName).join(' and ')} naming an existing resource`);
  }
  const expect: ProbeExpectation = { status, acceptedCodes: [], alternatives: ctx.vipAlternative };
  const detail = ctx.stateName ? 'valid request, resource supplied by the caller' : 'valid request';
  return endpointCase(ctx, 'success', detail, toRequest(e, ctx.errorParts, 'valid'), expect, ctx.stateName ? [ctx.stateName] : []);
}

/** Statuses the endpoint lists that no case provokes, each with the reason. */
function uncoveredStatuses(contracts: Contracts, e: Endpoint, cases: readonly ProbeCase[], notCovered: NotCovered[]): void {
  const provoked = new Set<number>([...cases.map((c) => c.expect.status), ...notCovered.filter((n) => n.endpoint === e.id).map((n) => n.status)]);
  for (const status of e.statuses) {
    if (provoked.has(status)) continue;
    const causes = [...new Set(causesAnsweredWith(contracts, e, status))];
    const states = causes.map((c) => contracts.stateForCause(c)?.name).filter((s): s is string => s !== undefined);
    const reason = states.length > 0
      ? `needs a service-side condition a probe cannot create (${states.map((s) => `'${s}'`).join(', ')})`
      : 'no request in contracts/ elicits it';
    notCovered.push({ api: e.api, endpoint: e.id, status, cause: causes[0], reason });
  }
}

/**
 * The causes whose codes the endpoint's family answers with this status. Causes of a path (an unknown or
 * retired one) never meet a catalogued endpoint, so they are left out.
 */
function causesAnsweredWith(contracts: Contracts, e: Endpoint, status: number): string[] {
  const cat = contracts.apis[e.api];
  const own = cat.families[e.family]?.codeTable;
  return cat.codeTables
    .filter((t) => t.id === own || t.shared)
    .flatMap((t) => t.codes.filter((c) => c.status === status).flatMap((c) => c.causes))
    .filter((cause) => contracts.cause(cause)?.elicitedBy !== 'path');
}

/** Every case of a probe run (without the burst) and every listed status it leaves uncovered. */
export function planProbe(contracts: Contracts, options: PlanOptions): ProbePlan {
  const cat = contracts.apis[options.api];
  if (!cat) throw new PushContractsError('PC_ERR_USAGE', `unknown API '${options.api}'; known: ${Object.keys(contracts.apis).join(', ')}`);
  const endpoints = options.endpoints && options.endpoints.length > 0 ? options.endpoints.map((id) => contracts.endpoint(options.api, id)) : cat.endpoints;
  const notCovered: NotCovered[] = [];
  const errors: ProbeCase[] = [];
  const successes: ProbeCase[] = [];
  for (const e of endpoints) {
    const ctx = endpointContext(contracts, options, e);
    let own = errorCases(ctx, notCovered);
    let ok = successCase(ctx, notCovered);
    if (e.auth === 'group' && !options.groupCredentials) {
      // Without the group's credentials a group push can only be refused: say which cases that leaves out.
      const needsGroup = (c: ProbeCase): boolean => c.request.principal === 'group' && c.request.auth === 'valid';
      for (const c of [...own, ...(ok ? [ok] : [])].filter(needsGroup)) {
        notCovered.push({ api: e.api, endpoint: e.id, status: c.expect.status, ...(c.expect.cause ? { cause: c.expect.cause } : {}), reason: 'group push authenticates as group-<GroupKey>: set PUSH_GROUP_KEY and PUSH_GROUP_MASTER_SECRET' });
      }
      own = own.filter((c) => !needsGroup(c));
      ok = ok && needsGroup(ok) ? undefined : ok;
    }
    errors.push(...own);
    if (ok) successes.push(ok);
    uncoveredStatuses(contracts, e, ok ? [...own, ok] : own, notCovered);
  }
  const unknown = expectationFor(contracts, options.api, undefined, 'path.not-found');
  if (unknown) {
    errors.push({
      kind: 'unknown-path',
      api: options.api,
      endpoint: null,
      description: `${options.api} ${cat.pathPrefix}/${UNKNOWN_PATH_SEGMENT}: ${unknown.status} path.not-found (no endpoint has this path)`,
      providerStates: [],
      request: { method: 'GET', path: `${cat.pathPrefix}/${UNKNOWN_PATH_SEGMENT}`, auth: 'valid' },
      expect: unknown,
    });
  }
  for (const r of cat.retired) {
    const expect = expectationFor(contracts, options.api, r.family, 'api.retired');
    if (!expect) continue;
    errors.push({
      kind: 'retired',
      api: options.api,
      endpoint: null,
      family: r.family,
      description: `${options.api} ${r.id} ${r.method} ${r.path}: ${expect.status} api.retired (${r.announcement})`,
      providerStates: [],
      // An empty object names no audience, so even a server still running the old API sends nothing.
      request: { method: r.method, path: r.path, body: r.method === 'GET' || r.method === 'DELETE' ? undefined : { kind: 'json', value: {} }, auth: 'valid' },
      expect,
    });
  }
  // Documented endpoints the catalogue leaves out are gaps of a whole-API probe too: said, never dropped.
  if (!options.endpoints || options.endpoints.length === 0) {
    for (const o of cat.outOfScope) {
      notCovered.push({ api: options.api, endpoint: null, status: successStatus(contracts), reason: `out of scope, not catalogued: ${o.methods.join(', ')} ${o.path}: ${o.reason}` });
    }
  }
  successes.sort((a, b) => SUCCESS_ORDER[a.request.method] - SUCCESS_ORDER[b.request.method]);
  return { cases: [...errors, ...successes], notCovered };
}
