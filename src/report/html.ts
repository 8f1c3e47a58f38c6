import type { Contracts } from '../contracts/load';
import { conformanceMatrix, type CellState, type ConformanceCell } from './matrix';
import { caseVerdict, runPassed, summarize, type RunModel } from './model';
import { caseTitle, NOT_IN_CATALOGUE, problemLines, uncataloguedCases } from './text';

function esc(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

const LABEL: Record<CellState, string> = { verified: '✔', failed: '✘', 'not-covered': '·', 'not-applicable': '' };

const STYLE = `
body{font:14px/1.4 system-ui,sans-serif;margin:1.5rem;color:#222}
h1{font-size:1.4rem} h2{font-size:1.1rem;margin-top:2rem}
table{border-collapse:collapse} th,td{border:1px solid #ccc;padding:.25rem .5rem;text-align:left}
.matrix td.cell{text-align:center;min-width:2.2rem}
.verified{background:#c8f0c8} .failed{background:#f6b3b3;font-weight:bold} .not-covered{background:#f3f3f3;color:#999} .not-covered sup a{color:#666;text-decoration:none} .not-applicable{background:#fff}
.pass{color:#186118} .fail{color:#a01616}
ol.reasons .where{color:#666}
pre{white-space:pre-wrap;margin:.25rem 0;background:#fafafa;padding:.4rem}
`;

/**
 * A self-contained HTML page: verdict, per-consumer summary, the conformance matrix (endpoint x
 * status, coloured verified / failed / not covered), and every failing or warned case with its problems.
 */
export function renderHtml(model: RunModel, contracts?: Contracts): string {
  const m = conformanceMatrix(model, contracts);
  const passed = runPassed(model);
  const groups = summarize(model);
  // Reasons are numbered once each and footnoted, so 17 endpoints x "500 needs a condition" stay one line below the matrix.
  const notCovered = model.notCovered ?? [];
  const reasonNumbers = new Map<string, number>();
  const where = new Map<string, string[]>();
  const footnote = (reason: string): number => {
    if (!reasonNumbers.has(reason)) reasonNumbers.set(reason, reasonNumbers.size + 1);
    return reasonNumbers.get(reason) as number;
  };
  for (const r of m.rows) for (const s of m.statuses) for (const reason of r.cells[s].reasons ?? []) footnote(reason);
  for (const n of notCovered) {
    footnote(n.reason);
    where.set(n.reason, [...(where.get(n.reason) ?? []), `${n.endpoint ? n.endpoint.id : `${n.api ?? 'any endpoint'}`} ${n.status}`]);
  }
  const cell = (c: ConformanceCell): string => {
    const reasons = c.reasons ?? [];
    const title = c.state === 'not-applicable'
      ? 'not catalogued for this endpoint'
      : `${c.state}${c.cases.length ? ': ' + c.cases.join('; ') : reasons.length ? ': ' + reasons.join('; ') : ''}`;
    const marker = reasons.length ? `<sup>${reasons.map((r) => `<a href="#not-covered-${footnote(r)}">${footnote(r)}</a>`).join(',')}</sup>` : '';
    return `<td class="cell ${c.state}" title="${esc(title)}">${LABEL[c.state]}${marker}</td>`;
  };
  const matrix = [
    '<table class="matrix"><thead><tr><th>api</th><th>endpoint</th><th>method</th><th>path</th>',
    ...m.statuses.map((s) => `<th>${s}</th>`),
    '</tr></thead><tbody>',
    ...m.rows.map((r) => `<tr><td>${esc(r.api)}</td><td>${esc(r.endpoint)}</td><td>${esc(r.method)}</td><td>${esc(r.path)}</td>${m.statuses.map((s) => cell(r.cells[s])).join('')}</tr>`),
    '</tbody></table>',
    '<p>✔ verified · ✘ failed · <span class="not-covered">·</span> not covered (the endpoint may answer it, no case exercised it; a number points to the reason below) · blank: not catalogued for the endpoint</p>',
  ].join('\n');
  const reasonList = reasonNumbers.size === 0 ? '' : [
    `<h2>Not covered</h2>\n<p>${notCovered.length} status(es) the run did not exercise, by reason; never counted as passed.</p>`,
    '<ol class="reasons">',
    ...[...reasonNumbers.entries()].map(([reason, n]) => `<li id="not-covered-${n}" value="${n}">${esc(reason)}${where.has(reason) ? ` <span class="where">(${esc((where.get(reason) ?? []).join(', '))})</span>` : ''}</li>`),
    '</ol>',
  ].join('\n');
  const summary = [
    '<table><thead><tr><th>consumer</th><th>provider</th><th>interactions</th><th>passed</th><th>failed</th><th>error findings</th><th>warnings</th></tr></thead><tbody>',
    ...groups.map((g) => `<tr><td>${esc(g.consumer)}</td><td>${esc(g.provider)}</td><td>${g.cases}</td><td>${g.passed}</td><td class="${g.failed ? 'fail' : ''}">${g.failed}</td><td>${g.findings.error}</td><td>${g.findings.warning}</td></tr>`),
    '</tbody></table>',
  ].join('\n');
  const outside = uncataloguedCases(model.cases);
  const outsideList = outside.length === 0 ? '' : [
    `<h2>Not in the catalogue</h2>\n<p>${outside.length} interaction(s) ${esc(NOT_IN_CATALOGUE)}: no endpoint-specific rule applied.</p>`,
    '<ul class="uncatalogued">',
    ...outside.map((c) => `<li>${esc(c.request.method)} ${esc(c.request.path)}: ${esc(caseTitle(c))}</li>`),
    '</ul>',
  ].join('\n');
  const detailed = model.cases.filter((c) => caseVerdict(c) === 'failed' || c.findings.length > 0);
  const details = detailed.map((c) => {
    const v = caseVerdict(c);
    return `<h3 class="${v === 'failed' ? 'fail' : ''}">${v === 'failed' ? '✘' : '!'} ${esc(caseTitle(c))}</h3>
<p>${esc(c.request.method)} ${esc(c.request.path)}${c.endpoint === null ? ` (${esc(NOT_IN_CATALOGUE)})` : ''} — expected ${c.status.expected ?? '-'}, got ${c.status.actual ?? 'no response'}</p>
<pre>${esc(problemLines(c).join('\n'))}</pre>`;
  });
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>push-contracts ${esc(model.meta.kind)}: ${passed ? 'PASS' : 'FAIL'}</title><style>${STYLE}</style></head>
<body>
<h1 class="${passed ? 'pass' : 'fail'}">${passed ? 'PASS' : 'FAIL'} — ${model.cases.length} case(s), ${model.cases.filter((c) => caseVerdict(c) === 'failed').length} failed</h1>
<p>${esc(model.meta.kind)} of ${esc(model.meta.providerBaseUrl)} at ${esc(model.meta.startedAt)} (${(model.meta.durationMs / 1000).toFixed(1)} s) by ${esc(model.meta.tool.name)} ${esc(model.meta.tool.version)}</p>
${model.errors.length ? `<pre class="fail">${esc(model.errors.join('\n'))}</pre>` : ''}
<h2>Summary</h2>
${summary}
<h2>Conformance matrix</h2>
${matrix}
${reasonList}
${outsideList}
<h2>Findings</h2>
${details.length ? details.join('\n') : '<p>No findings.</p>'}
</body></html>
`;
}
