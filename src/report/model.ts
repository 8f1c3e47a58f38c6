/**
 * The format-neutral result of a run (a pact verification or a probe). Every report writer
 * (JUnit, HTML, JSON, console summary) reads only this; producers (verifier, probe) only build it.
 */
import type { Finding, InteractionRef, Severity } from '../audit/types';
import type { ApiId } from '../contracts/types';
import type { Evidence } from './evidence';

/**
 * What pact matching said about one interaction:
 * - 'passed' / 'failed': pact's verifier matched the provider's answer, or reported a failure;
 * - 'pending-failed': it failed, but its pact is pending (the Pact Broker's `pending`: not yet verified
 *   successfully by this provider branch) or the interaction is marked pending, so pact's verifier put the
 *   failure in its `pendingErrors`: shown with its mismatches and evidence, never a pass, and not failing
 *   the run, as the broker defines pending;
 * - 'not-verified': an interaction of the pacts that no request of the run reached and pact's verifier
 *   reported nothing for (it skipped it, or its run failed): never a pass, always a failure;
 * - 'not-run': no pact at all (a probe's or a lint's case, a request that matched no interaction).
 */
export type PactOutcome = 'passed' | 'failed' | 'pending-failed' | 'not-verified' | 'not-run';

export interface EndpointRef {
  readonly api: ApiId;
  readonly id: string;
}

/** One interaction of a pact (verification) or one crafted request (probe). */
export interface ReportCase {
  readonly ref: InteractionRef;
  /** The catalogued endpoint the request resolved to; null for unknown or retired paths. */
  readonly endpoint: EndpointRef | null;
  readonly request: { readonly method: string; readonly path: string; readonly query?: string };
  readonly status: {
    /** What the pact (or the probe's case) expects; null when nothing is expected. */
    readonly expected: number | null;
    /** What the provider answered; null when no response was recorded. */
    readonly actual: number | null;
    /** true when `actual` differs from `expected` but is an answer the case accepts (a probe's documented alternative). */
    readonly accepted?: boolean;
  };
  readonly pact: { readonly outcome: PactOutcome; readonly mismatches: readonly string[] };
  readonly findings: readonly Finding[];
  /** Infrastructure problems of this case: state setup failed, no answer within the timeout. */
  readonly errors: readonly string[];
  readonly durationMs?: number;
  /** The recorded request and response, masked and bounded, with a curl line (failing and warned cases). */
  readonly evidence?: Evidence;
}

export interface RunMetadata {
  readonly kind: 'verification' | 'probe' | 'lint';
  readonly tool: { readonly name: string; readonly version: string };
  readonly startedAt: string;
  readonly durationMs: number;
  /** Where the provider was reached (credentials never appear here). */
  readonly providerBaseUrl: string;
  /** Pact files or URLs, broker URL, or the probe's target description. */
  readonly sources: readonly string[];
  /** Ids of the rules that ran. */
  readonly rules: readonly string[];
  /** Part `index` of `count` (1-based) when the run verified one shard of the interactions (--shard). */
  readonly shard?: { readonly index: number; readonly count: number };
}

/**
 * A status the catalogue lists that the run did not exercise, with the reason. Never a pass and never a
 * failure: reports show it as skipped / not covered so a gap in coverage is visible, not silent.
 */
export interface NotCoveredStatus {
  /** The endpoint the status belongs to; null when the gap is not one endpoint's (e.g. a whole rate-limit bucket). */
  readonly endpoint: EndpointRef | null;
  /** The API the gap is in; what names it when `endpoint` is null. */
  readonly api?: ApiId;
  readonly status: number;
  /** The cause the status would have stood for, when one was aimed at. */
  readonly cause?: string;
  readonly reason: string;
}

export interface RunModel {
  readonly meta: RunMetadata;
  readonly cases: readonly ReportCase[];
  /** Run-level problems not tied to one case (e.g. the verifier's own notices). */
  readonly errors: readonly string[];
  /** Statuses the run could not or must not provoke, each with its reason (the probe fills this). */
  readonly notCovered?: readonly NotCoveredStatus[];
}

export type CaseVerdict = 'passed' | 'failed' | 'pending-failed';

/**
 * A case fails on a pact mismatch, an interaction nothing verified, an error finding, or an
 * infrastructure error; warnings do not fail it. A pending interaction's pact failure is
 * 'pending-failed': counted apart, neither a pass nor a failure of the run. Pending excuses only what
 * the consumer's pact expects: an error finding of the policy audit or an infrastructure error of the
 * same case still fails it (the provider's answer broke the policy whatever the pact said).
 */
export function caseVerdict(c: ReportCase): CaseVerdict {
  if (c.pact.outcome === 'failed' || c.pact.outcome === 'not-verified') return 'failed';
  if (c.errors.length > 0) return 'failed';
  if (c.findings.some((f) => f.severity === 'error')) return 'failed';
  return c.pact.outcome === 'pending-failed' ? 'pending-failed' : 'passed';
}

/** Whether the run conforms: no run-level error and no failed case (pending-failed cases do not fail it). */
export function runPassed(model: RunModel): boolean {
  return model.errors.length === 0 && model.cases.every((c) => caseVerdict(c) !== 'failed');
}

/** The key a case is grouped by in per-consumer reports (a probe has no consumer). */
export function groupOf(c: ReportCase, model: RunModel): string {
  return c.ref.consumer ?? model.meta.kind;
}

export interface GroupSummary {
  readonly consumer: string;
  readonly provider: string;
  readonly cases: number;
  readonly passed: number;
  readonly failed: number;
  /** Failures of pending interactions: neither passed nor failed. */
  readonly pendingFailed: number;
  readonly findings: Readonly<Record<Severity, number>>;
}

/** Per consumer/provider pair: counts of cases, verdicts and findings by severity. */
export function summarize(model: RunModel): GroupSummary[] {
  const groups = new Map<string, { consumer: string; provider: string; cases: number; passed: number; failed: number; pendingFailed: number; findings: Record<Severity, number> }>();
  for (const c of model.cases) {
    const consumer = groupOf(c, model);
    const provider = c.ref.provider ?? '';
    const key = `${consumer}\u0000${provider}`;
    let g = groups.get(key);
    if (!g) {
      g = { consumer, provider, cases: 0, passed: 0, failed: 0, pendingFailed: 0, findings: { error: 0, warning: 0 } };
      groups.set(key, g);
    }
    g.cases += 1;
    const v = caseVerdict(c);
    if (v === 'passed') g.passed += 1;
    else if (v === 'pending-failed') g.pendingFailed += 1;
    else g.failed += 1;
    for (const f of c.findings) g.findings[f.severity] += 1;
  }
  return [...groups.values()].sort((a, b) => a.consumer.localeCompare(b.consumer) || a.provider.localeCompare(b.provider));
}

/** Every finding of the run, in case order. */
export function allFindings(model: RunModel): Finding[] {
  return model.cases.flatMap((c) => [...c.findings]);
}
