import { caseVerdict, runPassed, type RunModel } from '../../report/model';
import { caseTitle, problemLines } from '../../report/text';

/** lint-openapi's console view: each operation with findings and its problems, then the verdict. */
export function renderLintSummary(model: RunModel): string {
  const out: string[] = [];
  const failing = model.cases.filter((c) => caseVerdict(c) === 'failed');
  const warned = model.cases.filter((c) => caseVerdict(c) === 'passed' && c.findings.length > 0);
  for (const [mark, cases] of [['x', failing], ['!', warned]] as const) {
    for (const c of cases) {
      out.push(`  ${mark} ${caseTitle(c)}\n`);
      for (const line of problemLines(c)) out.push(`      ${line}\n`);
    }
  }
  const findings = model.cases.flatMap((c) => c.findings);
  const errors = findings.filter((f) => f.severity === 'error').length;
  out.push(`\n${runPassed(model) ? 'PASS' : 'FAIL'}: ${model.cases.length} operation(s) of ${model.meta.providerBaseUrl}, ${failing.length} failed, ${errors} error(s), ${findings.length - errors} warning(s), by ${model.meta.rules.length} rule(s)\n`);
  return out.join('');
}
