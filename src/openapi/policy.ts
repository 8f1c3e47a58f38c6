/**
 * What the policy and the catalogue say about statuses, in the shape both the OpenAPI export and
 * lint-openapi need. Everything is read from contracts/; nothing here lists a status.
 */
import type { Contracts } from '../contracts/load';
import type { ApiId, BusinessCode, CauseElicitation } from '../contracts/types';

// Causes no request can avoid: wrong credentials, and conditions of the service (rate limit, app
// blacklisted, upstream down). A status all of whose causes are of these kinds can answer any operation.
const UNAVOIDABLE: ReadonlySet<CauseElicitation> = new Set(['credentials', 'state']);
const CREDENTIALS: ReadonlySet<CauseElicitation> = new Set(['credentials']);
const METHOD: ReadonlySet<CauseElicitation> = new Set(['method']);

/**
 * Each answer below depends only on the loaded contracts and its arguments, and the export and the lint
 * ask the same questions for every operation and response (lint.test: 0.8 s of CPU scanning the code
 * tables again): computed once per Contracts, frozen so no caller can change what the next one gets.
 */
const memo = new WeakMap<Contracts, Map<string, readonly unknown[]>>();
function remembered<T>(contracts: Contracts, key: string, compute: () => T[]): readonly T[] {
  let known = memo.get(contracts);
  if (!known) {
    known = new Map();
    memo.set(contracts, known);
  }
  let value = known.get(key) as readonly T[] | undefined;
  if (!value) {
    value = Object.freeze(compute());
    known.set(key, value);
  }
  return value;
}

/** The causes of every code of an API answered with a status. */
export function causesOfStatus(contracts: Contracts, api: ApiId, status: number): readonly string[] {
  return remembered(contracts, `causes ${api} ${status}`, () => {
    const causes = new Set<string>();
    for (const t of contracts.apis[api].codeTables) for (const c of t.codes) if (c.status === status) c.causes.forEach((x) => causes.add(x));
    return [...causes];
  });
}

function everyCauseElicitedBy(contracts: Contracts, api: ApiId, status: number, kinds: ReadonlySet<CauseElicitation>): boolean {
  const causes = causesOfStatus(contracts, api, status);
  return causes.length > 0 && causes.every((id) => {
    const by = contracts.cause(id)?.elicitedBy;
    return by !== undefined && kinds.has(by);
  });
}

/** The statuses of an API every one of whose causes is elicited by one of `kinds` (remembered under `name`). */
function statusesCausedOnlyBy(contracts: Contracts, api: ApiId, name: string, kinds: ReadonlySet<CauseElicitation>): readonly number[] {
  return remembered(contracts, `${name} ${api}`, () => contracts.statuses.map((s) => s.code).filter((code) => everyCauseElicitedBy(contracts, api, code, kinds)));
}

/** Statuses any operation of the API can answer whatever the request: 401, 403, 429 and the 5xx today. */
export function unavoidableStatuses(contracts: Contracts, api: ApiId): readonly number[] {
  return statusesCausedOnlyBy(contracts, api, 'unavoidable', UNAVOIDABLE);
}

/** Statuses answered before credentials are accepted (401): they carry no rate-limit headers. */
export function credentialStatuses(contracts: Contracts, api: ApiId): readonly number[] {
  return statusesCausedOnlyBy(contracts, api, 'credentials', CREDENTIALS);
}

/** Statuses answered to a method the path does not support (405). */
export function methodStatuses(contracts: Contracts, api: ApiId): readonly number[] {
  return statusesCausedOnlyBy(contracts, api, 'method', METHOD);
}

/** Statuses answered on a retired path (410). */
export function retiredStatuses(contracts: Contracts, api: ApiId): readonly number[] {
  return remembered(contracts, `retired ${api}`, () => contracts.statuses.map((s) => s.code).filter((code) => causesOfStatus(contracts, api, code).includes('api.retired')));
}

/**
 * The business codes a family can answer with a status, as the audit reads them: its own table first,
 * then the API's shared tables, a code's first entry winning. A 401 carries only the family's
 * authentication-failure codes (the audit's response.business-code.auth-family rule).
 */
export function codesFor(contracts: Contracts, api: ApiId, family: string, status: number): BusinessCode[] {
  const cat = contracts.apis[api];
  const fam = cat.families[family];
  const own = fam?.codeTable;
  const tables = [...cat.codeTables.filter((t) => t.id === own), ...cat.codeTables.filter((t) => t.shared && t.id !== own)];
  const first = new Map<number, BusinessCode>();
  for (const t of tables) for (const c of t.codes) if (!first.has(c.code)) first.set(c.code, c);
  const codes = [...first.values()].filter((c) => c.status === status);
  if (fam && credentialStatuses(contracts, api).includes(status)) return codes.filter((c) => fam.authFailureCodes.includes(c.code));
  return codes.sort((a, b) => a.code - b.code);
}
