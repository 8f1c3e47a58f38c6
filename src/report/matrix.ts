import { getContracts, type Contracts } from '../contracts/load';
import { caseVerdict, type ReportCase, type RunModel } from './model';

/**
 * A matrix cell: what the run proved about one (endpoint, status). 'pending-failed': its only failures
 * are pending interactions' (not verified, not failing the run either).
 */
export type CellState = 'verified' | 'failed' | 'pending-failed' | 'not-covered' | 'not-applicable';

export interface ConformanceCell {
  readonly state: CellState;
  /** Descriptions of the cases that landed here (by actual status, else expected). */
  readonly cases: readonly string[];
  /** Positions in `model.cases` of the same cases, so a report can link a cell to them. */
  readonly caseIndexes: readonly number[];
  /** Why no case exercised the status (from the run's notCovered list); only on cells without cases. */
  readonly reasons?: readonly string[];
}

export interface ConformanceRow {
  readonly api: string;
  /** Endpoint id, or `METHOD path` for a request that matched no catalogued endpoint. */
  readonly endpoint: string;
  readonly method: string;
  readonly path: string;
  readonly catalogued: boolean;
  readonly cells: Readonly<Record<number, ConformanceCell>>;
}

export interface ConformanceMatrix {
  readonly statuses: readonly number[];
  readonly rows: readonly ConformanceRow[];
}

/** The status a case is about: what the pact (or probe case) expected, else what came back. */
function statusOf(c: ReportCase): number | null {
  return c.status.expected ?? c.status.actual;
}

/**
 * Endpoint x status, from the contracts catalogue: a cell is verified when every case that landed
 * on it passed, failed when one failed, pending-failed when none failed but a pending one did, not covered when the endpoint may answer that status but no
 * case exercised it, and not applicable when the catalogue does not list the status for the endpoint.
 */
export function conformanceMatrix(model: RunModel, contracts: Contracts = getContracts()): ConformanceMatrix {
  const statuses = contracts.statuses.map((s) => s.code as number);
  const byKey = new Map<string, ReportCase[]>();
  const indexOf = new Map(model.cases.map((c, i) => [c, i] as const));
  const push = (key: string, c: ReportCase): void => {
    const list = byKey.get(key) ?? [];
    list.push(c);
    byKey.set(key, list);
  };
  const others = new Map<string, { api: string; method: string; path: string }>();
  // The API of every request, catalogued or not, so a run of only uncatalogued v3 paths shows no v4 rows.
  const routeApis = new Set<string>();
  for (const c of model.cases) {
    const status = statusOf(c);
    if (status === null) continue;
    const route = contracts.resolve(c.request.method, c.request.path);
    if (route.api) routeApis.add(route.api);
    if (route.kind === 'method-not-allowed') {
      // A 405 is about the path: it proves the answer of every endpoint served there.
      for (const e of contracts.endpoints(route.api).filter((x) => x.path === route.path)) push(`${e.api} ${e.id} ${status}`, c);
    } else if (c.endpoint) {
      push(`${c.endpoint.api} ${c.endpoint.id} ${status}`, c);
    } else {
      const label = route.kind === 'retired' ? `${route.retired.id} (retired)` : `${c.request.method} ${c.request.path}`;
      others.set(label, { api: route.api ?? '', method: c.request.method, path: c.request.path });
      push(`other ${label} ${status}`, c);
    }
  }
  const reasons = new Map<string, string[]>();
  for (const n of model.notCovered ?? []) {
    if (!n.endpoint) continue;
    const key = `${n.endpoint.api} ${n.endpoint.id} ${n.status}`;
    const list = reasons.get(key) ?? [];
    if (!list.includes(n.reason)) list.push(n.reason);
    reasons.set(key, list);
  }
  const cell = (key: string, applicable: boolean): ConformanceCell => {
    const cases = byKey.get(key) ?? [];
    if (cases.length === 0) {
      const why = reasons.get(key);
      return { state: applicable ? 'not-covered' : 'not-applicable', cases: [], caseIndexes: [], ...(why ? { reasons: why } : {}) };
    }
    const verdicts = new Set(cases.map(caseVerdict));
    const state: CellState = verdicts.has('failed') ? 'failed' : verdicts.has('pending-failed') ? 'pending-failed' : 'verified';
    return { state, cases: cases.map((c) => c.ref.description), caseIndexes: cases.map((c) => indexOf.get(c) as number) };
  };
  const rows: ConformanceRow[] = [];
  const apisInRun = new Set(
    [...routeApis, ...model.cases.map((c) => c.endpoint?.api), ...(model.notCovered ?? []).map((n) => n.endpoint?.api ?? n.api)].filter((a): a is NonNullable<typeof a> => a !== undefined),
  );
  for (const e of contracts.endpoints()) {
    // A run against one API should not drown in the other API's empty rows.
    if (apisInRun.size > 0 && !apisInRun.has(e.api)) continue;
    const listed = new Set<number>(e.statuses);
    rows.push({
      api: e.api,
      endpoint: e.id,
      method: e.method,
      path: e.path,
      catalogued: true,
      cells: Object.fromEntries(statuses.map((s) => [s, cell(`${e.api} ${e.id} ${s}`, listed.has(s))])),
    });
  }
  for (const [label, o] of [...others.entries()].sort(([a], [b]) => a.localeCompare(b))) {
    rows.push({
      api: o.api,
      endpoint: label,
      method: o.method,
      path: o.path,
      catalogued: false,
      cells: Object.fromEntries(statuses.map((s) => [s, cell(`other ${label} ${s}`, false)])),
    });
  }
  return { statuses, rows };
}
