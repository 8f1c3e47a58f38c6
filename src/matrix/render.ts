/** The matrix as Markdown (a table per client, then every failing cell with its evidence) and as JSON. */
import type { MatrixCell, MatrixResult } from './matrix';
import { OUTCOMES, type MatrixOutcome, type MatrixVariant } from './verdicts';

const SHORT: Readonly<Record<MatrixOutcome, string>> = {
  success: 'ok',
  recovered: 'recovered',
  'typed-error': 'typed',
  'untyped-crash': 'CRASH',
  'wrong-success': 'WRONG SUCCESS',
  'error-on-success': 'ERROR ON 200',
  hang: 'HANG',
  'request-mismatch': 'REQ MISMATCH',
  'not-exercised': 'NOT EXERCISED',
};

function columnName(c: Pick<MatrixCell, 'status' | 'variant'>): string {
  if (c.variant === 'catalogue') return String(c.status);
  if (c.variant === 'html-502') return `${c.status} HTML`;
  return c.variant;
}

function codeText(c: MatrixCell): string {
  if (c.expectedCode === undefined) return '';
  if (c.reportedCode === c.expectedCode) return ` [${c.expectedCode}]`;
  return ` [${c.reportedCode === undefined ? 'no code' : `code ${c.reportedCode}`}, expected ${c.expectedCode}]`;
}

function cellText(c: MatrixCell): string {
  let t = SHORT[c.outcome];
  if (c.attempts !== null && c.attempts > 1) t += ` ↻${c.attempts - 1}`;
  if (c.outcome === 'typed-error' && c.variant === 'catalogue') {
    if (c.reportedStatus !== undefined && c.reportedStatus !== c.status) t += ` (status ${String(c.reportedStatus)})`;
    if (c.reportedStatus === undefined) t += ' (no status)';
    t += codeText(c);
  }
  const errors = c.violations.filter((v) => v.severity === 'error').length;
  const warnings = c.violations.length - errors;
  if (errors > 0) t += ` ✗${c.violations.filter((v) => v.severity === 'error').map((v) => v.id.split('.')[1]).join(',')}`;
  if (warnings > 0) t += ` ⚠${warnings}`;
  return t;
}

const VARIANT_ORDER: readonly MatrixVariant[] = ['catalogue', 'html-502', 'refused', 'reset-mid-body', 'no-answer', 'slow-headers', 'html-200'];

/** The matrix as a Markdown table (rows: endpoints; columns: statuses, the HTML 502, the transport faults), then the failing cells. */
export function renderMatrixMarkdown(result: MatrixResult): string {
  const columns: Array<Pick<MatrixCell, 'status' | 'variant'>> = [];
  for (const c of result.cells) {
    if (!columns.some((k) => columnName(k) === columnName(c))) columns.push({ status: c.status, variant: c.variant });
  }
  columns.sort((a, b) => VARIANT_ORDER.indexOf(a.variant === 'html-502' ? 'catalogue' : a.variant) - VARIANT_ORDER.indexOf(b.variant === 'html-502' ? 'catalogue' : b.variant) || a.status - b.status || VARIANT_ORDER.indexOf(a.variant) - VARIANT_ORDER.indexOf(b.variant));
  const endpoints = [...new Set(result.cells.map((c) => c.endpoint))];
  const head = ['endpoint', ...columns.map(columnName)];
  const lines = [`### ${result.client} (${result.api})`, '', `| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`];
  for (const e of endpoints) {
    const row = columns.map((k) => {
      const c = result.cells.find((x) => x.endpoint === e && columnName(x) === columnName(k));
      return c ? cellText(c) : '';
    });
    lines.push(`| ${e} | ${row.join(' | ')} |`);
  }
  lines.push('');
  lines.push(`Outcomes: ${OUTCOMES.filter((o) => result.summary[o] > 0).map((o) => `${o} ${result.summary[o]}`).join(', ')}. ↻n = n retries; [code] = business code reported; ✗ = broken expectation (error), ⚠ = warning. Hang timeout ${result.hangTimeoutMs} ms.`);
  const asSpecified = result.cells.filter((c) => c.asSpecified).length;
  lines.push(`As specified: ${asSpecified} of ${result.cells.length} cells.`);
  const notExercised = result.summary['not-exercised'];
  if (notExercised > 0) lines.push(`Not exercised (no request reached the server; never counted as a pass): ${notExercised} cells.`);
  if (result.unsupported.length > 0) lines.push(`Endpoints the client has no call for: ${result.unsupported.join(', ')}.`);
  const issues = new Map<string, string[]>();
  for (const c of result.cells) for (const i of c.requestIssues) issues.set(i, [...(issues.get(i) ?? []), c.endpoint]);
  if (issues.size > 0) {
    lines.push('', 'Request deviations seen by the recording server:');
    for (const [issue, eps] of issues) lines.push(`- ${issue} (${[...new Set(eps)].join(', ')})`);
  }
  const failing = result.cells.filter((c) => !c.asSpecified || c.violations.length > 0);
  if (failing.length > 0) {
    lines.push('', '#### Failing cells', '', '| endpoint | answer | business code | outcome | attempts | delays (ms) | reason |', '|---|---|---|---|---|---|---|');
    for (const c of failing) {
      const code = c.expectedCode === undefined ? '' : `${c.reportedCode ?? 'none'} (expected ${c.expectedCode})`;
      const reason = (c.reason || c.violations.map((v) => `${v.id} (${v.severity}): ${v.message}`).join('; ')).replace(/\|/g, '\\|');
      lines.push(`| ${c.endpoint} | ${columnName(c)} | ${code} | ${c.outcome} | ${c.attempts ?? 'n/a'} | ${c.delaysMs.join(', ')}${c.backoffMs && c.backoffMs.length > 0 ? ` (own waits ${c.backoffMs.join(', ')})` : ''} | ${reason} |`);
    }
  }
  return lines.join('\n') + '\n';
}

/** The matrix as JSON (one object; every cell with its outcome, attempts, delays, violations and reason). */
export function renderMatrixJson(result: MatrixResult): string {
  return JSON.stringify(result, null, 2) + '\n';
}
