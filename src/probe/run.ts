/**
 * Runs a probe: sends every planned case, judges each response by the policy rules of src/audit
 * plus the case's own expectation, and returns the run in the report model of src/report.
 */
import { audit, listRules, selectRules } from '../audit/audit';
import type { RulePolicy } from '../audit/policy';
import { buildContext } from '../audit/context';
import type { Exchange, Finding, HeaderMap, InteractionRef } from '../audit/types';
import { getContracts, type Contracts } from '../contracts/load';
import { maskSecrets, secretForms } from '../credentials';
import { PushContractsError } from '../errors';
import { buildEvidence, type EvidenceAuth } from '../report/evidence';
import { caseVerdict, type NotCoveredStatus, type ReportCase, type RunModel } from '../report/model';
import { DEFAULT_BURST, planBursts, runBurst, type BurstOutcome, type BurstTarget } from './burst';
import { judgeExpectation, listProbeChecks, RATE_LIMIT_NOT_ENFORCED } from './checks';
import { send, toWire, ProbeTransportError, type WireRequest, type WireResponse } from './http';
import { planProbe } from './plan';
import type { BurstOptions, NotCovered, ProbeCase, ProbeOptions } from './types';

export const DEFAULT_TIMEOUT_MS = 10_000;
export const SILENT_CASES_BEFORE_GIVING_UP = 3;

export interface ProbeResult {
  readonly model: RunModel;
  /**
   * Listed statuses the run did not provoke, each with the reason; never counted as passes. The same
   * list is `model.notCovered` (what every report writes), here in the probe's own shape for the console.
   */
  readonly notCovered: readonly NotCovered[];
  /** Every form of the secret, for masking whatever the caller prints or writes. */
  readonly secrets: readonly string[];
}

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { version } = require('../../package.json') as { version: string };

/** The base URL as reports show it: no userinfo, so a URL with embedded credentials never leaks them. */
export function publicUrl(baseUrl: string): string {
  try {
    const u = new URL(baseUrl);
    u.username = '';
    u.password = '';
    return u.toString().replace(/\/$/, '');
  } catch {
    return '<invalid URL>';
  }
}

function exchangeOf(c: ProbeCase, wire: WireRequest, res: WireResponse, ref: InteractionRef): Exchange {
  const headers: Record<string, string> = { ...wire.headers };
  // The exchange may end up in a report: it records that credentials were sent, never which.
  if (headers.authorization) headers.authorization = c.request.auth === 'valid' ? 'Basic ***' : 'Basic <wrong credentials>';
  return {
    interaction: ref,
    request: { method: wire.method, path: wire.path, query: wire.query, headers: headers as HeaderMap },
    response: { status: res.status, headers: res.headers, body: res.body },
  };
}

function refOf(c: ProbeCase, provider: string): InteractionRef {
  return { description: c.description, provider, providerStates: c.providerStates.length > 0 ? c.providerStates : undefined };
}

function reportCase(c: ProbeCase, ref: InteractionRef, wire: WireRequest, actual: number | null, findings: Finding[], errors: string[], durationMs?: number): ReportCase {
  // A documented alternative status is an accepted answer, not a status mismatch (reports fold by it).
  const accepted = actual !== null && actual !== c.expect.status && c.expect.alternatives.some((a) => a.status === actual);
  return {
    ref,
    endpoint: c.endpoint ? { api: c.endpoint.api, id: c.endpoint.id } : null,
    request: { method: wire.method, path: wire.path, query: wire.query },
    status: { expected: c.expect.status, actual, ...(accepted ? { accepted } : {}) },
    pact: { outcome: 'not-run', mismatches: [] },
    findings,
    errors,
    durationMs,
  };
}

/**
 * A failing or warned case carries the exchange as evidence (masked, bounded, with a curl line);
 * valid credentials are shown as the environment variables they came from, the wrong ones as they are.
 */
function withEvidence(rc: ReportCase, c: ProbeCase, wire: WireRequest, res: WireResponse | null, baseUrl: string, secrets: readonly string[]): ReportCase {
  if (caseVerdict(rc) === 'passed' && rc.findings.length === 0) return rc;
  const auth: EvidenceAuth = c.request.auth === 'none' ? { kind: 'none' } : c.request.auth === 'valid' ? { kind: 'environment' } : { kind: 'literal', value: wire.headers.authorization ?? '' };
  const evidence = buildEvidence(
    { baseUrl, method: wire.method, path: wire.path, query: wire.query, requestHeaders: wire.headers, requestBody: wire.body, auth, response: res },
    secrets,
  );
  return { ...rc, evidence };
}

function toReport(n: NotCovered): NotCoveredStatus {
  return { endpoint: n.endpoint === null ? null : { api: n.api, id: n.endpoint }, api: n.api, status: n.status, ...(n.cause ? { cause: n.cause } : {}), reason: n.reason };
}

/** Which policy rules and probe checks judge the run, split from one list of ids as verify takes them. */
export interface RuleSelection {
  readonly audit: { readonly only?: readonly string[]; readonly skip: readonly string[] };
  readonly probe: ReadonlySet<string>;
  /** Severities and the handling of uncertain facts, as the rule policy sets them (src/config). */
  readonly tuning?: Pick<RulePolicy, 'severity' | 'uncertainFacts'>;
}

/** Splits --rule / --skip-rule ids between audit rules and probe checks; an id that is neither is a usage error. */
export function selectProbeRules(rules: ProbeOptions['rules'] = {}): RuleSelection {
  const probeIds = listProbeChecks().map((c) => c.id);
  const auditIds = new Set(listRules().map((r) => r.id as string));
  const unknown = [...(rules.only ?? []), ...(rules.skip ?? [])].filter((id) => !auditIds.has(id) && !probeIds.includes(id));
  if (unknown.length > 0) {
    throw new PushContractsError('PC_ERR_USAGE', `unknown rule id ${unknown.join(', ')}; known: ${[...auditIds, ...probeIds].join(', ')}`);
  }
  const only = rules.only && rules.only.length > 0 ? rules.only : undefined;
  const skip = rules.skip ?? [];
  return {
    audit: { only: only?.filter((id) => auditIds.has(id)), skip: skip.filter((id) => auditIds.has(id)) },
    probe: new Set(probeIds.filter((id) => (!only || only.includes(id)) && !skip.includes(id))),
    tuning: { severity: rules.severity, uncertainFacts: rules.uncertainFacts },
  };
}

const ALL_RULES: RuleSelection = { audit: { skip: [] }, probe: new Set(listProbeChecks().map((c) => c.id)) };

function auditWith(ex: Exchange, contracts: Contracts, sel: RuleSelection): Finding[] {
  return audit(ex, { contracts, only: sel.audit.only, skip: sel.audit.skip, ...sel.tuning });
}

/** The policy's judgement of one response plus the probe's expectation for the case. */
export function judge(c: ProbeCase, ex: Exchange, contracts: Contracts, sel: RuleSelection = ALL_RULES): Finding[] {
  const ctx = buildContext(ex, contracts);
  return [...auditWith(ex, contracts, sel), ...judgeExpectation(c, ex, contracts, ctx, sel.tuning).filter((f) => sel.probe.has(f.ruleId))];
}

function burstBounds(burst: ProbeOptions['burst']): BurstOptions | undefined {
  if (!burst) return undefined;
  return burst === true ? DEFAULT_BURST : { ...DEFAULT_BURST, ...burst };
}

function dedupe(findings: readonly Finding[]): Finding[] {
  const seen = new Set<string>();
  return findings.filter((f) => {
    const key = `${f.ruleId}\u0000${f.location}\u0000${f.severity}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function burstCase(t: BurstTarget, wire: WireRequest, out: BurstOutcome, ref: InteractionRef, contracts: Contracts, sel: RuleSelection): ReportCase | NotCovered {
  const c = t.probe;
  if (out.transportError) return reportCase(c, ref, wire, out.limited?.status ?? null, [], [`burst stopped after ${out.sent} requests: ${out.transportError}`], out.elapsedMs);
  const judged = out.responses.flatMap((res) => {
    const ex = exchangeOf(c, wire, res, ref);
    // Only the answer that ends the burst is held to the burst's expectation; the others are judged by the policy alone.
    return res === out.limited ? judge(c, ex, contracts, sel) : auditWith(ex, contracts, sel);
  });
  const findings = dedupe(judged);
  if (out.limited) return reportCase(c, ref, wire, out.limited.status, findings, [], out.elapsedMs);
  if (out.inconclusive) return { api: c.api, endpoint: c.endpoint?.id ?? null, status: c.expect.status, cause: 'rate.exceeded', reason: `burst inconclusive: ${out.inconclusive}` };
  const last = out.responses[out.responses.length - 1];
  const notEnforced: Finding = {
    ruleId: RATE_LIMIT_NOT_ENFORCED,
    severity: sel.tuning?.severity?.[RATE_LIMIT_NOT_ENFORCED] ?? 'error',
    message: `${out.sent} requests in ${out.elapsedMs} ms, beyond the quota the ${t.bucket} bucket advertised, got no 429`,
    location: 'response.status',
    expected: c.expect.status,
    actual: last?.status,
    interaction: ref,
  };
  return reportCase(c, ref, wire, last?.status ?? null, sel.probe.has(RATE_LIMIT_NOT_ENFORCED) ? [notEnforced, ...findings] : findings, [], out.elapsedMs);
}

/**
 * Probes a service: crafts each request the policy defines an answer for, sends it, judges the
 * answer. Throws PC_ERR_PROVIDER_UNREACHABLE when the service cannot be reached at all; a case
 * without an answer later on is an infrastructure error of that case.
 */
export async function runProbe(options: ProbeOptions): Promise<ProbeResult> {
  const contracts = options.contracts ?? getContracts();
  const sel = selectProbeRules(options.rules);
  const secrets = [...secretForms(options.credentials), ...(options.groupCredentials ? secretForms(options.groupCredentials) : [])];
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const provider = publicUrl(options.baseUrl);
  const startedAt = new Date();
  const plan = planProbe(contracts, options);
  const notCovered: NotCovered[] = [...plan.notCovered];
  const cases: ReportCase[] = [];
  let answered = 0;
  for (const c of plan.cases) {
    const ref = refOf(c, provider);
    const wire = toWire(c.request, options.credentials, options.groupCredentials);
    let res: WireResponse;
    try {
      res = await send(options.baseUrl, wire, timeoutMs);
    } catch (err) {
      const message = maskSecrets((err as Error).message, secrets);
      if (answered === 0 && err instanceof ProbeTransportError && err.kind === 'unreachable') {
        throw new PushContractsError('PC_ERR_PROVIDER_UNREACHABLE', `cannot reach ${provider}: ${message}`, { url: provider });
      }
      cases.push(withEvidence(reportCase(c, ref, wire, null, [], [message]), c, wire, null, options.baseUrl, secrets));
      // A service that answers nothing at all is down, not non-conforming: stop instead of waiting out every case.
      if (answered === 0 && cases.length >= SILENT_CASES_BEFORE_GIVING_UP) {
        throw new PushContractsError('PC_ERR_PROVIDER_TIMEOUT', `${provider} answered none of the first ${cases.length} requests: ${message}`, { url: provider });
      }
      continue;
    }
    answered += 1;
    cases.push(withEvidence(reportCase(c, ref, wire, res.status, judge(c, exchangeOf(c, wire, res, ref), contracts, sel), [], res.durationMs), c, wire, res, options.baseUrl, secrets));
  }

  const bounds = burstBounds(options.burst);
  const endpoints = [...new Set(plan.cases.map((c) => c.endpoint).filter((e): e is NonNullable<typeof e> => e !== null))];
  if (bounds) {
    const bursts = planBursts(contracts, options.api, endpoints, plan.cases);
    notCovered.push(...bursts.notCovered);
    for (const t of bursts.targets) {
      const wire = toWire(t.probe.request, options.credentials, options.groupCredentials);
      const out = await runBurst(options.baseUrl, t, wire, bounds, timeoutMs);
      const result = burstCase(t, wire, out, refOf(t.probe, provider), contracts, sel);
      if ('ref' in result) cases.push(withEvidence(result, t.probe, wire, out.limited ?? out.responses[out.responses.length - 1] ?? null, options.baseUrl, secrets));
      else notCovered.push(result);
    }
  }
  // A status that some case or burst did provoke on an endpoint is covered there, whatever the plan feared.
  const provoked = new Set(cases.filter((c) => c.endpoint && c.status.actual !== null).map((c) => `${c.endpoint?.id} ${c.status.actual}`));
  const remaining = notCovered
    .filter((n) => n.endpoint === null || !provoked.has(`${n.endpoint} ${n.status}`))
    .map((n) => (!bounds && n.cause === 'rate.exceeded' ? { ...n, reason: `${n.reason}; the rate-limit burst is opt-in: pass --burst` } : n));

  const model: RunModel = {
    meta: {
      kind: 'probe',
      tool: { name: 'push-contracts', version },
      startedAt: startedAt.toISOString(),
      durationMs: Date.now() - startedAt.getTime(),
      providerBaseUrl: provider,
      sources: [`probe ${options.api}${options.endpoints && options.endpoints.length > 0 ? ` (${options.endpoints.join(', ')})` : ''}`],
      rules: [...selectRules({ contracts, only: sel.audit.only, skip: sel.audit.skip }).map((r) => r.id), ...sel.probe],
    },
    cases,
    errors: [],
    notCovered: remaining.map(toReport),
  };
  return { model, notCovered: remaining, secrets };
}
