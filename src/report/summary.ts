import type { Contracts } from '../contracts/load';
import { conformanceMatrix, type CellState } from './matrix';
import { caseVerdict, runPassed, summarize, type RunModel } from './model';
import { compactEvidenceLines } from './evidence';
import { caseTitle, NOT_IN_CATALOGUE, problemLines, uncataloguedCases } from './text';

function table(rows: string[][]): string {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => [...r[i]].length)));
  return rows.map((r) => r.map((cell, i) => cell + ' '.repeat(widths[i] - [...cell].length)).join('  ').trimEnd()).join('\n') + '\n';
}

const SYMBOL: Record<CellState, string> = { verified: 'ok', failed: 'FAIL', 'pending-failed': 'PEND', 'not-covered': '.', 'not-applicable': '' };

/** The conformance matrix as text: one row per endpoint, one column per status. */
export function renderMatrixText(model: RunModel, contracts?: Contracts): string {
  const m = conformanceMatrix(model, contracts);
  const header = ['api', 'endpoint', ...m.statuses.map(String)];
  const rows = m.rows.map((r) => [r.api, r.endpoint, ...m.statuses.map((s) => SYMBOL[r.cells[s].state])]);
  return table([header, ...rows]) + 'ok verified, FAIL failed, PEND failed in a pending pact only, . not covered (catalogued but no case), blank not catalogued for the endpoint\n';
}

/**
 * The console summary: per consumer/provider counts, the failing cases with their problems, then the
 * matrix. What `verify` and `start` print.
 */
export function renderSummary(model: RunModel, contracts?: Contracts): string {
  const groups = summarize(model);
  const out: string[] = [];
  out.push(table([
    ['consumer', 'provider', 'interactions', 'passed', 'failed', 'pending-failed', 'errors', 'warnings'],
    ...groups.map((g) => [g.consumer, g.provider, String(g.cases), String(g.passed), String(g.failed), String(g.pendingFailed), String(g.findings.error), String(g.findings.warning)]),
  ]));
  const failing = model.cases.filter((c) => caseVerdict(c) === 'failed');
  if (failing.length > 0) {
    out.push(`\n${failing.length} failing:\n`);
    for (const c of failing) {
      out.push(`  x ${caseTitle(c)}\n`);
      for (const line of problemLines(c)) out.push(`      ${line}\n`);
      if (c.evidence) for (const line of compactEvidenceLines(c.evidence)) out.push(`      ${line}\n`);
    }
  }
  const pending = model.cases.filter((c) => caseVerdict(c) === 'pending-failed');
  if (pending.length > 0) {
    // Shown in full like a failure (someone must act on it), but apart: a pending pact does not fail the run.
    out.push(`\n${pending.length} pending-failed (pending pacts: shown, not counted as passed, not failing the run):\n`);
    for (const c of pending) {
      out.push(`  ~ ${caseTitle(c)}\n`);
      for (const line of problemLines(c)) out.push(`      ${line}\n`);
      if (c.evidence) for (const line of compactEvidenceLines(c.evidence)) out.push(`      ${line}\n`);
    }
  }
  const warned = model.cases.filter((c) => caseVerdict(c) === 'passed' && c.findings.length > 0);
  for (const c of warned) {
    out.push(`  ! ${caseTitle(c)}\n`);
    for (const line of problemLines(c)) out.push(`      ${line}\n`);
  }
  const outside = uncataloguedCases(model.cases);
  if (outside.length > 0) {
    out.push(`\n${outside.length} ${NOT_IN_CATALOGUE}:\n`);
    for (const c of outside) out.push(`  - ${c.request.method} ${c.request.path}: ${caseTitle(c)}\n`);
  }
  for (const e of model.errors) out.push(`ERROR ${e}\n`);
  out.push('\n' + renderMatrixText(model, contracts));
  const gaps = model.notCovered && model.notCovered.length > 0 ? `, ${model.notCovered.length} not covered` : '';
  const pendingText = pending.length > 0 ? `, ${pending.length} pending-failed` : '';
  out.push(`\n${runPassed(model) ? 'PASS' : 'FAIL'}: ${model.cases.length} case(s), ${failing.length} failed${pendingText}${gaps}, in ${(model.meta.durationMs / 1000).toFixed(1)} s\n`);
  return out.join('');
}
