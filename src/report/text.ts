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

/** A file-name-safe form of a consumer name. */
export function slug(name: string): string {
  return name.replace(/[^A-Za-z0-9._-]+/g, '_') || '_';
}
