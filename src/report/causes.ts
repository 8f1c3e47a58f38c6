/**
 * Root cause first: which problems of a case are consequences of another one on the same exchange.
 * The relation is data on the rules (`followsFrom`, copied onto each finding by the audit), never
 * guessed from messages here, so a JSON report re-read by merge-reports folds the same way.
 */
import { STATUS_MISMATCH, type Finding } from '../audit/types';
import type { ReportCase } from './model';

/** One root cause of a case and the findings that follow from it. */
export interface RootCause {
  /** A rule id, or STATUS_MISMATCH for the case's own expected-vs-actual status. */
  readonly id: string;
  /** The root finding; absent for STATUS_MISMATCH, which is the case's status, not a finding. */
  readonly finding?: Finding;
  readonly followOns: readonly Finding[];
}

/** true when the case expected one status and the provider answered another it does not accept. */
export function statusMismatch(c: ReportCase): boolean {
  return c.status.expected !== null && c.status.actual !== null && c.status.expected !== c.status.actual && c.status.accepted !== true;
}

/**
 * The case's findings grouped under their root causes: the status mismatch first (when there is one),
 * then root findings errors before warnings, in audit order. A finding is a follow-on when a cause it
 * `followsFrom` is present on the case; chains fold to their top (a cycle leaves its members roots).
 */
export function rootCauses(c: ReportCase): RootCause[] {
  const present = new Set(c.findings.map((f) => f.ruleId));
  if (statusMismatch(c)) present.add(STATUS_MISMATCH);
  const parentOf = (id: string, followsFrom: readonly string[] | undefined): string | undefined =>
    (followsFrom ?? []).find((p) => p !== id && present.has(p));
  const followsOf = new Map<string, readonly string[] | undefined>();
  for (const f of c.findings) if (!followsOf.has(f.ruleId)) followsOf.set(f.ruleId, f.followsFrom);
  const topOf = (f: Finding): string | undefined => {
    const seen = new Set<string>([f.ruleId]);
    let parent = parentOf(f.ruleId, f.followsFrom);
    if (parent === undefined) return undefined;
    for (;;) {
      const next = parentOf(parent, followsOf.get(parent));
      if (next === undefined) return parent;
      if (seen.has(next)) return undefined;
      seen.add(parent);
      parent = next;
    }
  };
  const roots: Array<{ id: string; finding?: Finding; followOns: Finding[] }> = [];
  if (present.has(STATUS_MISMATCH)) roots.push({ id: STATUS_MISMATCH, followOns: [] });
  const tops = new Map(c.findings.map((f) => [f, topOf(f)] as const));
  const rootFindings = c.findings.filter((f) => tops.get(f) === undefined);
  const bySeverity = [...rootFindings.filter((f) => f.severity === 'error'), ...rootFindings.filter((f) => f.severity !== 'error')];
  for (const f of bySeverity) roots.push({ id: f.ruleId, finding: f, followOns: [] });
  for (const f of c.findings) {
    const top = tops.get(f);
    if (top === undefined) continue;
    // Several findings of one root rule: the follow-ons go under the first.
    roots.find((r) => r.id === top)?.followOns.push(f);
  }
  return roots;
}
