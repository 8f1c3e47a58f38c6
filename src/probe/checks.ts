/**
 * The probe's own expectations, judged next to the policy rules of src/audit: a crafted request
 * must produce the status and business code its cause has in contracts/. Same shape as policy
 * rules: small pure functions with dotted ids, returning findings and never throwing.
 */
import { buildContext } from '../audit/context';
import { severityOf, type RulePolicy } from '../audit/policy';
import { STATUS_MISMATCH, type AuditContext, type Exchange, type Finding, type RuleResult, type Severity } from '../audit/types';
import type { Contracts } from '../contracts/load';
import type { Alternative, ProbeCase } from './types';

export interface ProbeCheck {
  readonly id: string;
  readonly severity: Severity;
  readonly title: string;
  /** Root causes this check's findings follow from on the same exchange, as PolicyRule.followsFrom. */
  readonly followsFrom?: readonly string[];
  check(c: ProbeCase, ex: Exchange, ctx: AuditContext): readonly RuleResult[];
}

/** The alternative a response took, if it is one the case accepts (status and, when enveloped, code). */
export function matchedAlternative(c: ProbeCase, ex: Exchange, ctx: AuditContext): Alternative | undefined {
  return c.expect.alternatives.find(
    (a) => a.status === ex.response.status && (ctx.envelope === undefined || a.codes.length === 0 || a.codes.includes(ctx.envelope.code)),
  );
}

export const statusUnexpected: ProbeCheck = {
  id: 'probe.status.unexpected',
  severity: 'error',
  title: 'Crafted request answered with another status than its cause requires',
  // It states the case's status mismatch in the probe's words: reports show it under that root.
  followsFrom: [STATUS_MISMATCH],
  check: (c, ex, ctx) => {
    const actual = ex.response.status;
    if (actual === c.expect.status || matchedAlternative(c, ex, ctx)) return [];
    const why = c.expect.cause ? `${c.expect.cause} must give ${c.expect.status}` : `a valid request must give ${c.expect.status}`;
    return [{ message: `${why}, got ${actual}`, location: 'response.status', expected: c.expect.status, actual }];
  },
};

export const businessCodeUnexpected: ProbeCheck = {
  id: 'probe.business-code.unexpected',
  severity: 'error',
  title: 'Crafted request answered with a business code of another cause',
  check: (c, ex, ctx) => {
    if (!ctx.envelope || ex.response.status !== c.expect.status || !c.expect.cause || c.expect.acceptedCodes.length === 0) return [];
    if (c.expect.acceptedCodes.includes(ctx.envelope.code)) return [];
    // A code the project invented for the reference service (certainty 'project') is advice to a
    // third-party service, not policy: not firm, so a warning unless the team says otherwise.
    return [{
      message: `${c.expect.cause} is answered with code ${c.expect.acceptedCodes.join(' or ')} in the ${c.family ?? c.api} family, got ${ctx.envelope.code}`,
      location: 'response.body.error.code',
      expected: c.expect.acceptedCodes,
      actual: ctx.envelope.code,
      certainty: c.expect.code?.certainty,
    }];
  },
};

/** Every probe check, in report order. */
export const probeChecks: readonly ProbeCheck[] = [statusUnexpected, businessCodeUnexpected];

export const RATE_LIMIT_NOT_ENFORCED = 'probe.rate-limit.not-enforced';

/** Runs the probe checks on one exchange; a crashing check becomes an error finding naming it. */
export function judgeExpectation(
  c: ProbeCase,
  ex: Exchange,
  contracts: Contracts,
  ctx: AuditContext = buildContext(ex, contracts),
  policy: RulePolicy = {},
): Finding[] {
  const findings: Finding[] = [];
  for (const check of probeChecks) {
    try {
      for (const r of check.check(c, ex, ctx)) {
        findings.push({ ...r, ruleId: check.id, severity: severityOf(check, r, contracts, policy), interaction: ex.interaction, ...(check.followsFrom ? { followsFrom: check.followsFrom } : {}) });
      }
    } catch (err) {
      findings.push({ ruleId: check.id, severity: 'error', message: `check crashed: ${(err as Error).message}`, location: 'rule', interaction: ex.interaction });
    }
  }
  return findings;
}

/** Probe check ids and titles, for docs and listings. */
export function listProbeChecks(): ReadonlyArray<{ id: string; severity: Severity; title: string }> {
  return [
    ...probeChecks.map((c) => ({ id: c.id, severity: c.severity, title: c.title })),
    { id: RATE_LIMIT_NOT_ENFORCED, severity: 'error' as const, title: 'Burst beyond the advertised rate limit got no 429' },
  ];
}
