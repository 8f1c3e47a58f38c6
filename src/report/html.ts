import type { Contracts } from '../contracts/load';
import { conformanceMatrix, type CellState, type ConformanceCell } from './matrix';
import { caseVerdict, groupOf, runPassed, summarize, type ReportCase, type RunModel } from './model';
import { rootCauses } from './causes';
import type { Evidence, EvidenceBody } from './evidence';
import { caseTitle, findingLine, NOT_IN_CATALOGUE, statusLine, uncataloguedCases } from './text';

function esc(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

const LABEL: Record<CellState, string> = { verified: '✔', failed: '✘', 'pending-failed': '◐', 'not-covered': '·', 'not-applicable': '' };

const STYLE = `
body{font:14px/1.4 system-ui,sans-serif;margin:1.5rem;color:#222}
h1{font-size:1.4rem} h2{font-size:1.1rem;margin-top:2rem}
table{border-collapse:collapse} th,td{border:1px solid #ccc;padding:.25rem .5rem;text-align:left}
.matrix td.cell{text-align:center;min-width:2.2rem}
.verified{background:#c8f0c8} .failed{background:#f6b3b3;font-weight:bold} .pending-failed{background:#e2d5f5} .not-covered{background:#f3f3f3;color:#999} .not-covered sup a{color:#666;text-decoration:none} .not-applicable{background:#fff}
.pass{color:#186118} .fail{color:#a01616}
ol.reasons .where{color:#666}
pre{white-space:pre-wrap;word-break:break-all;margin:.25rem 0;background:#fafafa;padding:.4rem}
.cell a{color:inherit;text-decoration:none;display:block}
.filters{display:flex;gap:1rem;flex-wrap:wrap;margin:.5rem 0;padding:.5rem;background:#f4f6fa}
.case{border-left:4px solid #ccc;padding:.1rem .75rem;margin:.6rem 0}
.case.failed{border-color:#c33} .case.pending-failed{border-color:#7a4fd0} .case.warned{border-color:#d9a400} .case.passed{border-color:#3a3}
.case h3{font-size:1rem;margin:.3rem 0} .case.passed h3{font-weight:normal}
.case:target{background:#fff8d6}
.root{font-weight:bold} .follow{margin-left:1.5rem;color:#555}
.evidence h4{margin:.4rem 0 0;font-size:.9rem}
.note{color:#666}
`;

/** The inline script: filters and matrix-cell links. Plain DOM, no library, works from a file:// URL. */
const SCRIPT = `
(function () {
  var cases = Array.prototype.slice.call(document.querySelectorAll('section.case'));
  var selects = Array.prototype.slice.call(document.querySelectorAll('.filters select'));
  var cell = null;
  function apply() {
    var shown = 0;
    cases.forEach(function (el) {
      var ok = selects.every(function (s) { return s.value === '' || el.getAttribute('data-' + s.name) === s.value; });
      if (cell && cell.indexOf(el.getAttribute('data-index')) < 0) ok = false;
      el.hidden = !ok;
      if (ok) shown += 1;
    });
    document.getElementById('none-shown').hidden = shown > 0;
    document.getElementById('cell-filter').hidden = cell === null;
  }
  selects.forEach(function (s) { s.addEventListener('change', apply); });
  Array.prototype.slice.call(document.querySelectorAll('a.cell-link')).forEach(function (a) {
    a.addEventListener('click', function () { cell = a.getAttribute('data-cases').split(' '); apply(); });
  });
  document.getElementById('clear-cell').addEventListener('click', function () { cell = null; apply(); });
})();
`;

const VERDICT_MARK = { failed: '✘', 'pending-failed': '◐', warned: '!', passed: '✔' } as const;

/** failed, pending-failed, warned (passed with warnings) or passed: what the verdict filter and the colours use. */
function shownVerdict(c: ReportCase): keyof typeof VERDICT_MARK {
  const v = caseVerdict(c);
  return v !== 'passed' ? v : c.findings.length > 0 ? 'warned' : 'passed';
}

function endpointLabel(c: ReportCase): string {
  return c.endpoint ? `${c.endpoint.api} ${c.endpoint.id}` : `${c.request.method} ${c.request.path} (not in the catalogue)`;
}

/** The status a case is filed under: what it expected, else what came back. */
function statusLabel(c: ReportCase): string {
  return String(c.status.expected ?? c.status.actual ?? 'none');
}

function bodyHtml(b: EvidenceBody): string {
  const cut = b.truncated ? `\n<span class="note">… truncated: ${Buffer.byteLength(b.text, 'utf8')} of ${b.bytes} bytes shown</span>` : '';
  return esc(b.text) + cut;
}

function evidenceHtml(e: Evidence, open: boolean): string {
  const head = (h: Readonly<Record<string, string>>): string => Object.entries(h).map(([k, v]) => `${esc(k)}: ${esc(v)}`).join('\n');
  const request = `${esc(e.request.method)} ${esc(e.request.url)}\n${head(e.request.headers)}${e.request.body ? `\n\n${bodyHtml(e.request.body)}` : ''}`;
  const response = e.response ? `${e.response.status}\n${head(e.response.headers)}${e.response.body.text ? `\n\n${bodyHtml(e.response.body)}` : ''}` : 'no response';
  return `<details class="evidence"${open ? ' open' : ''}><summary>Request, response and curl</summary>
<h4>Request</h4><pre class="request">${request}</pre>
<h4>Response</h4><pre class="response">${response}</pre>
<h4>Reproduce</h4><pre class="curl">${esc(e.curl)}</pre>
</details>`;
}

/** Root causes first, each with its follow-on findings folded under it. */
function problemsHtml(c: ReportCase): string {
  const lines: string[] = c.errors.map((e) => `<div class="root">ERROR ${esc(e)}</div>`);
  const roots = rootCauses(c);
  const root = (r: (typeof roots)[number]): string => {
    const head = `<div class="root">${esc(r.finding ? findingLine(r.finding) : statusLine(c))}</div>`;
    if (r.followOns.length === 0) return head;
    return `${head}<details class="follow"><summary>${r.followOns.length} follow-on finding(s) of ${esc(r.id)}</summary><pre>${esc(r.followOns.map(findingLine).join('\n'))}</pre></details>`;
  };
  lines.push(...roots.filter((r) => r.finding === undefined).map(root));
  if (c.pact.mismatches.length) lines.push(`<pre class="pact">${esc(c.pact.mismatches.map((m) => `PACT ${m}`).join('\n'))}</pre>`);
  lines.push(...roots.filter((r) => r.finding !== undefined).map(root));
  return lines.join('\n');
}

function caseSection(c: ReportCase, index: number, model: RunModel): string {
  const v = shownVerdict(c);
  const attrs = `id="case-${index}" data-index="${index}" data-consumer="${esc(groupOf(c, model))}" data-endpoint="${esc(endpointLabel(c))}" data-status="${esc(statusLabel(c))}" data-verdict="${v}"`;
  const line = `<p>${esc(c.request.method)} ${esc(c.request.path)}${c.request.query ? `?${esc(c.request.query)}` : ''}${c.endpoint === null ? ` (${esc(NOT_IN_CATALOGUE)})` : ''} — expected ${c.status.expected ?? '-'}, got ${c.status.actual ?? 'no response'}</p>`;
  if (v === 'passed') return `<section class="case passed" ${attrs}><h3>${VERDICT_MARK[v]} ${esc(caseTitle(c))}</h3>${line}</section>`;
  return `<section class="case ${v}" ${attrs}><h3>${VERDICT_MARK[v]} ${esc(caseTitle(c))}</h3>
${line}
${problemsHtml(c)}
${c.evidence ? evidenceHtml(c.evidence, v === 'failed' || v === 'pending-failed') : ''}
</section>`;
}

/** One select per dimension, options from the run's own cases. */
function filterBar(model: RunModel): string {
  const select = (name: string, label: string, values: string[]): string => {
    const sorted = [...new Set(values)].sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
    return `<label>${label} <select name="${name}"><option value="">all</option>${sorted.map((x) => `<option>${esc(x)}</option>`).join('')}</select></label>`;
  };
  return `<form class="filters" onsubmit="return false">
${select('consumer', 'consumer', model.cases.map((c) => groupOf(c, model)))}
${select('endpoint', 'endpoint', model.cases.map(endpointLabel))}
${select('status', 'status', model.cases.map(statusLabel))}
${select('verdict', 'verdict', model.cases.map(shownVerdict))}
</form>`;
}

/**
 * A self-contained HTML page (one file, inline style and script, no external asset): verdict,
 * per-consumer summary, the conformance matrix (endpoint x status, coloured verified / failed / not
 * covered, each exercised cell linking to its cases), then every case, filterable by consumer,
 * endpoint, status and verdict; a failing case shows its root causes with follow-ons folded under
 * them, and its evidence (request, response, curl).
 */
export function renderHtml(model: RunModel, contracts?: Contracts): string {
  const m = conformanceMatrix(model, contracts);
  const passed = runPassed(model);
  const groups = summarize(model);
  const pendingFailed = model.cases.filter((c) => caseVerdict(c) === 'pending-failed').length;
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
    if (c.caseIndexes.length > 0) {
      // The link goes to the cell's first failing case (else its first case); the script narrows the list to the cell's cases.
      const target = c.caseIndexes.find((i) => caseVerdict(model.cases[i]) === 'failed') ?? c.caseIndexes.find((i) => caseVerdict(model.cases[i]) !== 'passed') ?? c.caseIndexes[0];
      return `<td class="cell ${c.state}" title="${esc(title)}"><a class="cell-link" href="#case-${target}" data-cases="${c.caseIndexes.join(' ')}">${LABEL[c.state]}</a>${marker}</td>`;
    }
    return `<td class="cell ${c.state}" title="${esc(title)}">${LABEL[c.state]}${marker}</td>`;
  };
  const matrix = [
    '<table class="matrix"><thead><tr><th>api</th><th>endpoint</th><th>method</th><th>path</th>',
    ...m.statuses.map((s) => `<th>${s}</th>`),
    '</tr></thead><tbody>',
    ...m.rows.map((r) => `<tr><td>${esc(r.api)}</td><td>${esc(r.endpoint)}</td><td>${esc(r.method)}</td><td>${esc(r.path)}</td>${m.statuses.map((s) => cell(r.cells[s])).join('')}</tr>`),
    '</tbody></table>',
    '<p>✔ verified · ✘ failed · ◐ failed in a pending pact only (not failing the run) · <span class="not-covered">·</span> not covered (the endpoint may answer it, no case exercised it; a number points to the reason below) · blank: not catalogued for the endpoint</p>',
  ].join('\n');
  const reasonList = reasonNumbers.size === 0 ? '' : [
    `<h2>Not covered</h2>\n<p>${notCovered.length} status(es) the run did not exercise, by reason; never counted as passed.</p>`,
    '<ol class="reasons">',
    ...[...reasonNumbers.entries()].map(([reason, n]) => `<li id="not-covered-${n}" value="${n}">${esc(reason)}${where.has(reason) ? ` <span class="where">(${esc((where.get(reason) ?? []).join(', '))})</span>` : ''}</li>`),
    '</ol>',
  ].join('\n');
  const summary = [
    '<table><thead><tr><th>consumer</th><th>provider</th><th>interactions</th><th>passed</th><th>failed</th><th>pending-failed</th><th>error findings</th><th>warnings</th></tr></thead><tbody>',
    ...groups.map((g) => `<tr><td>${esc(g.consumer)}</td><td>${esc(g.provider)}</td><td>${g.cases}</td><td>${g.passed}</td><td class="${g.failed ? 'fail' : ''}">${g.failed}</td><td>${g.pendingFailed}</td><td>${g.findings.error}</td><td>${g.findings.warning}</td></tr>`),
    '</tbody></table>',
  ].join('\n');
  const outside = uncataloguedCases(model.cases);
  const outsideList = outside.length === 0 ? '' : [
    `<h2>Not in the catalogue</h2>\n<p>${outside.length} interaction(s) ${esc(NOT_IN_CATALOGUE)}: no endpoint-specific rule applied.</p>`,
    '<ul class="uncatalogued">',
    ...outside.map((c) => `<li>${esc(c.request.method)} ${esc(c.request.path)}: ${esc(caseTitle(c))}</li>`),
    '</ul>',
  ].join('\n');
  const cases = model.cases.map((c, i) => caseSection(c, i, model));
  const filters = filterBar(model);
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>push-contracts ${esc(model.meta.kind)}: ${passed ? 'PASS' : 'FAIL'}</title><style>${STYLE}</style></head>
<body>
<h1 class="${passed ? 'pass' : 'fail'}">${passed ? 'PASS' : 'FAIL'} — ${model.cases.length} case(s), ${model.cases.filter((c) => caseVerdict(c) === 'failed').length} failed${pendingFailed ? `, ${pendingFailed} pending-failed` : ''}</h1>
<p>${esc(model.meta.kind)} of ${esc(model.meta.providerBaseUrl)} at ${esc(model.meta.startedAt)} (${(model.meta.durationMs / 1000).toFixed(1)} s) by ${esc(model.meta.tool.name)} ${esc(model.meta.tool.version)}</p>
${model.errors.length ? `<pre class="fail">${esc(model.errors.join('\n'))}</pre>` : ''}
<h2>Summary</h2>
${summary}
<h2>Conformance matrix</h2>
${matrix}
${reasonList}
${outsideList}
<h2 id="cases">Cases</h2>
${filters}
<p id="cell-filter" hidden>Showing the cases of one matrix cell. <a href="#cases" id="clear-cell">Show all</a></p>
${cases.length ? cases.join('\n') : '<p>No cases: nothing was exercised.</p>'}
<p id="none-shown" hidden>No case matches the filters.</p>
<script>${SCRIPT}</script>
</body></html>
`;
}
