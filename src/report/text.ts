import { createHash } from 'node:crypto';
import { describeInteraction } from '../audit/audit';
import type { Finding } from '../audit/types';
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

/** Everything wrong with a case, one line each: infrastructure errors, pact mismatches, then findings. */
export function problemLines(c: ReportCase): string[] {
  return [
    ...c.errors.map((e) => `ERROR ${e}`),
    ...c.pact.mismatches.map((m) => `PACT ${m}`),
    ...c.findings.map(findingLine),
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
