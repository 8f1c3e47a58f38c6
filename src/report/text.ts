import { createHash } from 'node:crypto';
import { describeInteraction } from '../audit/audit';
import { STATUS_MISMATCH, type Finding } from '../audit/types';
import { rootCauses } from './causes';
import type { ReportCase } from './model';

/** One line per finding, without the interaction (the report already names it around the line). */
export function findingLine(f: Finding): string {
  return `${f.severity.toUpperCase()} ${f.ruleId}: ${f.message} (at ${f.location})`;
}

/** A case's name as reports show it: description and provider states. */
export function caseName(c: ReportCase): string {
  const states = c.ref.providerStates && c.ref.providerStates.length > 0 ? ` given ${c.ref.providerStates.map((s) => `'${s}'`).join(', ')}` : '';
  return `${c.ref.description}${states}`;
}

/** The line of a case's status mismatch, the root cause rules name as STATUS_MISMATCH. */
export function statusLine(c: ReportCase): string {
  return `STATUS expected ${c.status.expected}, got ${c.status.actual} (${STATUS_MISMATCH})`;
}

/** How a follow-on finding is set under its root cause in text reports. */
export const FOLLOW_ON = '  ↳ follows: ';

/**
 * Everything wrong with a case, one line each, root cause first: infrastructure errors, the status
 * mismatch, pact mismatches, then the root findings; each root's follow-on findings indented under it.
 */
export function problemLines(c: ReportCase): string[] {
  const roots = rootCauses(c);
  const rootLines = (r: (typeof roots)[number]): string[] => [
    r.finding ? findingLine(r.finding) : statusLine(c),
    ...r.followOns.map((f) => FOLLOW_ON + findingLine(f)),
  ];
  const status = roots.filter((r) => r.id === STATUS_MISMATCH);
  return [
    ...c.errors.map((e) => `ERROR ${e}`),
    ...status.flatMap(rootLines),
    ...c.pact.mismatches.map((m) => `PACT ${m}`),
    ...roots.filter((r) => r.id !== STATUS_MISMATCH).flatMap(rootLines),
  ];
}

export function caseTitle(c: ReportCase): string {
  return describeInteraction(c.ref);
}

const SAFE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/**
 * A file-name-safe, stable and unique form of a consumer name. A name that is already safe is kept as
 * it is; any other gets a readable ASCII form (accents stripped, the rest dropped) plus 8 hex digits
 * of the SHA-256 of the full name, so `émoji-consumer-🚀` and `ümoji-consumer-🔥` (or two Chinese
 * names) never share a file.
 */
export function slug(name: string): string {
  if (SAFE_NAME.test(name)) return name;
  const readable = name.normalize('NFKD').replace(/[\u0300-\u036f]/g, '')
    .replace(/[^A-Za-z0-9._-]+/g, '-').replace(/-{2,}/g, '-').replace(/^[-.]+|[-.]+$/g, '');
  const hash = createHash('sha256').update(name, 'utf8').digest('hex').slice(0, 8);
  return readable ? `${readable}-${hash}` : `consumer-${hash}`;
}

/** How every report labels a case whose path is in no endpoint catalogue: only the API-wide rules judged it. */
export const NOT_IN_CATALOGUE = 'not in the catalogue (audited by the API-wide rules only)';

/** The cases on a path outside the endpoint catalogue (unknown or retired paths), so reports can say so. */
export function uncataloguedCases(cases: readonly ReportCase[]): ReportCase[] {
  return cases.filter((c) => c.endpoint === null);
}
